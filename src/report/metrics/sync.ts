import { compareText, sortedRecord } from '../../order.js';
import type { ProxiesView } from '../../model/views/proxies.js';
import type { Metrics } from './index.js';

/** Per xDS type, how many proxies are in each status; undefined when no source shows per-type status. */
export function syncMetrics(proxies: ProxiesView): Metrics['sync'] {
  if (!proxies.syncRows) return undefined;
  const byType = new Map<string, Map<string, number>>();
  const stale = new Set<string>();
  for (const { row } of proxies.syncRows) {
    for (const { type, status } of row.statuses) {
      let statuses = byType.get(type);
      if (!statuses) byType.set(type, (statuses = new Map()));
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (status === 'STALE') stale.add(row.id);
    }
  }
  return {
    proxies: proxies.syncRows.length,
    byType: [...byType].sort(([a], [b]) => compareText(a, b)).map(([type, statuses]) => ({ type, statuses: sortedRecord(statuses) })),
    stale: [...stale].sort(compareText),
  };
}
