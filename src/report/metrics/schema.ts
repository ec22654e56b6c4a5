/**
 * The report's measurements: what the HTML charts draw and what `istio-bundle diff` compares
 * between two bundles. Computed once from the model, so a stored report renders and diffs
 * without the bundle.
 */
const count = { type: 'integer', minimum: 0 } as const;
const counts = { type: 'object', additionalProperties: count } as const;
const bytes = { type: 'number', minimum: 0 } as const;

const minute = {
  type: 'object',
  required: ['minute', 'requests', 'failed'],
  additionalProperties: false,
  properties: {
    /** UTC minute as the logs write it: `2024-07-25T20:12`. */
    minute: { type: 'string', pattern: '^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d$' },
    requests: count,
    failed: count,
    byFlag: counts,
  },
} as const;

export const metricsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    /** Proxies' access logs: requests and failures per minute, in all and per upstream cluster. */
    traffic: {
      type: 'object',
      required: ['requests', 'failed', 'minutes', 'upstreams', 'upstreamsOmitted', 'uncounted'],
      additionalProperties: false,
      properties: {
        requests: count,
        failed: count,
        /** Every proxy's requests per minute, summed. */
        minutes: { type: 'array', items: minute },
        /** The upstreams with the most failures (then requests), each with its own minutes. */
        upstreams: {
          type: 'array',
          items: {
            type: 'object',
            required: ['upstream', 'requests', 'failed', 'byFlag', 'minutes'],
            additionalProperties: false,
            properties: { upstream: { type: 'string' }, requests: count, failed: count, byFlag: counts, minutes: { type: 'array', items: minute } },
          },
        },
        /** Upstreams past those kept. */
        upstreamsOmitted: count,
        /** Requests the logs counted without a minute (no ISO time, or past a log's series cap). */
        uncounted: count,
      },
    },
    /** The control plane's per-type sync status of its proxies. */
    sync: {
      type: 'object',
      required: ['proxies', 'byType', 'stale'],
      additionalProperties: false,
      properties: {
        proxies: count,
        byType: {
          type: 'array',
          items: {
            type: 'object',
            required: ['type', 'statuses'],
            additionalProperties: false,
            properties: { type: { type: 'string' }, statuses: counts },
          },
        },
        /** Proxy ids with a STALE type, sorted. */
        stale: { type: 'array', items: { type: 'string' } },
      },
    },
    memory: {
      type: 'object',
      required: ['proxies', 'istiod'],
      additionalProperties: false,
      properties: {
        /** Each proxy's measured memory beside its limit and the estimate from the configuration it holds. */
        proxies: {
          type: 'array',
          items: {
            type: 'object',
            required: ['proxy'],
            additionalProperties: false,
            properties: {
              /** `<namespace>/<pod>`, or the file when nothing names the pod. */
              proxy: { type: 'string' },
              /** `kubectl top` working set of the istio-proxy container. */
              workingSetBytes: bytes,
              /** Envoy's `server.memory_allocated`. */
              allocatedBytes: bytes,
              limitBytes: bytes,
              /** 50 MiB + 1 KiB per route + 10 KiB per cluster of its config dump. */
              estimateBytes: bytes,
              clusters: count,
              routes: count,
            },
          },
        },
        istiod: {
          type: 'array',
          items: {
            type: 'object',
            required: ['pod'],
            additionalProperties: false,
            properties: { pod: { type: 'string' }, usedBytes: bytes, limitBytes: bytes },
          },
        },
      },
    },
    /**
     * What the configuration was: a digest of the Istio resources and Services by kind, name and
     * resourceVersion (or content, when the bundle has no resourceVersion). Two bundles with the
     * same digest had the same configuration.
     */
    configuration: {
      type: 'object',
      required: ['resources', 'digest', 'by'],
      additionalProperties: false,
      properties: {
        resources: count,
        digest: { type: 'string', pattern: '^[0-9a-f]{16}$' },
        by: { enum: ['resourceVersion', 'content'] },
      },
    },
  },
} as const;
