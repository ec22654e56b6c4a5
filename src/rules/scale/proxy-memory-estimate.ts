import { KiB, MiB } from '../../artifacts/quantity.js';

/**
 * The Istio production debugging guide's estimate of a sidecar's memory: a base plus a cost per
 * route and per cluster it holds. An estimate, shown beside what was measured, never instead of it.
 */
export const PROXY_MEMORY_ESTIMATE = {
  baseBytes: 50 * MiB,
  perRouteBytes: 1 * KiB,
  perClusterBytes: 10 * KiB,
  source: 'Istio production debugging guide: "Memory ≈ 50MB + (1KB × routes) + (10KB × clusters)"',
} as const;

export function estimatedProxyBytes(clusters: number, routes: number): number {
  return PROXY_MEMORY_ESTIMATE.baseBytes + routes * PROXY_MEMORY_ESTIMATE.perRouteBytes + clusters * PROXY_MEMORY_ESTIMATE.perClusterBytes;
}

/** Routes a proxy holds: every virtual host's routes over its route tables (what the estimate charges 1 KiB each). */
export function routeCount(tables: readonly { virtualHosts: ReadonlyArray<{ routes: number }> }[]): number {
  return tables.reduce((sum, table) => sum + table.virtualHosts.reduce((s, vh) => s + vh.routes, 0), 0);
}

export function savedBytes(clusters: number, routes: number): number {
  return routes * PROXY_MEMORY_ESTIMATE.perRouteBytes + clusters * PROXY_MEMORY_ESTIMATE.perClusterBytes;
}

export function mib(bytes: number): string {
  return `${(bytes / MiB).toFixed(bytes < 10 * MiB ? 1 : 0)} MiB`;
}
