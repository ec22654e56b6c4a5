import { parse as parseYaml } from 'yaml';
import type { ResourceRecord } from '../model/facets.js';
import { compareText } from '../order.js';
import { DEFAULT_CLUSTER_DOMAIN, EXPORT_TO_ALL, exportScopes, toFqdn, visibleIn, wildcardCovers } from './hosts.js';
import { asArray, asRecord, asString, stringMap } from './object-access.js';

/**
 * The kinds the offline analyzers read. Istio's networking kinds are accepted in every served
 * version (v1alpha3, v1beta1, v1); the Gateway API `Gateway` is told apart from Istio's by group.
 */
const KIND_GROUPS = {
  VirtualService: 'networking.istio.io',
  DestinationRule: 'networking.istio.io',
  Gateway: 'networking.istio.io',
  ServiceEntry: 'networking.istio.io',
  Sidecar: 'networking.istio.io',
  WorkloadEntry: 'networking.istio.io',
  AuthorizationPolicy: 'security.istio.io',
  PeerAuthentication: 'security.istio.io',
  KubernetesGateway: 'gateway.networking.k8s.io',
  HTTPRoute: 'gateway.networking.k8s.io',
  GRPCRoute: 'gateway.networking.k8s.io',
  Service: '',
  Pod: '',
  Namespace: '',
  ConfigMap: '',
  Deployment: 'apps',
  Node: '',
  EndpointSlice: 'discovery.k8s.io',
  /** v1 Endpoints: deprecated in Kubernetes 1.33, still what older bundles and bug-reports hold. */
  Endpoints: '',
  NetworkPolicy: 'networking.k8s.io',
} as const;
export type ConfigKind = keyof typeof KIND_GROUPS;

/** The parts of the mesh config (`istio` ConfigMap, key `mesh`) that change how references resolve. */
export interface MeshSettings {
  rootNamespace: string;
  /** The SPIFFE trust domain of workload identities (`cluster.local` unless the mesh config sets one). */
  trustDomain: string;
  defaultServiceExportTo: string[];
  defaultVirtualServiceExportTo: string[];
  defaultDestinationRuleExportTo: string[];
  /** `discoverySelectors`: the namespaces istiod watches (label selectors, ORed); empty: every namespace. */
  discoverySelectors: Record<string, unknown>[];
  /** Where the settings came from; undefined when the bundle has no mesh config (Istio's defaults apply). */
  source?: ResourceRecord;
}

/** A host the mesh knows: a Kubernetes Service (as Istio sees it, a host with ports) or a ServiceEntry host. */
export interface KnownHost {
  host: string;
  /** The namespaces it is visible in (`*` = all). */
  scopes: string[];
  ports: { number: number; name?: string }[];
  record: ResourceRecord;
  kind: 'Service' | 'ServiceEntry';
}

export interface ConfigIndexOptions {
  /**
   * The namespace of an object that names none. Istio's analyzer test grid leaves it empty; kubectl
   * always prints one, and `istioctl analyze <file>` applies `default`.
   */
  defaultNamespace?: string;
  istioNamespace?: string;
  /** A mesh config to use instead of the bundle's (conformance: the grid's `meshConfigFile`). */
  meshConfig?: Record<string, unknown>;
}

export interface ConfigIndex {
  readonly istioNamespace: string;
  readonly mesh: MeshSettings;
  readonly clusterDomain: string;
  ofKind(kind: ConfigKind): readonly ResourceRecord[];
  namespaceOf(record: ResourceRecord): string;
  /** Namespace objects by name (the bundle may hold none: then nothing is known about labels). */
  namespace(name: string): ResourceRecord | undefined;
  /** Every host a Service or ServiceEntry defines. */
  knownHosts(): readonly KnownHost[];
  /**
   * The Service or ServiceEntry a reference to `host` from `namespace` reaches, as Istio's analyzers
   * resolve it (exact FQDN visible to the namespace first, then wildcard ServiceEntry hosts).
   */
  resolveHost(host: string, fromNamespace: string, exportTo?: readonly string[]): KnownHost | undefined;
  /** A known host equal to `host` but for letter case, for "`Reviews` is not `reviews`". */
  caseInsensitiveHost(host: string, fromNamespace: string): string | undefined;
  /** Pods (from `kubectl get pods` and from resource listings). */
  pods(): readonly ResourceRecord[];
  /** The pod of that name, in that namespace when one is given (a log may not know its namespace). */
  pod(name: string, namespace?: string): ResourceRecord | undefined;
}

export function buildConfigIndex(resources: readonly ResourceRecord[], pods: readonly ResourceRecord[], options: ConfigIndexOptions = {}): ConfigIndex {
  const defaultNamespace = options.defaultNamespace ?? 'default';
  const istioNamespace = options.istioNamespace ?? 'istio-system';
  const namespaceOf = (record: ResourceRecord) => asString(record.object.metadata.namespace) ?? defaultNamespace;
  const byKind = new Map<ConfigKind, ResourceRecord[]>();
  const allPods: ResourceRecord[] = [];
  // The same object listed twice (a per-namespace and a cluster-wide listing, a bug-report's
  // resource dumps) is one object: the first copy in path order counts.
  const seen = new Set<string>();
  const firstCopy = (kind: string, record: ResourceRecord) => {
    const id = `${kind}|${namespaceOf(record)}|${record.object.metadata.name}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  };
  for (const pod of pods) if (firstCopy('Pod', pod)) allPods.push(pod);
  for (const record of resources) {
    const kind = configKind(record.object);
    if (!kind || !firstCopy(kind, record)) continue;
    if (kind === 'Pod') {
      allPods.push(record);
      continue;
    }
    const list = byKind.get(kind) ?? [];
    list.push(record);
    byKind.set(kind, list);
  }
  byKind.set('Pod', allPods);
  const ofKind = (kind: ConfigKind) => byKind.get(kind) ?? [];
  const namespaces = new Map(ofKind('Namespace').map((r) => [r.object.metadata.name, r] as const));
  const mesh = meshSettings(options.meshConfig, ofKind('ConfigMap'), istioNamespace, namespaceOf);
  const clusterDomain = serviceDomain(ofKind('ConfigMap'), istioNamespace, namespaceOf);
  let hosts: KnownHost[] | undefined;
  let podsByName: Map<string, ResourceRecord[]> | undefined;
  const knownHosts = () => (hosts ??= collectHosts(ofKind('Service'), ofKind('ServiceEntry'), namespaceOf, mesh, clusterDomain));
  // Lookups run once per route destination: index the hosts by name, exact and lower-cased.
  let lookup: { exact: Map<string, KnownHost[]>; lower: Map<string, KnownHost[]>; wildcards: KnownHost[] } | undefined;
  const hostLookup = () => {
    if (lookup) return lookup;
    const exact = new Map<string, KnownHost[]>();
    const lower = new Map<string, KnownHost[]>();
    const add = (map: Map<string, KnownHost[]>, key: string, h: KnownHost) => map.set(key, [...(map.get(key) ?? []), h]);
    for (const h of knownHosts()) {
      add(exact, h.host, h);
      add(lower, h.host.toLowerCase(), h);
    }
    // The most specific wildcard first (`*.example.com` before `*.com`), as Istio picks them.
    lookup = { exact, lower, wildcards: knownHosts().filter((h) => h.host.startsWith('*')).sort((a, b) => b.host.length - a.host.length || compareText(a.host, b.host)) };
    return lookup;
  };

  return {
    istioNamespace,
    mesh,
    clusterDomain,
    ofKind,
    namespaceOf,
    namespace: (name) => namespaces.get(name),
    knownHosts,
    pods: () => allPods,
    pod(name, namespace) {
      if (!podsByName) {
        podsByName = new Map();
        for (const p of allPods) podsByName.set(p.object.metadata.name, [...(podsByName.get(p.object.metadata.name) ?? []), p]);
      }
      return podsByName.get(name)?.find((p) => namespace === undefined || namespaceOf(p) === namespace);
    },
    resolveHost(host, fromNamespace, exportTo = []) {
      const fqdn = toFqdn(host, fromNamespace, clusterDomain);
      // Istio's analyzers look a host up where the referring resource exports to: its own
      // namespace by default, or each namespace of its exportTo.
      const lookIn = exportTo.length === 0 ? [fromNamespace] : exportTo.map((ns) => (ns === '.' ? fromNamespace : ns));
      const visible = (h: KnownHost) => h.scopes.includes(EXPORT_TO_ALL) || lookIn.some((ns) => h.scopes.includes(ns));
      const exact = (hostLookup().exact.get(fqdn) ?? []).find(visible);
      if (exact) return exact;
      const bare = fqdn.replace(/^\*/, '');
      return hostLookup().wildcards.find((h) => visibleIn(h.scopes, fromNamespace) && wildcardCovers(h.host, bare.startsWith('.') ? `x${bare}` : bare));
    },
    caseInsensitiveHost(host, fromNamespace) {
      const fqdn = toFqdn(host.toLowerCase(), fromNamespace.toLowerCase(), clusterDomain);
      return (hostLookup().lower.get(fqdn) ?? []).find((h) => visibleIn(h.scopes, fromNamespace))?.host;
    },
  };
}

export function configKind(object: Record<string, unknown>): ConfigKind | undefined {
  const kind = asString(object.kind);
  const group = (asString(object.apiVersion) ?? '').split('/').slice(0, -1).join('/');
  if (kind === 'Gateway') return group === KIND_GROUPS.Gateway ? 'Gateway' : group === KIND_GROUPS.KubernetesGateway ? 'KubernetesGateway' : undefined;
  if (!kind || !(kind in KIND_GROUPS) || kind === 'KubernetesGateway') return undefined;
  return KIND_GROUPS[kind as ConfigKind] === group ? (kind as ConfigKind) : undefined;
}

function collectHosts(
  services: readonly ResourceRecord[],
  serviceEntries: readonly ResourceRecord[],
  namespaceOf: (r: ResourceRecord) => string,
  mesh: MeshSettings,
  domain: string,
): KnownHost[] {
  const hosts: KnownHost[] = [];
  for (const record of serviceEntries) {
    const spec = asRecord(record.object.spec);
    const namespace = namespaceOf(record);
    const scopes = exportScopes(asArray(spec?.exportTo).map(asString).filter(isString), namespace, mesh.defaultServiceExportTo);
    const ports = asArray(spec?.ports).flatMap((p) => {
      const port = asRecord(p);
      const number = typeof port?.number === 'number' ? port.number : undefined;
      return number === undefined ? [] : [{ number, ...(asString(port?.name) ? { name: asString(port?.name)! } : {}) }];
    });
    for (const host of asArray(spec?.hosts).map(asString).filter(isString)) hosts.push({ host: toFqdn(host, namespace, domain), scopes, ports, record, kind: 'ServiceEntry' });
  }
  for (const record of services) {
    const namespace = namespaceOf(record);
    const annotation = stringMap(record.object.metadata.annotations)['networking.istio.io/exportTo'];
    const exportTo = annotation ? annotation.split(',').map((s) => s.trim()).filter(Boolean) : [];
    const ports = asArray(asRecord(record.object.spec)?.ports).flatMap((p) => {
      const port = asRecord(p);
      return typeof port?.port === 'number' ? [{ number: port.port, ...(asString(port.name) ? { name: asString(port.name)! } : {}) }] : [];
    });
    hosts.push({ host: toFqdn(record.object.metadata.name, namespace, domain), scopes: exportScopes(exportTo, namespace, mesh.defaultServiceExportTo), ports, record, kind: 'Service' });
  }
  return hosts.sort((a, b) => compareText(a.host, b.host));
}

function meshSettings(
  override: Record<string, unknown> | undefined,
  configMaps: readonly ResourceRecord[],
  istioNamespace: string,
  namespaceOf: (r: ResourceRecord) => string,
): MeshSettings {
  let source: ResourceRecord | undefined;
  let mesh = override;
  if (!mesh) {
    // The default revision's `istio` ConfigMap; a revisioned install has `istio-<rev>` only.
    const candidates = configMaps.filter((r) => namespaceOf(r) === istioNamespace && /^istio(?:-[a-z0-9-]+)?$/.test(r.object.metadata.name) && typeof asRecord(r.object.data)?.mesh === 'string');
    source = candidates.find((r) => r.object.metadata.name === 'istio') ?? candidates[0];
    mesh = source ? parseMesh(asString(asRecord(source.object.data)?.mesh) ?? '') : undefined;
  }
  const list = (key: string) => asArray(mesh?.[key]).map(asString).filter(isString);
  return {
    rootNamespace: asString(mesh?.rootNamespace) ?? istioNamespace,
    trustDomain: asString(mesh?.trustDomain) ?? 'cluster.local',
    defaultServiceExportTo: list('defaultServiceExportTo'),
    defaultVirtualServiceExportTo: list('defaultVirtualServiceExportTo'),
    defaultDestinationRuleExportTo: list('defaultDestinationRuleExportTo'),
    discoverySelectors: asArray(mesh?.discoverySelectors).map(asRecord).filter((s): s is Record<string, unknown> => s !== undefined),
    ...(source ? { source } : {}),
  };
}

function parseMesh(text: string): Record<string, unknown> | undefined {
  try {
    return asRecord(parseYaml(text, { maxAliasCount: 100 }));
  } catch {
    return undefined;
  }
}

function isString(value: string | undefined): value is string {
  return value !== undefined;
}

/**
 * `svc.<cluster domain>`: the injector's `global.proxy.clusterDomain` (its ConfigMap's `values`
 * JSON) when the bundle has it, else Kubernetes' default `cluster.local`.
 */
function serviceDomain(configMaps: readonly ResourceRecord[], istioNamespace: string, namespaceOf: (r: ResourceRecord) => string): string {
  const injector = configMaps.find((r) => namespaceOf(r) === istioNamespace && r.object.metadata.name === 'istio-sidecar-injector');
  const values = asString(asRecord(injector?.object.data)?.values);
  if (!values) return DEFAULT_CLUSTER_DOMAIN;
  try {
    const domain = asString(asRecord(asRecord(asRecord(JSON.parse(values))?.global)?.proxy)?.clusterDomain);
    return domain && /^[a-z0-9.-]+$/.test(domain) ? `svc.${domain}` : DEFAULT_CLUSTER_DOMAIN;
  } catch {
    return DEFAULT_CLUSTER_DOMAIN;
  }
}
