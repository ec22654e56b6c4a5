import { remoteClusterOf } from '../../artifacts/secret-names/kinds.js';
import { serviceOfFqdn } from '../../analysis/hosts.js';
import type { LogRecord, PodRecord, ProxyConfigRecord, ResourceRecord, SecretNamesRecord, ServiceNamesRecord } from '../../model/facets.js';
import { plural } from '../evidence.js';
import { documentYaml } from '../fix-yaml.js';
import { defineRule, type Evidence, type Occurrence } from '../rule.js';
import { shell } from '../shell.js';

/**
 * The label `istioctl create-remote-secret` puts on the Secret it writes; istiod watches the API server
 * of every cluster such a Secret holds a kubeconfig for.
 */
const MULTI_CLUSTER_LABEL = 'istio/multiCluster=true';
/**
 * The east-west gateway's cross-network port: in a multi-network mesh istiod replaces a remote network's
 * endpoints by that network's gateway address on 15443 (`tls` AUTO_PASSTHROUGH).
 */
const CROSS_NETWORK_PORT = 15443;
const SOURCES = {
  secret: 'https://istio.io/latest/docs/setup/install/multicluster/multi-primary/#enable-endpoint-discovery',
  gateway: 'https://istio.io/latest/docs/setup/install/multicluster/multi-primary_multi-network/#expose-services-in-cluster1',
  troubleshooting: 'https://istio.io/latest/docs/ops/diagnostic-tools/multicluster/',
  dns: 'https://istio.io/latest/docs/ops/configuration/traffic-management/dns-proxy/',
} as const;

interface RemoteSecret {
  namespace?: string;
  name: string;
  cluster?: string;
  /** Where it is listed: the multi-cluster label listing first, then namespace tables. */
  listed: Array<{ path: string; line: number; byLabel: boolean }>;
}

interface Seen {
  proxy: ProxyConfigRecord;
  clusters: number;
  addresses: number;
  hidden: number;
  first?: { cluster: string; pointer: string; address: string };
}

export const mc001 = defineRule({
  id: 'MC001',
  slug: 'cross-cluster-unreachable',
  title: 'the mesh watches remote clusters, but no proxy holds an endpoint from another cluster',
  severity: 'high',
  step: 'multi-cluster',
  inputs: { required: ['kubectl.secretNames'], optional: ['envoy.configDump', 'kubectl.pods', 'k8s.resources', 'logs.proxy', 'kubectl.serviceNames'] },
  description:
    `Reads the remote secrets (Secrets labelled \`${MULTI_CLUSTER_LABEL}\`, named \`istio-remote-secret-<cluster>\` by \`istioctl create-remote-secret\`; only their names, never their values): ` +
    'when there is one, the mesh is multi-cluster and istiod merges the endpoints of that cluster\'s Services into its own. ' +
    'It then reads the endpoints of every outbound `*.svc.*` cluster of every config dump (the first 20 addresses of each) and compares them with this cluster\'s pod IPs: ' +
    `an address on port ${CROSS_NETWORK_PORT} is a remote network's east-west gateway, an address that is no pod IP of the bundle may be a remote pod (flat network) or a pod the bundle did not list. ` +
    'It fires only when every address seen is a pod IP of this cluster: then no proxy whose configuration the bundle holds can reach the remote clusters through the mesh. ' +
    'Apart from that, access logs with `no healthy upstream` (UH) toward `outbound|…|<svc>.<ns>.svc.…` of a Service the cluster-wide `kubectl get services -A` listing does not have (nor a ServiceEntry) are requests to a Service that only exists in a remote cluster, none of whose endpoints reaches this proxy: one finding per such Service. ' +
    'The proxy log holds no DNS failure (the application\'s lookup fails before the proxy sees anything), so an unresolvable remote-only name is shown by the endpoint check, not by the logs. ' +
    'Not checked without config dumps that hold endpoints (`istioctl proxy-config all … -o json`, not `pilot-agent request GET config_dump`) or without the pod listing.',
  rationale:
    'A remote secret without remote endpoints means istiod cannot read the remote API server (expired or wrong credentials, unreachable endpoint, a wrong cluster name), or the remote Services are not exported, or the remote network\'s east-west gateway is missing: ' +
    'calls that should fail over to, or only exist in, the other cluster fail with `no healthy upstream` (UH) or do not resolve at all, because Kubernetes DNS only answers for Services of its own cluster.',
  remediation:
    'Check the remote secrets and what istiod made of them (`istioctl remote-clusters`, Istio ≥ 1.21), then one proxy\'s endpoints for a service that runs in the other cluster. ' +
    'Fix the cause (regenerate the secret with `istioctl create-remote-secret --name=<cluster>`, expose the east-west gateway, set the network labels). Until then, or for a name that only exists remotely, ' +
    'a ServiceEntry (`location: MESH_INTERNAL`) for the host, with the remote east-west gateway as its endpoint, makes the name resolvable and routable; DNS proxying (`ISTIO_META_DNS_CAPTURE`) or a Service of the same name in this cluster make it resolve.',
  threshold: {
    value: `any remote secret, and every endpoint address of the dumped proxies a pod IP of this cluster (none on port ${CROSS_NETWORK_PORT}, none unknown); any UH request toward a Service this cluster does not have`,
    source: `Istio docs: Install Multi-Primary (\`istioctl create-remote-secret\` writes \`istio-remote-secret-<cluster>\` labelled \`${MULTI_CLUSTER_LABEL}\`), Multi-Primary on different networks (east-west gateway on ${CROSS_NETWORK_PORT}), Troubleshooting Multicluster`,
  },
  docs: [SOURCES.troubleshooting, SOURCES.secret, SOURCES.gateway, SOURCES.dns],
  check(inputs, context) {
    const remote = remoteSecrets(inputs['kubectl.secretNames']);
    if (remote.length === 0) return;
    const remoteOnly = remoteOnlyFailures(inputs['logs.proxy'], inputs['kubectl.serviceNames'], inputs['k8s.resources']);
    for (const failure of remoteOnly) context.report(remoteOnlyFinding(failure, remote));
    // What the logs proved stands; the endpoint check then only adds to it, and says nothing when it cannot answer.
    const notChecked = (reason: string, collect: string[]) => (remoteOnly.length === 0 ? context.notChecked(reason, collect) : undefined);
    const dumps = inputs['envoy.configDump'].filter((d) => d.summary.sections.includes('endpoints'));
    if (dumps.length === 0) {
      notChecked(`${plural(remote.length, 'remote secret')} (a multi-cluster mesh), but no config dump with endpoints: whether remote endpoints reach the proxies cannot be told`, ['istioctl proxy-config all <pod> -n <namespace> -o json']);
      return;
    }
    const pods = inputs['kubectl.pods'];
    if (pods.length === 0) {
      notChecked(`${plural(remote.length, 'remote secret')}, but no pod listing: endpoint addresses cannot be told local or remote`, ['kubectl get pods -n <namespace> -o json']);
      return;
    }
    const local = podIps(pods);
    const seen: Seen[] = [];
    for (const proxy of dumps) {
      const entry: Seen = { proxy, clusters: 0, addresses: 0, hidden: 0 };
      for (const endpoints of proxy.summary.endpoints) {
        if (!isServiceCluster(endpoints.cluster)) continue;
        const addresses = endpoints.addresses ?? [];
        for (const address of addresses) {
          const { ip, port } = splitAddress(address);
          // A remote network's gateway, a remote pod of a flat network, or a pod the bundle did not list: not provably local.
          if (port === CROSS_NETWORK_PORT || !local.has(ip)) return;
        }
        entry.clusters++;
        entry.addresses += addresses.length;
        entry.hidden += Math.max(0, endpoints.total - addresses.length);
        if (!entry.first && addresses.length > 0) entry.first = { cluster: endpoints.cluster, pointer: endpoints.pointer, address: addresses[0]! };
      }
      if (entry.addresses > 0) seen.push(entry);
    }
    if (seen.length === 0) {
      notChecked('the config dumps hold no endpoint address of a Kubernetes service', ['istioctl proxy-config all <pod> -n <namespace> -o json']);
      return;
    }
    const labelListed = inputs['kubectl.secretNames'].some((l) => l.listing === 'multi-cluster-label');
    context.report(findingOf(remote, seen, inputs['k8s.resources'], labelListed));
  },
});

/** Secrets listed by the multi-cluster label, and `istio-remote-secret-*` of a namespace table, once each. */
function remoteSecrets(listings: readonly SecretNamesRecord[]): RemoteSecret[] {
  const found = new Map<string, RemoteSecret>();
  for (const record of listings) {
    for (const secret of record.secrets) {
      const cluster = remoteClusterOf(secret.name);
      if (record.listing === 'table' && cluster === undefined) continue;
      const namespace = secret.namespace ?? record.namespace;
      const key = `${namespace ?? ''}/${secret.name}`;
      const entry = found.get(key) ?? { ...(namespace ? { namespace } : {}), name: secret.name, ...(cluster ? { cluster } : {}), listed: [] };
      entry.listed.push({ path: record.path, line: secret.line, byLabel: record.listing === 'multi-cluster-label' });
      entry.listed.sort((a, b) => Number(b.byLabel) - Number(a.byLabel));
      found.set(key, entry);
    }
  }
  return [...found.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function podIps(pods: readonly PodRecord[]): Set<string> {
  const ips = new Set<string>();
  for (const { pod } of pods) {
    const status = pod.status as { podIP?: string; podIPs?: Array<{ ip?: string }> } | undefined;
    if (status?.podIP) ips.add(status.podIP);
    for (const p of status?.podIPs ?? []) if (p.ip) ips.add(p.ip);
  }
  return ips;
}

/** `outbound|<port>|<subset>|<name>.<namespace>.svc.<domain>`: a Kubernetes Service's endpoints. */
function isServiceCluster(name: string): boolean {
  const parts = name.split('|');
  return parts.length === 4 && parts[0] === 'outbound' && /^[^.]+\.[^.]+\.svc\./.test(parts[3]!);
}

function splitAddress(address: string): { ip: string; port?: number } {
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(address);
  return m ? { ip: m[1]!, port: Number(m[2]) } : { ip: address };
}

function eastWestGateways(resources: readonly ResourceRecord[]): string[] {
  return resources
    .filter((r) => r.object.kind === 'Service' && ((r.object.spec as { ports?: Array<{ port?: number }> } | undefined)?.ports ?? []).some((p) => p.port === CROSS_NETWORK_PORT))
    .map((r) => `${r.object.metadata.namespace ?? ''}/${r.object.metadata.name}`);
}

function findingOf(remote: RemoteSecret[], seen: Seen[], resources: readonly ResourceRecord[], labelListed: boolean) {
  // Listed by name in a table but absent from the label listing: istiod only reads Secrets with the label.
  const unlabelled = labelListed ? remote.filter((s) => !s.listed.some((l) => l.byLabel)) : [];
  const clusters = remote.map((s) => s.cluster ?? s.name);
  const clusterList = clusters.map((c) => `\`${c}\``).join(', ');
  const secretList = remote.map((s) => `\`${s.namespace ? `${s.namespace}/` : ''}${s.name}\` (${s.listed.map((l) => `${l.path} line ${l.line}`).join(', ')})`).join(', ');
  const addresses = seen.reduce((n, s) => n + s.addresses, 0);
  const clusterCount = seen.reduce((n, s) => n + s.clusters, 0);
  const hidden = seen.reduce((n, s) => n + s.hidden, 0);
  const first = seen[0]!;
  // Which remote name fails is not in the bundle: the ServiceEntry is a template for it.
  const host = '<service>.<namespace>.svc.cluster.local';
  const gateways = eastWestGateways(resources);
  const sentences = [
    `${plural(remote.length, 'remote secret')} ${remote.length === 1 ? 'makes' : 'make'} this a multi-cluster mesh: ${secretList}; the mesh is meant to span ${plural(clusters.length, 'remote cluster')} ${clusterList}.`,
    ...(unlabelled.length > 0
      ? [`${unlabelled.map((u) => `\`${u.name}\``).join(', ')} ${unlabelled.length === 1 ? 'is' : 'are'} not among the Secrets labelled \`${MULTI_CLUSTER_LABEL}\` (kubernetes/secrets/remote-secrets.txt): istiod only watches the clusters of labelled Secrets, so it ignores ${unlabelled.length === 1 ? 'it' : 'them'}.`]
      : []),
    `Yet every endpoint address in the config dumps of ${plural(seen.length, 'proxy', 'proxies')} is a pod IP of this cluster: ${plural(addresses, 'address', 'addresses')} in ${plural(clusterCount, 'service cluster')}, none on the east-west port ${CROSS_NETWORK_PORT} and none unknown to the pod listing.`,
    ...(hidden > 0 ? [`${plural(hidden, 'endpoint')} past the first 20 of a cluster are not in the summary and were not checked.`] : []),
    'No proxy the bundle holds can reach another cluster through the mesh: istiod does not read the remote clusters (the secret\'s credentials or API server address, the cluster name), or their Services are not exported to this one, or the remote network\'s east-west gateway is not there.',
    gateways.length > 0 ? `This cluster exposes an east-west gateway (${gateways.map((g) => `\`${g}\``).join(', ')}).` : 'The bundle shows no Service of this cluster on port 15443 (an east-west gateway); a multi-network mesh needs one in each cluster.',
    'A name that only exists in the other cluster does not resolve here at all: Kubernetes DNS answers for its own Services only.',
  ];
  const evidence: Evidence[] = [
    ...remote.flatMap((s) => s.listed.map((l) => ({ path: l.path, line: l.line, excerpt: `${s.namespace ? `${s.namespace}/` : ''}${s.name}` }))),
    { path: first.proxy.path, pointer: first.first!.pointer, excerpt: `${first.first!.cluster} ${first.first!.address}` },
  ];
  const occurrences: Occurrence[] = seen.map((s) => ({
    subject: s.proxy.pod ? { kind: 'Pod', ...(s.proxy.namespace ? { namespace: s.proxy.namespace } : {}), name: s.proxy.pod } : { kind: 'File', name: s.proxy.path },
    count: s.addresses,
    evidence: { path: s.proxy.path, pointer: s.first!.pointer, excerpt: `${s.first!.cluster} ${s.first!.address}` },
  }));
  const remoteCluster = clusters[0]!;
  const serviceEntry = {
    apiVersion: 'networking.istio.io/v1',
    kind: 'ServiceEntry',
    metadata: { name: `<service>-${remoteCluster}`, namespace: '<namespace>' },
    spec: {
      hosts: [host],
      location: 'MESH_INTERNAL',
      ports: [{ number: '<service port>', name: 'http', protocol: 'HTTP' }],
      resolution: 'DNS',
      endpoints: [{ address: `<east-west gateway address of ${remoteCluster}>`, network: `<network of ${remoteCluster}>`, ports: { http: CROSS_NETWORK_PORT } }],
    },
  };
  const proxyArg = first.proxy.pod ? `${first.proxy.pod}.${first.proxy.namespace ?? 'default'}` : '<pod>.<namespace>';
  return {
    subject: { kind: 'Mesh', name: 'remote clusters' },
    title: `${plural(remote.length, 'remote secret')} (${clusters.join(', ')}), but no proxy holds an endpoint from another cluster`,
    evidence,
    explanation: sentences.join(' '),
    remediation:
      (unlabelled.length > 0 ? `Label ${unlabelled.map((u) => `\`${u.name}\``).join(', ')} \`${MULTI_CLUSTER_LABEL}\` (or recreate ${unlabelled.length === 1 ? 'it' : 'them'} with \`istioctl create-remote-secret\`, which does). ` : '') +
      `Find why istiod does not merge the endpoints of ${clusterList}: \`istioctl remote-clusters\` (Istio ≥ 1.21) shows each remote cluster's sync status; a secret that is not \`synced\` has wrong credentials, an API server this istiod cannot reach, or a cluster name that does not match the remote cluster's \`values.global.multiCluster.clusterName\`. ` +
      `Regenerate it with \`istioctl create-remote-secret --context=<remote> --name=${remoteCluster} | kubectl apply -f -\`. In a multi-network mesh, expose the east-west gateway in every cluster and label \`istio-system\` with its \`topology.istio.io/network\`. ` +
      `As a workaround for a host that must reach ${remoteCluster} now (or only exists there), the ServiceEntry below (\`location: MESH_INTERNAL\`, the remote east-west gateway as endpoint) makes \`${host}\` resolvable and routable for the sidecars; fill in the gateway address and network, one ServiceEntry per host. ` +
      'Remove it once the remote endpoints appear: it would otherwise shadow the merged endpoints.',
    commands: [
      `kubectl get secrets -n istio-system -l ${MULTI_CLUSTER_LABEL}`,
      ...unlabelled.map((u) => shell`kubectl label secret ${u.name} -n ${u.namespace ?? 'istio-system'} istio/multiCluster=true`),
      'istioctl remote-clusters   # Istio ≥ 1.21: each remote cluster and whether istiod synced it',
      shell`istioctl proxy-config endpoint ${proxyArg} --cluster ${first.first!.cluster}`,
      'kubectl get svc -n istio-system -l istio=eastwestgateway   # in every cluster: an EXTERNAL-IP with port 15443',
    ],
    yaml: documentYaml(serviceEntry, `Workaround: ${host} through ${remoteCluster}'s east-west gateway (fill in the placeholders)`),
    occurrences,
  };
}

interface RemoteOnlyFailure {
  service: { namespace: string; name: string };
  host: string;
  port: number;
  cluster: string;
  listing: ServiceNamesRecord;
  hits: Array<{ log: LogRecord; count: number; line: number; text: string; firstTime?: string; lastTime?: string }>;
}

/**
 * UH requests toward `outbound|<port>|<subset>|<svc>.<ns>.svc.<domain>` whose Service is not in the cluster-wide
 * Service listing (complete by construction) nor a ServiceEntry host: istiod knows the Service from a remote
 * cluster only, and no endpoint of it reaches the proxy.
 */
function remoteOnlyFailures(logs: readonly LogRecord[], listings: readonly ServiceNamesRecord[], resources: readonly ResourceRecord[]): RemoteOnlyFailure[] {
  const listing = listings[0];
  if (!listing) return [];
  const local = new Set(listings.flatMap((l) => l.services.map((svc) => `${svc.namespace}/${svc.name}`)));
  const entryHosts = new Set(resources.filter((r) => r.object.kind === 'ServiceEntry').flatMap((r) => ((r.object.spec as { hosts?: string[] } | undefined)?.hosts ?? [])));
  const byHost = new Map<string, RemoteOnlyFailure>();
  for (const log of logs) {
    for (const entry of log.summary.signatures.noHealthyUpstream?.breakdown ?? []) {
      const parts = entry.key.split('|');
      if (parts.length !== 4 || parts[0] !== 'outbound' || entry.accessCount === 0) continue;
      const host = parts[3]!;
      const domain = /\.(svc\..+)$/.exec(host)?.[1];
      const service = domain ? serviceOfFqdn(host, domain) : undefined;
      if (!service || local.has(`${service.namespace}/${service.name}`) || entryHosts.has(host)) continue;
      const failure = byHost.get(host) ?? { service, host, port: Number(parts[1]), cluster: entry.key, listing, hits: [] };
      failure.hits.push({ log, count: entry.accessCount, line: entry.first.line, text: entry.first.text, ...(entry.firstTime ? { firstTime: entry.firstTime } : {}), ...(entry.lastTime ? { lastTime: entry.lastTime } : {}) });
      byHost.set(host, failure);
    }
  }
  return [...byHost.values()].sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
}

function remoteOnlyFinding(failure: RemoteOnlyFailure, remote: RemoteSecret[]) {
  const { service, host, port, hits } = failure;
  const requests = hits.reduce((n, h) => n + h.count, 0);
  const clusters = remote.map((s) => s.cluster ?? s.name);
  const who = (h: RemoteOnlyFailure['hits'][number]) => (h.log.pod ? `${h.log.namespace ? `${h.log.namespace}/` : ''}${h.log.pod}` : h.log.path);
  const remoteCluster = clusters[0]!;
  const serviceEntry = {
    apiVersion: 'networking.istio.io/v1',
    kind: 'ServiceEntry',
    metadata: { name: `${service.name}-${remoteCluster}`, namespace: service.namespace },
    spec: {
      hosts: [host],
      location: 'MESH_INTERNAL',
      ports: [{ number: port, name: `http-${port}`, protocol: 'HTTP' }],
      resolution: 'DNS',
      endpoints: [{ address: `<east-west gateway address of ${remoteCluster}>`, network: `<network of ${remoteCluster}>`, ports: { [`http-${port}`]: CROSS_NETWORK_PORT } }],
    },
  };
  const first = hits[0]!;
  const proxyArg = first.log.pod ? `${first.log.pod}.${first.log.namespace ?? 'default'}` : '<pod>.<namespace>';
  return {
    subject: { kind: 'Service', namespace: service.namespace, name: service.name },
    key: `remote-only:${host}`,
    title: `${plural(requests, 'request')} to ${host}, a Service only a remote cluster has, found no healthy upstream`,
    evidence: [
      ...hits.map((h) => ({ path: h.log.path, line: h.line, excerpt: h.text })),
      { path: failure.listing.path, excerpt: `no ${service.namespace}/${service.name} among ${plural(failure.listing.services.length, 'Service')}` },
    ],
    explanation:
      `${plural(requests, 'request')} from ${hits.map((h) => `\`${who(h)}\``).join(', ')} toward \`${failure.cluster}\` failed with \`no healthy upstream\` (UH). ` +
      `This cluster has no Service \`${service.namespace}/${service.name}\` (\`${failure.listing.path}\`, every namespace) and no ServiceEntry for it: the proxy has the cluster because istiod knows the Service from a remote cluster (${clusters.map((c) => `\`${c}\``).join(', ')}; or the Service was deleted here after these requests), yet none of its endpoints reached the proxy. ` +
      'In a multi-network mesh that is the remote network\'s east-west gateway missing or unknown to istiod (the `topology.istio.io/network` label, `meshNetworks`); in a flat network, the remote pods\' endpoints are not merged. ' +
      'Applications that resolve the name with Kubernetes DNS fail even earlier here: the name has no Service in this cluster.',
    remediation:
      `Make the remote endpoints reach the proxy: check \`istioctl remote-clusters\` and the proxy's endpoints for \`${failure.cluster}\`; in a multi-network mesh expose ${remoteCluster}'s east-west gateway (port ${CROSS_NETWORK_PORT}) and label each cluster's \`istio-system\` with its network. ` +
      `For the name to resolve, enable DNS proxying (\`ISTIO_META_DNS_CAPTURE: "true"\`) or create a Service \`${service.namespace}/${service.name}\` (no selector needed) in this cluster. ` +
      `As a workaround until then, the ServiceEntry below sends \`${host}\` to ${remoteCluster}'s east-west gateway: fill in its address and network, and remove it once the endpoints are merged.`,
    commands: [
      `kubectl get secrets -n istio-system -l ${MULTI_CLUSTER_LABEL}`,
      'istioctl remote-clusters   # Istio ≥ 1.21: each remote cluster and whether istiod synced it',
      shell`istioctl proxy-config endpoint ${proxyArg} --cluster ${failure.cluster}`,
      shell`kubectl get svc ${service.name} -n ${service.namespace} --context=<${remoteCluster} context>`,
    ],
    yaml: documentYaml(serviceEntry, `Workaround: ${host} through ${remoteCluster}'s east-west gateway (fill in the placeholders)`),
    occurrences: hits.map((h) => ({
      subject: h.log.pod ? { kind: 'Pod', ...(h.log.namespace ? { namespace: h.log.namespace } : {}), name: h.log.pod } : { kind: 'File', name: h.log.path },
      count: h.count,
      ...(h.firstTime ? { firstTime: h.firstTime } : {}),
      ...(h.lastTime ? { lastTime: h.lastTime } : {}),
      evidence: { path: h.log.path, line: h.line, excerpt: h.text },
    })),
  };
}
