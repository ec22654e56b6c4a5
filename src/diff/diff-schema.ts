import type { FromSchema } from 'json-schema-to-ts';
import { COLLECTED_AT_SOURCES } from '../model/facets.js';
import { reportSchema } from '../report/report-schema.js';
import { SEVERITIES, STEPS } from '../rules/rule.js';

export const DIFF_SCHEMA_VERSION = 1 as const;

const count = { type: 'integer', minimum: 0 } as const;
const bytes = { type: 'number', minimum: 0 } as const;
const counts = { type: 'object', additionalProperties: count } as const;
const nullableTime = { type: ['string', 'null'], format: 'date-time' } as const;
const fingerprint = { type: 'string', pattern: '^[0-9a-f]{16}$' } as const;
const subject = reportSchema.properties.findings.items.properties.subject;

/** One bundle of the two: what was given and what it is. */
const side = {
  type: 'object',
  required: ['input', 'from', 'source', 'collectedAt', 'collectedAtSource', 'toolVersion', 'findings'],
  additionalProperties: false,
  properties: {
    /** The path given on the command line. */
    input: { type: 'string' },
    /** `bundle`: analysed now; `report`: a stored `analyze --format json` report. */
    from: { enum: ['bundle', 'report'] },
    source: { type: 'string' },
    collectedAt: nullableTime,
    collectedAtSource: { enum: COLLECTED_AT_SOURCES },
    cluster: { type: 'string' },
    /** The analyzer version that wrote the report. */
    toolVersion: { type: 'string' },
    findings: count,
    /** Present when the stored report hid findings below a severity (`--min-severity`): the diff cannot see them. */
    hiddenBelow: { enum: SEVERITIES },
  },
} as const;

/** A finding as the report has it (`number` is its place in its own report; MEM003's have none). */
const finding = {
  type: 'object',
  required: ['ruleId', 'fingerprint', 'severity', 'step', 'title', 'subject', 'evidence', 'explanation', 'remediation', 'commands', 'docs'],
  properties: reportSchema.properties.findings.items.properties,
} as const;

/** A finding in both bundles, by fingerprint: its severity then and now. */
const persisting = {
  type: 'object',
  required: ['fingerprint', 'ruleId', 'step', 'title', 'subject', 'severity', 'severityBefore'],
  additionalProperties: false,
  properties: { fingerprint, ruleId: { type: 'string' }, step: { enum: Object.keys(STEPS) }, title: { type: 'string' }, subject, severity: { enum: SEVERITIES }, severityBefore: { enum: SEVERITIES } },
} as const;

/** One container's memory in both bundles, matched by workload (proxies) or Deployment (istiod). */
const memoryRow = {
  type: 'object',
  required: ['key', 'restarted'],
  additionalProperties: false,
  properties: {
    /** `<namespace>/<workload>` or `<namespace>/<istiod Deployment>`. */
    key: { type: 'string' },
    podBefore: { type: 'string' },
    podAfter: { type: 'string' },
    /** The pod was replaced between the bundles (other pod name, same workload). */
    restarted: { type: 'boolean' },
    /** What measured both values: the same source on both sides. */
    source: { enum: ['kubectl top', 'server.memory_allocated'] },
    beforeBytes: bytes,
    afterBytes: bytes,
    /** afterBytes − beforeBytes (negative: it shrank). */
    changeBytes: { type: 'number' },
    /** changeBytes / beforeBytes. */
    changeShare: { type: 'number' },
    /** The memory limit in the later bundle (else the earlier). */
    limitBytes: bytes,
    clustersBefore: count,
    clustersAfter: count,
    routesBefore: count,
    routesAfter: count,
  },
} as const;

const upstreamSide = {
  type: ['object', 'null'],
  required: ['requests', 'failed', 'failureRate', 'byFlag'],
  additionalProperties: false,
  properties: { requests: count, failed: count, failureRate: { type: 'number', minimum: 0, maximum: 1 }, byFlag: counts },
} as const;

const trafficSide = {
  type: ['object', 'null'],
  required: ['requests', 'failed', 'spanMinutes', 'requestsPerMinute'],
  additionalProperties: false,
  properties: { requests: count, failed: count, spanMinutes: count, requestsPerMinute: { type: 'number', minimum: 0 } },
} as const;

const configurationSide = reportSchema.properties.metrics.properties.configuration;

export const diffSchema = {
  $id: 'diff',
  title: 'istio-bundle diff --format json',
  description: 'What changed between two Istio diagnostic bundles: findings by fingerprint, metric deltas, MEM003 (memory growth without configuration change).',
  type: 'object',
  required: ['schemaVersion', 'tool', 'before', 'after', 'summary', 'findings', 'coverage', 'metrics', 'leak', 'notChecked', 'warnings'],
  additionalProperties: false,
  properties: {
    schemaVersion: { const: DIFF_SCHEMA_VERSION },
    tool: { type: 'object', required: ['name', 'version'], additionalProperties: false, properties: { name: { type: 'string' }, version: { type: 'string' } } },
    before: side,
    after: side,
    summary: {
      type: 'object',
      required: ['new', 'resolved', 'persisting', 'severityChanged', 'notRechecked', 'newBySeverity'],
      additionalProperties: false,
      properties: {
        new: count,
        resolved: count,
        persisting: count,
        severityChanged: count,
        notRechecked: count,
        newBySeverity: { type: 'object', required: SEVERITIES, additionalProperties: false, properties: Object.fromEntries(SEVERITIES.map((s) => [s, count])) as { [S in (typeof SEVERITIES)[number]]: typeof count } },
      },
    },
    /** Each list ordered by severity, rule id, subject. */
    findings: {
      type: 'object',
      required: ['new', 'resolved', 'persisting', 'notRechecked'],
      additionalProperties: false,
      properties: {
        /** In the later bundle only (MEM003's findings among them), as the later report has them. */
        new: { type: 'array', items: finding },
        /** In the earlier bundle only, and the later bundle checked their rule: fixed. */
        resolved: { type: 'array', items: finding },
        /** In both; `severityBefore` differs from `severity` when the severity changed. */
        persisting: { type: 'array', items: persisting },
        /** In the earlier bundle only, but the later bundle could not check their rule: not known to be fixed. */
        notRechecked: { type: 'array', items: finding },
      },
    },
    /** Rules one bundle checked and the other could not (their inputs missing). */
    coverage: {
      type: 'object',
      required: ['checkedBeforeOnly', 'checkedAfterOnly'],
      additionalProperties: false,
      properties: { checkedBeforeOnly: { type: 'array', items: { type: 'string' } }, checkedAfterOnly: { type: 'array', items: { type: 'string' } } },
    },
    metrics: {
      type: 'object',
      required: ['collection', 'configuration', 'istiod', 'proxies', 'sync', 'traffic', 'upstreams', 'certificates'],
      additionalProperties: false,
      properties: {
        collection: {
          type: 'object',
          required: ['before', 'after', 'elapsedSeconds'],
          additionalProperties: false,
          properties: { before: nullableTime, after: nullableTime, elapsedSeconds: { type: ['number', 'null'] } },
        },
        configuration: {
          type: 'object',
          required: ['same'],
          additionalProperties: false,
          properties: { before: configurationSide, after: configurationSide, same: { type: ['boolean', 'null'] } },
        },
        istiod: { type: 'array', items: memoryRow },
        proxies: { type: 'array', items: memoryRow },
        sync: {
          type: 'object',
          required: ['staleBefore', 'staleAfter', 'newStale', 'cleared'],
          additionalProperties: false,
          properties: {
            /** STALE proxies per bundle; null when the bundle has no per-type sync status. */
            staleBefore: { type: ['integer', 'null'], minimum: 0 },
            staleAfter: { type: ['integer', 'null'], minimum: 0 },
            newStale: { type: 'array', items: { type: 'string' } },
            cleared: { type: 'array', items: { type: 'string' } },
          },
        },
        traffic: { type: 'object', required: ['before', 'after'], additionalProperties: false, properties: { before: trafficSide, after: trafficSide } },
        /** Upstream clusters with traffic in both bundles or failures in either; null: not among that bundle's upstreams. */
        upstreams: {
          type: 'array',
          items: { type: 'object', required: ['upstream', 'before', 'after'], additionalProperties: false, properties: { upstream: { type: 'string' }, before: upstreamSide, after: upstreamSide } },
        },
        /** Each proxy's soonest certificate expiry, matched by workload. */
        certificates: {
          type: 'array',
          items: {
            type: 'object',
            required: ['key', 'change'],
            additionalProperties: false,
            properties: {
              key: { type: 'string' },
              proxyBefore: { type: 'string' },
              proxyAfter: { type: 'string' },
              notAfterBefore: { type: 'string' },
              notAfterAfter: { type: 'string' },
              /** `rotated`: notAfter moved later. */
              change: { enum: ['rotated', 'same', 'earlier', 'before-only', 'after-only', 'unknown'] },
              expiredAfter: { type: 'boolean' },
            },
          },
        },
      },
    },
    /** MEM003's verdict: `fired` (its findings are in findings.new), `quiet`, `configuration-changed` (not a leak), `not-checked`. */
    leak: {
      type: 'object',
      required: ['ruleId', 'status', 'reason'],
      additionalProperties: false,
      properties: { ruleId: { const: 'MEM003' }, status: { enum: ['fired', 'quiet', 'configuration-changed', 'not-checked'] }, reason: { type: 'string' }, notes: { type: 'array', items: { type: 'string' } } },
    },
    notChecked: {
      type: 'array',
      items: {
        type: 'object',
        required: ['ruleId', 'title', 'reason', 'collect'],
        additionalProperties: false,
        properties: { ruleId: { type: 'string' }, title: { type: 'string' }, reason: { type: 'string' }, collect: { type: 'array', items: { type: 'string' } } },
      },
    },
    warnings: { type: 'array', items: { type: 'string' } },
  },
} as const;

/** The JSON diff contract (schemas/diff.schema.json). Fields are added, never renamed. */
export type BundleDiff = FromSchema<typeof diffSchema>;
export type DiffFinding = BundleDiff['findings']['new'][number];
export type MemoryRow = BundleDiff['metrics']['proxies'][number];
