import type { FromSchema } from 'json-schema-to-ts';

/**
 * The Envoy stats a summary keeps, by their `/stats` text name (the Prometheus form
 * `envoy_server_memory_allocated{}` is the same stat). A proxy of a large mesh prints hundreds of
 * thousands of per-cluster and per-listener stats; only these singletons are kept.
 */
export const KEPT_STATS = [
  'server.memory_allocated',
  'server.memory_heap_size',
  'server.memory_physical_size',
  'server.state',
  'server.uptime',
  'server.concurrency',
  'server.total_connections',
  'server.days_until_first_cert_expiring',
  'cluster_manager.cds.update_rejected',
  'cluster_manager.cds.update_success',
  'listener_manager.lds.update_rejected',
  'listener_manager.lds.update_success',
  'cluster_manager.active_clusters',
  'cluster_manager.warming_clusters',
  'listener_manager.total_listeners_active',
  'listener_manager.total_listeners_warming',
  'control_plane.connected_state',
] as const;
export type KeptStat = (typeof KEPT_STATS)[number];

/**
 * RDS and EDS have no singleton: one subscription per route configuration
 * (`http.<prefix>.rds.<route>.update_rejected`) and per cluster (`cluster.<name>.update_rejected`).
 * Their rejections are summed.
 */
export const STAT_TOTALS = ['rds.update_rejected', 'eds.update_rejected'] as const;
export type StatTotal = (typeof STAT_TOTALS)[number];

const statValue = {
  type: 'object',
  required: ['value', 'line', 'text'],
  additionalProperties: false,
  properties: {
    value: { type: 'number' },
    /** The line it was read from (for a total: the first line that adds to it, a non-zero one if any). */
    line: { type: 'integer', minimum: 1 },
    text: { type: 'string' },
  },
} as const;

export const envoyStatsSchema = {
  $id: 'envoy.stats',
  title: 'Summary of Envoy admin /stats (text) or /stats/prometheus: the server, xDS and listener/cluster manager stats',
  type: 'object',
  required: ['format', 'lines', 'statLines', 'stats', 'totals'],
  additionalProperties: false,
  properties: {
    format: { enum: ['text', 'prometheus'] },
    lines: { type: 'integer', minimum: 0 },
    /** Lines that are stats (or `# TYPE` lines of the Prometheus form). */
    statLines: { type: 'integer', minimum: 0 },
    stats: { type: 'object', propertyNames: { enum: KEPT_STATS }, additionalProperties: statValue },
    totals: { type: 'object', propertyNames: { enum: STAT_TOTALS }, additionalProperties: statValue },
  },
} as const;

export type EnvoyStats = FromSchema<typeof envoyStatsSchema>;
export type StatValue = FromSchema<typeof statValue>;
