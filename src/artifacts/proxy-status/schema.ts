import type { FromSchema } from 'json-schema-to-ts';

const status = {
  type: 'object',
  required: ['type', 'status'],
  additionalProperties: false,
  properties: {
    /** Short xDS type (CDS, LDS, EDS, RDS, ECDS, …) or the full type URL when istioctl prints one. */
    type: { type: 'string', minLength: 1 },
    status: { enum: ['SYNCED', 'NOT SENT', 'STALE', 'ERROR', 'IGNORED'] },
    /** `2m3s` age suffix (istiod ≥ 1.24) or `Never Acknowledged` (legacy). */
    note: { type: 'string' },
  },
} as const;

/** The sync state of every proxy, whether read from `istioctl proxy-status` or istiod `debug/syncz`. */
export const proxySyncSchema = {
  $id: 'istioctl.proxyStatus',
  title: 'Proxy sync status (istioctl proxy-status table or -o json; istiod debug/syncz)',
  type: 'object',
  required: ['source', 'perTypeStatus', 'proxies'],
  additionalProperties: false,
  properties: {
    source: { enum: ['proxy-status-table', 'proxy-status-json', 'syncz'] },
    /** The table header as printed: it tells which istioctl era wrote it. */
    header: { type: 'string' },
    /** False for the istioctl ≥ 1.27 default table, which shows subscribed types but no status. */
    perTypeStatus: { type: 'boolean' },
    proxies: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'pod', 'statuses'],
        additionalProperties: false,
        properties: {
          line: { type: 'integer', minimum: 1 },
          pointer: { type: 'string' },
          /** Proxy id as istiod knows it: `<pod>.<namespace>`. */
          id: { type: 'string', minLength: 1 },
          pod: { type: 'string', minLength: 1 },
          namespace: { type: 'string' },
          cluster: { type: 'string' },
          istiod: { type: 'string' },
          /** Namespace of that istiod, when the bundle says (syncz fetched from a known pod). */
          istiodNamespace: { type: 'string' },
          version: { type: 'string' },
          proxyType: { type: 'string' },
          statuses: { type: 'array', items: status },
          subscribedTypes: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  },
} as const;

export type ProxySync = FromSchema<typeof proxySyncSchema>;
export type ProxySyncRow = ProxySync['proxies'][number];
export type XdsStatus = ProxySyncRow['statuses'][number];

/** Envoy type URLs to the short names istioctl prints (pkg/model/xds.go GetShortType). */
const SHORT_TYPES: Record<string, string> = {
  'type.googleapis.com/envoy.config.cluster.v3.Cluster': 'CDS',
  'type.googleapis.com/envoy.config.listener.v3.Listener': 'LDS',
  'type.googleapis.com/envoy.config.route.v3.RouteConfiguration': 'RDS',
  'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment': 'EDS',
  'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret': 'SDS',
  'type.googleapis.com/envoy.config.core.v3.TypedExtensionConfig': 'ECDS',
  'type.googleapis.com/istio.networking.nds.v1.NameTable': 'NDS',
  'type.googleapis.com/istio.mesh.v1alpha1.ProxyConfig': 'PCDS',
  'type.googleapis.com/istio.workload.Address': 'WDS',
  'type.googleapis.com/istio.security.Authorization': 'WADS',
};

export function shortXdsType(typeUrl: string): string {
  return SHORT_TYPES[typeUrl] ?? typeUrl;
}

/** `<pod>.<namespace>`: namespaces cannot contain dots, so the last dot separates them. */
export function splitProxyId(id: string): { pod: string; namespace?: string } {
  const dot = id.lastIndexOf('.');
  return dot > 0 ? { pod: id.slice(0, dot), namespace: id.slice(dot + 1) } : { pod: id };
}
