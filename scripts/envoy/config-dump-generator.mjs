// Generates Envoy admin config dumps of Istio sidecars, in the shape `istioctl proxy-config all -o json`
// prints (the raw `config_dump?include_eds=true` bytes: snake_case, one-space indent). The element shapes
// follow Istio 1.24 sidecars: outbound EDS clusters with the auto-mTLS transport socket matches and
// `istio` filter metadata, per-port RDS route tables with `<host>:<port>` virtual hosts, virtualOutbound
// and virtualInbound listeners, EDS load assignments and the `default`/`ROOTCA` SDS secrets. Used by the
// bench, the sidecar-memory sample and the MEM002/TP fixtures, so that none of them holds a hand-made shape.
import { readFileSync } from 'node:fs';
import { randomSource } from '../../bench/random.mjs';

const SECRETS = JSON.parse(readFileSync(new URL('../../test/fixtures/envoy/config-dump-secrets.json', import.meta.url), 'utf8')).configs[0];
const T = '2024-05-14T09:00:00.000Z';

const sds = (name) => ({
  name,
  sds_config: { api_config_source: { api_type: 'GRPC', transport_api_version: 'V3', grpc_services: [{ envoy_grpc: { cluster_name: 'sds-grpc' } }], set_node_on_first_message_only: true }, initial_fetch_timeout: '0s', resource_api_version: 'V3' },
});

const fqdn = (s) => `${s.name}.${s.namespace}.svc.cluster.local`;

/** `services`: [{ name, namespace, ports: [{ port, protocol: 'http'|'tcp' }], ip, subsets?: [..], endpoints?: [ip] }] */
export function outboundCluster(service, port, subset = '', version = '2024-05-14T09:00:00Z/42') {
  const host = fqdn(service);
  const name = `outbound|${port.port}|${subset}|${host}`;
  const cluster = {
    '@type': 'type.googleapis.com/envoy.config.cluster.v3.Cluster',
    name,
    type: 'EDS',
    eds_cluster_config: { eds_config: { ads: {}, initial_fetch_timeout: '0s', resource_api_version: 'V3' }, service_name: name },
    connect_timeout: '10s',
    lb_policy: 'LEAST_REQUEST',
    circuit_breakers: { thresholds: [{ max_connections: 4294967295, max_pending_requests: 4294967295, max_requests: 4294967295, max_retries: 4294967295, track_remaining: true }] },
    common_lb_config: { locality_weighted_lb_config: {} },
    metadata: { filter_metadata: { istio: { services: [{ host, name: service.name, namespace: service.namespace }], default_original_port: port.port, ...(service.destinationRule ? { config: `/apis/networking.istio.io/v1/namespaces/${service.namespace}/destination-rule/${service.destinationRule}` } : {}), ...(subset ? { subset } : {}) } } },
    filters: [{ name: 'istio.metadata_exchange', typed_config: { '@type': 'type.googleapis.com/envoy.tcp.metadataexchange.config.MetadataExchange', protocol: 'istio-peer-exchange', enable_discovery: true } }],
    ...(port.protocol === 'http'
      ? { typed_extension_protocol_options: { 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': { '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions', common_http_protocol_options: { idle_timeout: '3600s' }, use_downstream_protocol_config: { http_protocol_options: {}, http2_protocol_options: {} } } } }
      : {}),
    transport_socket_matches: [
      {
        name: 'tlsMode-istio',
        match: { tlsMode: 'istio' },
        transport_socket: {
          name: 'envoy.transport_sockets.tls',
          typed_config: {
            '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext',
            common_tls_context: {
              tls_params: { tls_minimum_protocol_version: 'TLSv1_2', tls_maximum_protocol_version: 'TLSv1_3' },
              alpn_protocols: ['istio-peer-exchange', 'istio'],
              tls_certificate_sds_secret_configs: [sds('default')],
              combined_validation_context: { default_validation_context: { match_subject_alt_names: [{ exact: `spiffe://cluster.local/ns/${service.namespace}/sa/${service.name}` }] }, validation_context_sds_secret_config: sds('ROOTCA') },
            },
            sni: `outbound_.${port.port}_.${subset}_.${host}`,
          },
        },
      },
      { name: 'tlsMode-disabled', match: {}, transport_socket: { name: 'envoy.transport_sockets.raw_buffer', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer' } } },
    ],
  };
  return { version_info: version, cluster, last_updated: T };
}

function staticCluster(name, type) {
  return { cluster: { '@type': 'type.googleapis.com/envoy.config.cluster.v3.Cluster', name, type, connect_timeout: '10s', ...(type === 'ORIGINAL_DST' ? { lb_policy: 'CLUSTER_PROVIDED' } : {}) }, last_updated: T };
}

function virtualHost(service, port, routes) {
  const host = fqdn(service);
  const p = port.port;
  return {
    name: `${host}:${p}`,
    domains: [host, `${host}:${p}`, service.name, `${service.name}:${p}`, `${service.name}.${service.namespace}`, `${service.name}.${service.namespace}:${p}`, `${service.name}.${service.namespace}.svc`, `${service.name}.${service.namespace}.svc:${p}`, service.ip, `${service.ip}:${p}`],
    routes: routes ?? [
      {
        name: 'default',
        match: { prefix: '/' },
        route: { cluster: `outbound|${p}||${host}`, timeout: '0s', retry_policy: { retry_on: 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes', num_retries: 2, retry_host_predicate: [{ name: 'envoy.retry_host_predicates.previous_hosts', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate' } }], host_selection_retry_max_attempts: '5', retriable_status_codes: [503] }, max_grpc_timeout: '0s' },
        decorator: { operation: `${host}:${p}/*` },
      },
    ],
    include_request_attempt_count: true,
  };
}

function routeTable(port, services, routesFor) {
  return {
    version_info: '2024-05-14T09:00:00Z/42',
    route_config: {
      '@type': 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
      name: String(port),
      virtual_hosts: [
        ...services.map(({ service, port: p }) => virtualHost(service, p, routesFor?.(service, p))),
        { name: 'allow_any', domains: ['*'], routes: [{ name: 'allow_any', match: { prefix: '/' }, route: { cluster: 'PassthroughCluster', timeout: '0s', max_grpc_timeout: '0s' } }], include_request_attempt_count: true },
      ],
      validate_clusters: false,
      max_direct_response_body_size_bytes: 1048576,
      ignore_port_in_host_matching: true,
    },
    last_updated: T,
  };
}

function listener(name, address, port, extra = {}) {
  return { name, active_state: { version_info: '2024-05-14T09:00:00Z/42', listener: { '@type': 'type.googleapis.com/envoy.config.listener.v3.Listener', name, address: { socket_address: { address, port_value: port } }, ...extra }, last_updated: T } };
}

function httpListener(port) {
  return listener(`0.0.0.0_${port}`, '0.0.0.0', port, {
    filter_chains: [{ filter_chain_match: { transport_protocol: 'raw_buffer', application_protocols: ['http/1.1', 'h2c'] }, filters: [{ name: 'envoy.filters.network.http_connection_manager', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager', stat_prefix: `outbound_0.0.0.0_${port}`, rds: { config_source: { ads: {}, initial_fetch_timeout: '0s', resource_api_version: 'V3' }, route_config_name: String(port) }, http_filters: [{ name: 'istio.metadata_exchange' }, { name: 'envoy.filters.http.fault' }, { name: 'envoy.filters.http.cors' }, { name: 'istio.stats' }, { name: 'envoy.filters.http.router', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router' } }] } }] }],
    deprecated_v1: { bind_to_port: false },
    listener_filters: [{ name: 'envoy.filters.listener.tls_inspector' }, { name: 'envoy.filters.listener.http_inspector' }],
    traffic_direction: 'OUTBOUND',
    bind_to_port: false,
  });
}

function loadAssignment(service, port, subset = '') {
  const host = fqdn(service);
  return {
    endpoint_config: {
      '@type': 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
      cluster_name: `outbound|${port.port}|${subset}|${host}`,
      endpoints: [
        {
          locality: { region: 'eu-west-1', zone: 'eu-west-1a' },
          lb_endpoints: (service.endpoints ?? []).map((ip) => ({ endpoint: { address: { socket_address: { address: ip, port_value: port.target ?? port.port } }, health_check_config: {} }, health_status: 'HEALTHY', metadata: { filter_metadata: { 'envoy.transport_socket_match': { tlsMode: 'istio' }, istio: { workload: `${service.name};${service.namespace};${service.name};;Kubernetes` } } }, load_balancing_weight: 1 })),
          load_balancing_weight: Math.max(1, (service.endpoints ?? []).length),
        },
      ],
      policy: { overprovisioning_factor: 140 },
    },
  };
}

/**
 * One sidecar's config dump. `proxy`: { pod, namespace, ip, app, version, istioVersion, type } (`type`: the node id's
 * proxy type, `sidecar` unless `router` for a gateway); `services`: what
 * istiod sends it (every service of the mesh without a Sidecar resource); `options.routesFor(service, port)`
 * overrides the routes of a virtual host (VirtualService routes); `options.omitClusters` drops clusters by name;
 * `options.endpoints: false` leaves out the EDS section, as the admin `config_dump` without `include_eds` does;
 * `options.secrets` replaces the active secrets of the stored secrets section (a real sidecar's, whose workload
 * certificate expired in 2023) with the given PEM text: { chain, roots, defaultUpdated?, rootUpdated? } (see
 * `secretsConfigDump`); its warming secret is kept.
 */
export function sidecarConfigDump(proxy, services, options = {}) {
  const outbound = [];
  const eds = [];
  const byPort = new Map();
  for (const service of services) {
    for (const port of service.ports) {
      for (const subset of ['', ...(service.subsets ?? [])]) {
        const name = `outbound|${port.port}|${subset}|${fqdn(service)}`;
        if (options.omitClusters?.includes(name)) continue;
        outbound.push(outboundCluster(service, port, subset));
        eds.push(loadAssignment(service, port, subset));
      }
      if (port.protocol === 'http') byPort.set(port.port, [...(byPort.get(port.port) ?? []), { service, port }]);
    }
  }
  const ports = [...byPort.keys()].sort((a, b) => a - b);
  const dump = {
    configs: [
      {
        '@type': 'type.googleapis.com/envoy.admin.v3.BootstrapConfigDump',
        bootstrap: {
          node: {
            id: `${proxy.type ?? 'sidecar'}~${proxy.ip}~${proxy.pod}.${proxy.namespace}~${proxy.namespace}.svc.cluster.local`,
            cluster: `${proxy.app}.${proxy.namespace}`,
            metadata: { ISTIO_VERSION: proxy.istioVersion ?? '1.24.2', NAME: proxy.pod, NAMESPACE: proxy.namespace, CLUSTER_ID: 'Kubernetes', MESH_ID: 'cluster.local', LABELS: { app: proxy.app, version: proxy.version ?? 'v1', 'security.istio.io/tlsMode': 'istio' }, INTERCEPTION_MODE: 'REDIRECT', SERVICE_ACCOUNT: proxy.app, WORKLOAD_NAME: proxy.app },
            user_agent_name: 'envoy',
            user_agent_build_version: { version: { major_number: 1, minor_number: 32, patch: 3 }, metadata: { 'build.type': 'RELEASE', 'revision.status': 'Clean', 'ssl.version': 'BoringSSL' } },
          },
          static_resources: { clusters: [{ name: 'prometheus_stats', type: 'STATIC' }, { name: 'agent', type: 'STATIC' }, { name: 'sds-grpc', type: 'STATIC' }, { name: 'xds-grpc', type: 'STATIC' }] },
          dynamic_resources: { lds_config: { ads: {}, initial_fetch_timeout: '0s', resource_api_version: 'V3' }, cds_config: { ads: {}, initial_fetch_timeout: '0s', resource_api_version: 'V3' }, ads_config: { api_type: 'GRPC', set_node_on_first_message_only: true, transport_api_version: 'V3', grpc_services: [{ envoy_grpc: { cluster_name: 'xds-grpc' } }] } },
        },
        last_updated: T,
      },
      {
        '@type': 'type.googleapis.com/envoy.admin.v3.ClustersConfigDump',
        version_info: '2024-05-14T09:00:00Z/42',
        static_clusters: ['agent', 'prometheus_stats', 'sds-grpc', 'xds-grpc'].map((n) => staticCluster(n, 'STATIC')),
        dynamic_active_clusters: [
          { version_info: '2024-05-14T09:00:00Z/42', cluster: staticCluster('BlackHoleCluster', 'STATIC').cluster, last_updated: T },
          { version_info: '2024-05-14T09:00:00Z/42', cluster: staticCluster('InboundPassthroughCluster', 'ORIGINAL_DST').cluster, last_updated: T },
          { version_info: '2024-05-14T09:00:00Z/42', cluster: staticCluster('PassthroughCluster', 'ORIGINAL_DST').cluster, last_updated: T },
          ...(options.inboundPorts ?? []).map((p) => ({ version_info: '2024-05-14T09:00:00Z/42', cluster: { '@type': 'type.googleapis.com/envoy.config.cluster.v3.Cluster', name: `inbound|${p}||`, type: 'ORIGINAL_DST', connect_timeout: '10s', lb_policy: 'CLUSTER_PROVIDED' }, last_updated: T })),
          ...outbound,
        ],
      },
      // `pilot-agent request GET config_dump` has no endpoints; `?include_eds` (istioctl proxy-config all, bug-report) has.
      ...(options.endpoints === false ? [] : [{ '@type': 'type.googleapis.com/envoy.admin.v3.EndpointsConfigDump', dynamic_endpoint_configs: eds }]),
      {
        '@type': 'type.googleapis.com/envoy.admin.v3.ListenersConfigDump',
        version_info: '2024-05-14T09:00:00Z/42',
        dynamic_listeners: [
          listener('virtualOutbound', '0.0.0.0', 15001, { use_original_dst: true, traffic_direction: 'OUTBOUND', filter_chains: [{ filters: [{ name: 'envoy.filters.network.tcp_proxy', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy', stat_prefix: 'PassthroughCluster', cluster: 'PassthroughCluster' } }], name: 'virtualOutbound-catchall-tcp' }] }),
          listener('virtualInbound', '0.0.0.0', 15006, { traffic_direction: 'INBOUND', filter_chains: [{ name: 'virtualInbound-blackhole' }, { name: 'virtualInbound-catchall-http' }] }),
          ...ports.map(httpListener),
        ],
      },
      { '@type': 'type.googleapis.com/envoy.admin.v3.ScopedRoutesConfigDump' },
      { '@type': 'type.googleapis.com/envoy.admin.v3.RoutesConfigDump', dynamic_route_configs: ports.map((p) => routeTable(p, byPort.get(p), options.routesFor)) },
      options.secrets ? { ...SECRETS, ...secretsConfigDump(options.secrets) } : SECRETS,
    ],
  };
  return JSON.stringify(dump, null, 1);
}

/**
 * The SecretsConfigDump section of an admin config dump (snake_case) for the given PEM text: the `default`
 * workload chain (leaf first; the private key redacted as Envoy prints it) and the `ROOTCA` trusted roots.
 */
export function secretsConfigDump({ chain, roots, defaultUpdated = T, rootUpdated = T }) {
  const b64 = (text) => Buffer.from(text).toString('base64');
  const secret = (name, lastUpdated, body) => ({ name, last_updated: lastUpdated, secret: { '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret', name, ...body } });
  return {
    '@type': 'type.googleapis.com/envoy.admin.v3.SecretsConfigDump',
    dynamic_active_secrets: [
      secret('default', defaultUpdated, { tls_certificate: { certificate_chain: { inline_bytes: b64(chain) }, private_key: { inline_bytes: 'W3JlZGFjdGVkXQ==' } } }),
      secret('ROOTCA', rootUpdated, { validation_context: { trusted_ca: { inline_bytes: b64(roots) } } }),
    ],
  };
}

/** Deterministic mesh: `count` services over `namespaces` namespaces, HTTP ports from a realistic mix. */
export function meshServices(count, namespaces, random = randomSource(7).rnd) {
  const httpPorts = [80, 8080, 9080, 5000, 3000];
  const services = [];
  for (let i = 0; i < count; i++) {
    const namespace = namespaces[i % namespaces.length];
    const tcp = i % 10 === 9;
    const port = tcp ? { port: 6379, protocol: 'tcp' } : { port: httpPorts[Math.floor(random() * httpPorts.length)], protocol: 'http' };
    services.push({ name: `svc-${String(i).padStart(4, '0')}`, namespace, ports: [port], ip: `10.96.${Math.floor(i / 250)}.${(i % 250) + 1}`, endpoints: [`10.244.${Math.floor(i / 200)}.${(i % 200) + 10}`] });
  }
  return services;
}
