import type { FromSchema } from 'json-schema-to-ts';

/**
 * What an error line of a ztunnel log is about, decided from its text (errors.ts): the kind of
 * failure an engineer acts on, not the log level.
 */
export const ZTUNNEL_ERROR_CLASSES = [
  /** An AuthorizationPolicy or PeerAuthentication rejected the connection (`connection closed due to policy rejection: …`, a peer's `http status: 401`). */
  'policy',
  /** The mTLS handshake or the peer's certificate failed (`tls error`, `invalid peer certificate`, `identity verification error`). */
  'tls',
  /** ztunnel could not get or renew a workload certificate from the CA (`identity error`, `signing gRPC error`, `certificate fetch failed`). */
  'certificate',
  /** Another failed connection (`connection complete` at ERROR, `connection failed`): refused, timed out, reset, no endpoint. */
  'connection',
  /** The XDS stream to istiod failed, or ztunnel rejected (NACKed) configuration. */
  'xds',
  /** A workload's information did not arrive from istiod in time (`timed out waiting for workload … from xds`). */
  'workload-info',
  /** ztunnel's DNS proxy failed. */
  'dns',
  /** The node agent failed to set up a pod's traffic capture (`inpod::…`). */
  'inpod',
  /** Any other ERROR line. */
  'other',
] as const;
export type ZtunnelErrorClass = (typeof ZTUNNEL_ERROR_CLASSES)[number];

const lineRef = {
  type: 'object',
  required: ['line', 'text'],
  additionalProperties: false,
  properties: { line: { type: 'integer', minimum: 1 }, text: { type: 'string' } },
} as const;

/** One source → destination pair an error's lines name, with how many lines name it. */
const pairSchema = {
  type: 'object',
  required: ['count'],
  additionalProperties: false,
  properties: {
    /** `<namespace>/<workload>` as ztunnel logs it (`src.namespace`/`src.workload`), else the source IP. */
    src: { type: 'string' },
    /** `<namespace>/<workload>` (`dst.namespace`/`dst.workload`), else the destination IP. */
    dst: { type: 'string' },
    /** `dst.service`, when the line names one. */
    service: { type: 'string' },
    count: { type: 'integer', minimum: 1 },
  },
} as const;

/** Lines of one error text: counts, the first and last line (cut to 2 KiB), the time span, who called whom. */
const errorSchema = {
  type: 'object',
  required: ['key', 'class', 'level', 'target', 'count', 'first', 'last', 'pairs'],
  additionalProperties: false,
  properties: {
    /** The error text without addresses, ports, ids, durations and times: what groups the lines. */
    key: { type: 'string', minLength: 1 },
    class: { enum: ZTUNNEL_ERROR_CLASSES },
    /** The highest level among the lines. */
    level: { enum: ['error', 'warn', 'info'] },
    /** The logging target (`access`, `xds::client`, `inpod::statemanager`…), spans left out. */
    target: { type: 'string' },
    count: { type: 'integer', minimum: 1 },
    first: lineRef,
    last: lineRef,
    firstTime: { type: 'string' },
    lastTime: { type: 'string' },
    /** Distinct source → destination pairs, the most lines first; at most 20 are kept. */
    pairs: { type: 'array', items: pairSchema },
    /** Lines whose pair was not kept (past the cap). */
    pairsDropped: { type: 'integer', minimum: 1 },
  },
} as const;

const partProperties = {
  lines: { type: 'integer', minimum: 0 },
  /** Lines in each layout: Istio's (≥ 1.22, tab-separated), tracing's default (before 1.22), JSON (`LOG_FORMAT=json`). */
  formats: {
    type: 'object',
    required: ['istio', 'tracing', 'json'],
    additionalProperties: false,
    properties: { istio: { type: 'integer', minimum: 0 }, tracing: { type: 'integer', minimum: 0 }, json: { type: 'integer', minimum: 0 } },
  },
  levels: {
    type: 'object',
    required: ['error', 'warn'],
    additionalProperties: false,
    properties: { error: { type: 'integer', minimum: 0 }, warn: { type: 'integer', minimum: 0 } },
  },
  /** Access events: `connection complete` without an error, and connections that failed (`connection complete` with `error=`, `connection failed`). */
  connections: {
    type: 'object',
    required: ['completed', 'failed'],
    additionalProperties: false,
    properties: { completed: { type: 'integer', minimum: 0 }, failed: { type: 'integer', minimum: 0 } },
  },
  firstTimestamp: { type: 'string' },
  lastTimestamp: { type: 'string' },
  /** Lines longer than the scan keeps, cut for matching. */
  longLines: { type: 'integer', minimum: 1 },
  /** Lines with bytes that are not UTF-8 (read as U+FFFD). */
  invalidUtf8Lines: { type: 'integer', minimum: 1 },
  /** Error texts, the most lines first; at most 100 distinct ones are kept. */
  errors: { type: 'array', items: errorSchema },
  /** Error lines of texts past the cap: counted, not kept. */
  errorsDropped: { type: 'integer', minimum: 1 },
} as const;

/** What a scan of one ztunnel log (or of one pod's lines in a `--prefix` file) keeps. */
export const ztunnelLogPartSchema = {
  type: 'object',
  required: ['lines', 'formats', 'levels', 'connections', 'errors'],
  additionalProperties: false,
  properties: partProperties,
} as const;

export const ztunnelLogSummarySchema = {
  $id: 'logs.ztunnel',
  title: 'Summary of a ztunnel log (ambient mode), produced by a line-by-line scan: its errors grouped by text',
  type: 'object',
  required: ['lines', 'formats', 'levels', 'connections', 'errors'],
  additionalProperties: false,
  properties: {
    ...partProperties,
    /** `kubectl logs --prefix`: the lines of each `[pod/<pod>/<container>]` source, counted apart. */
    sources: {
      type: 'array',
      items: {
        type: 'object',
        required: ['pod', 'container', 'summary'],
        additionalProperties: false,
        properties: { pod: { type: 'string' }, container: { type: 'string' }, summary: ztunnelLogPartSchema },
      },
    },
  },
} as const;

export type ZtunnelLogPart = FromSchema<typeof ztunnelLogPartSchema>;
export type ZtunnelLogSummary = FromSchema<typeof ztunnelLogSummarySchema>;
export type ZtunnelError = ZtunnelLogPart['errors'][number];
export type ZtunnelErrorPair = ZtunnelError['pairs'][number];
