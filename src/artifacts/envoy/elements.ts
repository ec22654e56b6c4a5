import { arrayField, field, integerField, istioConfigName, type Json, objectField, stringField, wrappedIntegerField } from './fields.js';
import type { ClusterSummary, EndpointsSummary, ListenerSummary, NodeSummary, RouteTableSummary } from './summary-schema.js';

/** Istio names its clusters `direction|port|subset|host` (model.BuildSubsetKey). */
const ISTIO_CLUSTER = /^(outbound|inbound|inbound-vip|outbound_\.)\|(\d*)\|([^|]*)\|([^|]*)$/;

export function clusterSummary(cluster: Json, state: ClusterSummary['state'], pointer: string): ClusterSummary | undefined {
  const name = stringField(cluster, 'name');
  if (!name) return undefined;
  const summary: ClusterSummary = { name, state, pointer };
  const parts = ISTIO_CLUSTER.exec(name);
  if (parts) {
    summary.direction = parts[1]!;
    if (parts[2]) summary.port = Number(parts[2]);
    if (parts[3]) summary.subset = parts[3];
    if (parts[4]) summary.host = parts[4];
  }
  const type = stringField(cluster, 'type') ?? stringField(objectField(cluster, 'cluster_type'), 'name');
  if (type) summary.type = type;
  const destinationRule = istioConfigName(field(cluster, 'metadata'));
  if (destinationRule) summary.destinationRule = destinationRule;
  const outlier = objectField(cluster, 'outlier_detection');
  if (outlier) {
    const detection: NonNullable<ClusterSummary['outlierDetection']> = {};
    const consecutive5xx = wrappedIntegerField(outlier, 'consecutive_5xx');
    const gateway = wrappedIntegerField(outlier, 'consecutive_gateway_failure');
    const maxEjection = wrappedIntegerField(outlier, 'max_ejection_percent');
    const interval = stringField(outlier, 'interval');
    const baseEjection = stringField(outlier, 'base_ejection_time');
    if (consecutive5xx !== undefined) detection.consecutive5xx = consecutive5xx;
    if (gateway !== undefined) detection.consecutiveGatewayFailure = gateway;
    if (maxEjection !== undefined) detection.maxEjectionPercent = maxEjection;
    if (interval) detection.interval = interval;
    if (baseEjection) detection.baseEjectionTime = baseEjection;
    summary.outlierDetection = detection;
  }
  const tls = clusterTls(cluster);
  if (tls) summary.tls = tls;
  return summary;
}

function clusterTls(cluster: Json): ClusterSummary['tls'] {
  if (arrayField(cluster, 'transport_socket_matches').some((m) => stringField(m, 'name') === 'tlsMode-istio')) return 'auto';
  const socket = stringField(objectField(cluster, 'transport_socket'), 'name');
  if (socket === undefined) return undefined;
  return /tls$/.test(socket) ? 'tls' : 'none';
}

export function listenerSummary(listener: Json, state: ListenerSummary['state'], pointer: string): ListenerSummary | undefined {
  const socket = objectField(objectField(listener, 'address'), 'socket_address');
  const address = stringField(socket, 'address');
  const port = integerField(socket, 'port_value');
  const name = stringField(listener, 'name') ?? (address !== undefined && port !== undefined ? `${address}_${port}` : undefined);
  if (!name) return undefined;
  const summary: ListenerSummary = { name, state, pointer, filterChains: arrayField(listener, 'filter_chains').length };
  if (address !== undefined) summary.address = address;
  if (port !== undefined) summary.port = port;
  return summary;
}

export function routeTableSummary(config: Json, state: RouteTableSummary['state'], pointer: string): RouteTableSummary | undefined {
  const name = stringField(config, 'name');
  if (name === undefined) return undefined;
  const virtualHosts = arrayField(config, 'virtual_hosts').map((host) => {
    const routes = arrayField(host, 'routes');
    const virtualServices = [...new Set(routes.map((route) => istioConfigName(field(route, 'metadata'))).filter((n): n is string => n !== undefined))].sort();
    const clusters = [...new Set(routes.flatMap(routeClusters))].sort();
    return {
      name: stringField(host, 'name') ?? '',
      domains: arrayField(host, 'domains').length,
      routes: routes.length,
      ...(clusters.length > 0 ? { clusters } : {}),
      ...(virtualServices.length > 0 ? { virtualServices } : {}),
    };
  });
  return { name, ...(state ? { state } : {}), pointer, virtualHosts };
}

function routeClusters(route: unknown): string[] {
  const action = objectField(route, 'route');
  const single = stringField(action, 'cluster');
  if (single) return [single];
  return arrayField(objectField(action, 'weighted_clusters'), 'clusters').flatMap((c) => stringField(c, 'name') ?? []);
}

const MAX_ADDRESSES = 20;

/** A ClusterLoadAssignment (EDS: the dump's endpoints section, `proxy-config eds`). */
export function loadAssignmentSummary(assignment: Json, pointer: string): EndpointsSummary | undefined {
  const cluster = stringField(assignment, 'cluster_name');
  if (!cluster) return undefined;
  const hosts = arrayField(assignment, 'endpoints').flatMap((locality) =>
    arrayField(locality, 'lb_endpoints').map((lb) => ({
      address: socketText(objectField(objectField(lb, 'endpoint'), 'address')),
      // EDS omits health_status when it is UNKNOWN, which Envoy treats as healthy.
      health: stringField(lb, 'health_status') ?? 'HEALTHY',
    })),
  );
  return endpoints(cluster, pointer, hosts);
}

/** An admin ClusterStatus (`clusters?format=json`, `proxy-config endpoint -o json`). */
export function clusterStatusSummary(status: Json, pointer: string): EndpointsSummary | undefined {
  const cluster = stringField(status, 'name');
  if (!cluster) return undefined;
  let ejected = 0;
  const hosts = arrayField(status, 'host_statuses').map((host) => {
    const health = objectField(host, 'health_status');
    if (field(health, 'failed_outlier_check') === true) ejected++;
    return { address: socketText(objectField(host, 'address')), health: stringField(health, 'eds_health_status') ?? 'HEALTHY' };
  });
  return { ...endpoints(cluster, pointer, hosts), outlierEjected: ejected };
}

function endpoints(cluster: string, pointer: string, hosts: Array<{ address: string | undefined; health: string }>): EndpointsSummary {
  const unhealthy: Record<string, number> = {};
  let healthy = 0;
  for (const host of hosts) {
    if (host.health === 'HEALTHY') healthy++;
    else unhealthy[host.health] = (unhealthy[host.health] ?? 0) + 1;
  }
  const addresses = hosts.flatMap((h) => (h.address ? [h.address] : [])).slice(0, MAX_ADDRESSES);
  return { cluster, pointer, total: hosts.length, healthy, ...(Object.keys(unhealthy).length > 0 ? { unhealthy } : {}), ...(addresses.length > 0 ? { addresses } : {}) };
}

function socketText(address: Json | undefined): string | undefined {
  const socket = objectField(address, 'socket_address');
  const ip = stringField(socket, 'address');
  const port = integerField(socket, 'port_value');
  return ip === undefined ? undefined : port === undefined ? ip : `${ip}:${port}`;
}

/** The proxy a bootstrap describes: Istio puts the pod, namespace and release in the node metadata. */
export function nodeSummary(bootstrap: Json, pointer: string): NodeSummary {
  const node = objectField(bootstrap, 'node');
  const metadata = objectField(node, 'metadata');
  const labels = objectField(metadata, 'LABELS');
  const summary: NodeSummary = { pointer };
  const set = (key: keyof NodeSummary, value: string | undefined) => {
    if (value !== undefined) (summary as Record<string, string>)[key] = value;
  };
  set('id', stringField(node, 'id'));
  set('cluster', stringField(node, 'cluster'));
  set('istioVersion', stringField(metadata, 'ISTIO_VERSION'));
  set('pod', stringField(metadata, 'NAME') ?? stringField(metadata, 'POD_NAME'));
  set('namespace', stringField(metadata, 'NAMESPACE'));
  set('clusterId', stringField(metadata, 'CLUSTER_ID'));
  set('meshId', stringField(metadata, 'MESH_ID'));
  set('app', stringField(labels, 'app') ?? stringField(labels, 'service.istio.io/canonical-name'));
  set('version', stringField(labels, 'version') ?? stringField(labels, 'service.istio.io/canonical-revision'));
  return summary;
}
