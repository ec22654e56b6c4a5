import type { FromSchema } from 'json-schema-to-ts';

/**
 * istiod metrics a summary keeps (pilot/pkg/xds/monitoring.go, pkg/xds/monitoring.go, the Go
 * runtime's): connected proxies, registry size, push and reject counters, and what sizes the
 * process. Each is summed over its label sets (`pilot_xds{version}`, `pilot_xds_pushes{type}`).
 */
export const KEPT_METRICS = [
  'pilot_xds',
  'pilot_services',
  'pilot_virt_services',
  'pilot_xds_pushes',
  'pilot_total_xds_rejects',
  'pilot_total_xds_internal_errors',
  'process_cpu_seconds_total',
  'process_start_time_seconds',
  'process_resident_memory_bytes',
  'go_memstats_alloc_bytes',
  'go_memstats_heap_inuse_bytes',
] as const;

/** Histograms kept, their buckets summed over the other labels (`pilot_xds_push_time{type}`). */
export const KEPT_HISTOGRAMS = ['pilot_proxy_convergence_time', 'pilot_xds_push_time'] as const;
export type KeptHistogram = (typeof KEPT_HISTOGRAMS)[number];

const lineValue = {
  type: 'object',
  required: ['value', 'line', 'text'],
  additionalProperties: false,
  properties: { value: { type: 'number' }, line: { type: 'integer', minimum: 1 }, text: { type: 'string' } },
} as const;

/** A cumulative Prometheus histogram: observations at or below each bound (`le`, seconds); `+Inf` is `count`. */
export const histogramSchema = {
  type: 'object',
  required: ['count', 'buckets'],
  additionalProperties: false,
  properties: {
    count: { type: 'number', minimum: 0 },
    sum: { type: 'number' },
    countLine: lineValue,
    buckets: {
      type: 'array',
      items: {
        type: 'object',
        required: ['le', 'count', 'line', 'text'],
        additionalProperties: false,
        properties: { le: { type: 'number' }, count: { type: 'number', minimum: 0 }, line: { type: 'integer', minimum: 1 }, text: { type: 'string' } },
      },
    },
  },
} as const;

export const istiodMetricsSchema = {
  $id: 'istiod.metrics',
  title: "Summary of istiod's Prometheus /metrics (port 15014): push, convergence, connected proxies, process size",
  type: 'object',
  required: ['lines', 'samples', 'values', 'histograms'],
  additionalProperties: false,
  properties: {
    lines: { type: 'integer', minimum: 0 },
    samples: { type: 'integer', minimum: 0 },
    /** `istio_build{component="pilot",tag="1.24.3"}`. */
    version: { type: 'string' },
    values: { type: 'object', propertyNames: { enum: KEPT_METRICS }, additionalProperties: lineValue },
    histograms: { type: 'object', propertyNames: { enum: KEPT_HISTOGRAMS }, additionalProperties: histogramSchema },
  },
} as const;

export type IstiodMetrics = FromSchema<typeof istiodMetricsSchema>;
export type Histogram = FromSchema<typeof histogramSchema>;
export type MetricValue = FromSchema<typeof lineValue>;
