import { ArtifactParseError } from '../artifact-kind.js';
import { parseJsonText } from '../json-text.js';
import { isRecord } from '../k8s/documents.js';
import { splitProxyId, type ProxySync, type ProxySyncRow, type XdsStatus } from './schema.js';

/** syncz field prefixes and the xDS type each tracks (pilot/pkg/xds/debug.go SyncStatus). */
const TYPES: Array<[prefix: string, type: string, typeUrl: string]> = [
  ['cluster', 'CDS', 'type.googleapis.com/envoy.config.cluster.v3.Cluster'],
  ['listener', 'LDS', 'type.googleapis.com/envoy.config.listener.v3.Listener'],
  ['endpoint', 'EDS', 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment'],
  ['route', 'RDS', 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration'],
  ['extensionconfig', 'ECDS', 'type.googleapis.com/envoy.config.core.v3.TypedExtensionConfig'],
];

/**
 * istiod `debug/syncz` (what `istioctl bug-report` captures): a JSON array of SyncStatus with the
 * nonce sent and acknowledged per type. Status is derived as istioctl does (istioctl's `pkg/writer/pilot` status writer):
 * a recorded lastError → ERROR, nothing sent → NOT SENT (IGNORED for ztunnel), sent = acked → SYNCED,
 * otherwise STALE.
 */
export function parseSyncz(text: string): ProxySync {
  const value = parseJsonText(text);
  if (!Array.isArray(value)) throw new ArtifactParseError('expected a JSON array of proxy sync statuses');
  const proxies = value.map((entry, index): ProxySyncRow => {
    if (!isRecord(entry) || typeof entry.proxy !== 'string') {
      throw new ArtifactParseError(`entry /${index} has no "proxy" id`);
    }
    const row: ProxySyncRow = { pointer: `/${index}`, id: entry.proxy, ...splitProxyId(entry.proxy), statuses: [] };
    if (typeof entry.cluster_id === 'string') row.cluster = entry.cluster_id;
    if (typeof entry.istio_version === 'string') row.version = entry.istio_version;
    else if (typeof entry.proxy_version === 'string') row.version = entry.proxy_version;
    if (typeof entry.proxy_type === 'string') row.proxyType = entry.proxy_type;
    const resources = isRecord(entry.resources) ? entry.resources : {};
    for (const [prefix, type, typeUrl] of TYPES) {
      const perType = isRecord(resources[typeUrl]) ? resources[typeUrl] : {};
      // The last NACK istiod saw for this type: istioctl shows ERROR (statusgen.go debugSyncStatus).
      if (typeof perType.lastError === 'string' && perType.lastError !== '') {
        row.statuses.push({ type, status: 'ERROR', note: perType.lastError.slice(0, 200) });
        continue;
      }
      row.statuses.push(deriveStatus(type, entry[`${prefix}_sent`], entry[`${prefix}_acked`], row.proxyType));
    }
    return row;
  });
  return { source: 'syncz', perTypeStatus: true, proxies };
}

function deriveStatus(type: string, sent: unknown, acked: unknown, proxyType?: string): XdsStatus {
  const s = typeof sent === 'string' ? sent : '';
  const a = typeof acked === 'string' ? acked : '';
  if (s === '') return { type, status: proxyType === 'ztunnel' ? 'IGNORED' : 'NOT SENT' };
  if (s === a) return { type, status: 'SYNCED' };
  return a === '' ? { type, status: 'STALE', note: 'Never Acknowledged' } : { type, status: 'STALE' };
}
