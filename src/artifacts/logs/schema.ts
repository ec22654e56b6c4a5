import type { FromSchema } from 'json-schema-to-ts';

const lineRef = {
  type: 'object',
  required: ['line', 'text'],
  additionalProperties: false,
  properties: { line: { type: 'integer', minimum: 1 }, text: { type: 'string' } },
} as const;

const counts = { type: 'object', additionalProperties: { type: 'integer', minimum: 0 } } as const;

/** Matches of a signature, or of one breakdown key: counts, the first and last line, the time span. */
const tallyProperties = {
  count: { type: 'integer', minimum: 1 },
  /** How many of the matches are access-log lines (requests), the rest are log messages. */
  accessCount: { type: 'integer', minimum: 0 },
  first: lineRef,
  last: lineRef,
  /** The earliest and latest time of a matching line that carries one (UTC, as the log writes it). */
  firstTime: { type: 'string' },
  lastTime: { type: 'string' },
} as const;

const partProperties = {
  lines: { type: 'integer', minimum: 0 },
  /** The proxy as pilot-agent names itself at start-up (`Proxy role … id=<pod>.<namespace>`). */
  proxy: {
    type: 'object',
    required: ['pod', 'namespace'],
    additionalProperties: false,
    properties: { pod: { type: 'string' }, namespace: { type: 'string' } },
  },
  /** The Istio version pilot-agent prints at start-up (`Version 1.22.3-…`). */
  istioVersion: { type: 'string' },
  /** Lines longer than the scan keeps, cut for matching. */
  longLines: { type: 'integer', minimum: 0 },
  /** Lines with bytes that are not UTF-8 (read as U+FFFD). */
  invalidUtf8Lines: { type: 'integer', minimum: 1 },
  firstTimestamp: { type: 'string' },
  lastTimestamp: { type: 'string' },
  levels: { type: 'object', required: ['error', 'warn'], properties: { error: { type: 'integer' }, warn: { type: 'integer' } } },
  access: {
    type: 'object',
    required: ['requests', 'failed', 'byFlag', 'byStatusClass'],
    additionalProperties: false,
    properties: {
      /** Access-log lines (HTTP requests and TCP connections). */
      requests: { type: 'integer', minimum: 0 },
      /** Those that failed: 5xx, Envoy's own 403 (RBAC) and 404 (no route), TCP connections with a failure flag. */
      failed: { type: 'integer', minimum: 0 },
      byFlag: counts,
      byStatusClass: counts,
      /** Outbound requests per destination namespace (`outbound|…|<svc>.<namespace>.svc.…`): who this proxy calls. */
      byUpstreamNamespace: counts,
      /** Outbound requests per destination service host: what a tailored Sidecar must keep. */
      byUpstreamHost: counts,
      /** Requests to hosts past the kept list's cap: the list is then incomplete. */
      upstreamHostsDropped: { type: 'integer', minimum: 1 },
      /** The pod IP this proxy serves, inferred from its own addresses in the access log. */
      ownIp: { type: 'string' },
      /** Requests and failures per upstream cluster (`-`: none) and UTC minute (`2024-07-25T20:12`), for charts and diffs. */
      series: {
        type: 'array',
        items: {
          type: 'object',
          required: ['upstream', 'minutes'],
          additionalProperties: false,
          properties: {
            upstream: { type: 'string' },
            minutes: {
              type: 'array',
              items: {
                type: 'object',
                required: ['minute', 'requests', 'failed'],
                additionalProperties: false,
                properties: { minute: { type: 'string' }, requests: { type: 'integer', minimum: 1 }, failed: { type: 'integer', minimum: 0 }, byFlag: counts },
              },
            },
          },
        },
      },
      /** Requests past the series' caps (upstreams, cells): counted in the totals, not in the series. */
      seriesDropped: { type: 'integer', minimum: 1 },
    },
  },
  /**
   * istiod: how long each debounced push waited after the first change it carries ("since last
   * push" of `Push debounce stable[…]`), as cumulative counts at or below each bound (seconds).
   */
  pushDelays: {
    type: 'object',
    required: ['count', 'buckets', 'slowest'],
    additionalProperties: false,
    properties: {
      count: { type: 'integer', minimum: 1 },
      buckets: {
        type: 'array',
        items: { type: 'object', required: ['le', 'count'], additionalProperties: false, properties: { le: { type: 'number' }, count: { type: 'integer', minimum: 0 } } },
      },
      slowest: { type: 'object', required: ['seconds', 'line', 'text'], additionalProperties: false, properties: { seconds: { type: 'number' }, line: { type: 'integer', minimum: 1 }, text: { type: 'string' } } },
    },
  },
  signatures: {
    type: 'object',
    additionalProperties: {
      type: 'object',
      required: ['count', 'accessCount', 'first', 'last', 'breakdown'],
      additionalProperties: false,
      properties: {
        ...tallyProperties,
        /** Keys with the most matches first, at most ten; each with its own tally, so a target cites its own lines. */
        breakdown: {
          type: 'array',
          items: {
            type: 'object',
            required: ['key', 'count', 'accessCount', 'first', 'last'],
            additionalProperties: false,
            properties: { key: { type: 'string' }, ...tallyProperties },
          },
        },
      },
    },
  },
} as const;

/** What a scan of one container log keeps: counts and a few lines, never the log itself. */
export const logPartSchema = {
  type: 'object',
  required: ['lines', 'levels', 'access', 'signatures'],
  additionalProperties: false,
  properties: partProperties,
} as const;

export const logSummarySchema = {
  $id: 'logs',
  title: 'Summary of one container log (istio-proxy or istiod), produced by a line-by-line scan',
  type: 'object',
  required: ['lines', 'levels', 'access', 'signatures'],
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
        properties: { pod: { type: 'string' }, container: { type: 'string' }, summary: logPartSchema },
      },
    },
  },
} as const;

export type LogPart = FromSchema<typeof logPartSchema>;
export type LogSummary = FromSchema<typeof logSummarySchema>;
export type SignatureHits = NonNullable<LogSummary['signatures'][string]>;
