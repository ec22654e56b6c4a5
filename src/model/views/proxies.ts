import type { ProxySyncRow } from '../../artifacts/proxy-status/schema.js';
import type { ProxySyncSource } from '../facets.js';
import { defineView } from './types.js';

export interface SyncRow {
  row: ProxySyncRow;
  /** The file the row was read from. */
  path: string;
}

/** The proxies of the mesh, as the control plane's sync status lists them. */
export interface ProxiesView {
  /** Every proxy id in any sync status source, once: what the report header counts. */
  ids: string[];
  /**
   * Per-type sync status, one row per proxy: proxy-status tables that show it first, istiod
   * `debug/syncz` otherwise (bug-report writes one per istiod replica, each listing the proxies
   * connected to it). Undefined when no source shows per-type status (istioctl ≥ 1.27's default table).
   */
  syncRows: SyncRow[] | undefined;
}

export const proxiesView = defineView({
  id: 'proxies',
  reads: ['istioctl.proxyStatus', 'istiod.syncz'],
  build(facets) {
    const tables = facets['istioctl.proxyStatus'];
    const syncz = facets['istiod.syncz'];
    const ids = new Set<string>();
    for (const source of [...tables, ...syncz]) for (const row of source.proxies) ids.add(row.id);
    const withStatus = tables.filter((s) => s.perTypeStatus);
    const sources = withStatus.length > 0 ? withStatus : syncz.filter((s) => s.perTypeStatus);
    return { ids: [...ids], syncRows: sources.length > 0 ? uniqueRows(sources) : undefined };
  },
});

/**
 * A proxy listed twice counts once, as in the header. A proxy holds one xDS connection, so two
 * istiods for one id are two snapshots; the worse one is kept (STALE over NOT SENT over synced),
 * so a STALE proxy is never hidden by a healthy listing elsewhere; ties keep the first by path.
 */
function uniqueRows(sources: readonly ProxySyncSource[]): SyncRow[] {
  const byId = new Map<string, SyncRow>();
  for (const source of sources) {
    for (const row of source.proxies) {
      const kept = byId.get(row.id);
      if (!kept || trouble(row) > trouble(kept.row)) byId.set(row.id, { row, path: source.path });
    }
  }
  return [...byId.values()];
}

function trouble(row: SyncRow['row']): number {
  return row.statuses.some((s) => s.status === 'STALE') ? 2 : row.statuses.some((s) => s.status === 'NOT SENT') ? 1 : 0;
}
