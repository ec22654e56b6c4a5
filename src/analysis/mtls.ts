import type { ResourceRecord } from '../model/facets.js';
import { compareText } from '../order.js';
import { hasProxy } from './analyzers/injection.js';
import type { ConfigIndex } from './config-index.js';
import { destinationRulesFor, drHost, drSubsets } from './destination-rules.js';
import { toFqdn, wildcardCovers } from './hosts.js';
import { asArray, asNumber, asRecord, asString, selectorMatches, stringMap } from './object-access.js';
import { containerPortOf, podsOfService, serviceOfClusterHost } from './workloads.js';

/**
 * Mutual TLS as the configuration alone decides it: the inbound mode a PeerAuthentication gives a
 * pod's port, the TLS mode a DestinationRule gives a client's cluster, and the pairs of the two that
 * cannot talk to each other.
 */

export type InboundMtlsMode = 'STRICT' | 'PERMISSIVE' | 'DISABLE';

export interface InboundMtls {
  mode: InboundMtlsMode;
  /** The PeerAuthentication whose mode decided; none when no policy sets one (Istio's default, PERMISSIVE). */
  decidedBy?: ResourceRecord;
  /** JSON pointer, inside `decidedBy`'s object, of the `mode` field that decided. */
  pointer?: string;
  /** The policies Istio composes for the pod, at most one per level: mesh, namespace, workload (in that order). */
  applying: ResourceRecord[];
  /**
   * Policies that select the pod but that Istio ignores: a newer one where an older one of the same
   * level exists, and workload-selector policies in the root namespace.
   */
  ignored: ResourceRecord[];
}

const INBOUND_MODES: readonly string[] = ['STRICT', 'PERMISSIVE', 'DISABLE'];

type Level = 'mesh' | 'namespace' | 'workload';

/**
 * The inbound mTLS mode of `pod` (on container port `port`, when given), with Istio's
 * PeerAuthentication semantics (istio.io reference "PeerAuthentication"; concepts "Security: Peer
 * authentication"; pilot's `authn.ComposePeerAuthentication` and `model.sortConfigByCreationTime`):
 *
 * - mesh-wide: a policy of the root namespace without selector (a selector without `matchLabels`
 *   counts as none); namespace-wide: such a policy in the pod's own namespace (one "mesh-wide" in any
 *   other namespace is namespace-wide there only); workload: a policy of the pod's namespace whose
 *   `selector.matchLabels` all match the pod's labels. Selector policies in the root namespace are
 *   ignored ("PeerAuthentication policies with workload selectors are ignored when deployed in the
 *   root namespace").
 * - Several policies of one level: the oldest wins (creationTimestamp, then name, then namespace) —
 *   even when its mode is UNSET; the newer ones are ignored, not consulted.
 * - The narrowest level with a mode decides; `UNSET` (or no `mtls`) inherits from the level above;
 *   nothing set: PERMISSIVE.
 * - `portLevelMtls` counts on the workload policy only, keyed by the workload's (container) port —
 *   "the port value in the portLevelMtls field refers to the port of the workload, not the port of
 *   the Kubernetes service"; a port-level `UNSET` inherits the workload's mode.
 */
export function effectiveInboundMtls(index: ConfigIndex, pod: ResourceRecord, port?: number): InboundMtls {
  return inboundMtlsIn(index, index.namespaceOf(pod), stringMap(pod.object.metadata.labels), port);
}

/**
 * `effectiveInboundMtls` for a workload known by its namespace, and by its labels when the bundle has
 * its pod: without labels no workload policy can be matched, so only the mesh and namespace levels count.
 */
export function inboundMtlsIn(index: ConfigIndex, podNamespace: string, labels: Record<string, string> | undefined, port?: number): InboundMtls {
  const chosen: Partial<Record<Level, ResourceRecord>> = {};
  const ignored: ResourceRecord[] = [];
  for (const policy of [...index.ofKind('PeerAuthentication')].sort((a, b) => olderFirst(index, a, b))) {
    const level = levelFor(index, policy, podNamespace, labels);
    if (level === undefined) continue;
    if (level === 'ignored' || chosen[level]) ignored.push(policy);
    else chosen[level] = policy;
  }
  let mode: InboundMtlsMode = 'PERMISSIVE';
  let decidedBy: ResourceRecord | undefined;
  let pointer: string | undefined;
  const applying: ResourceRecord[] = [];
  for (const level of ['mesh', 'namespace', 'workload'] as const) {
    const policy = chosen[level];
    if (!policy) continue;
    applying.push(policy);
    const own = modeOf(asRecord(policy.object.spec)?.mtls);
    if (own) [mode, decidedBy, pointer] = [own, policy, '/spec/mtls/mode'];
  }
  const workload = chosen.workload;
  if (workload && port !== undefined) {
    const perPort = modeOf(asRecord(asRecord(workload.object.spec)?.portLevelMtls)?.[String(port)]);
    if (perPort) [mode, decidedBy, pointer] = [perPort, workload, `/spec/portLevelMtls/${port}/mode`];
  }
  return { mode, ...(decidedBy ? { decidedBy, pointer: pointer! } : {}), applying, ignored };
}

function levelFor(index: ConfigIndex, policy: ResourceRecord, podNamespace: string, labels: Record<string, string> | undefined): Level | 'ignored' | undefined {
  const level = peerAuthenticationLevel(index, policy);
  const namespace = index.namespaceOf(policy);
  if (level === 'mesh') return level;
  if (namespace !== podNamespace) return undefined;
  if (level === 'namespace') return level;
  const matchLabels = stringMap(asRecord(asRecord(policy.object.spec)?.selector)?.matchLabels);
  if (labels === undefined || !selectorMatches(matchLabels, labels)) return undefined;
  return namespace === index.mesh.rootNamespace ? 'ignored' : 'workload';
}

/** The level a PeerAuthentication applies at, as Istio reads it: a selector without `matchLabels` counts as none. */
export function peerAuthenticationLevel(index: ConfigIndex, policy: ResourceRecord): Level {
  const matchLabels = stringMap(asRecord(asRecord(policy.object.spec)?.selector)?.matchLabels);
  if (Object.keys(matchLabels).length > 0) return 'workload';
  return index.namespaceOf(policy) === index.mesh.rootNamespace ? 'mesh' : 'namespace';
}

/** A PeerAuthentication mode that decides (STRICT, PERMISSIVE, DISABLE); UNSET, absent or unknown inherits. */
function modeOf(mtls: unknown): InboundMtlsMode | undefined {
  const mode = asString(asRecord(mtls)?.mode);
  return mode !== undefined && INBOUND_MODES.includes(mode) ? (mode as InboundMtlsMode) : undefined;
}

/** Istio's `sortConfigByCreationTime`: creation time, then name, then namespace. No timestamp is Go's zero time: the oldest. */
function olderFirst(index: ConfigIndex, a: ResourceRecord, b: ResourceRecord): number {
  const ta = createdAt(a);
  const tb = createdAt(b);
  if (ta !== tb) return ta < tb ? -1 : 1;
  return compareText(a.object.metadata.name, b.object.metadata.name) || compareText(index.namespaceOf(a), index.namespaceOf(b));
}

function createdAt(record: ResourceRecord): number {
  const parsed = Date.parse(asString(record.object.metadata.creationTimestamp) ?? '');
  return Number.isNaN(parsed) ? Number.NEGATIVE_INFINITY : parsed;
}

/** A PeerAuthentication's own `mtls.mode` as written, `UNSET` when it has none. */
export function peerAuthenticationMode(policy: ResourceRecord): string {
  return asString(asRecord(asRecord(policy.object.spec)?.mtls)?.mode) ?? 'UNSET';
}

/**
 * The TLS mode a DestinationRule gives the cluster, most specific first as Envoy gets it (pilot's
 * `MergeTrafficPolicy`): the subset's port-level setting, the subset's, the port-level setting, the
 * rule's own. `pointer` is the `tls.mode` field inside the rule's object. `port` is the Service port.
 */
export function destinationTlsMode(rule: ResourceRecord, port?: number, subset?: string): { mode: string; pointer: string } | undefined {
  const spec = asRecord(rule.object.spec);
  const levels: Array<{ policy: Record<string, unknown> | undefined; pointer: string }> = [];
  if (subset) {
    const at = asArray(spec?.subsets).findIndex((s) => asString(asRecord(s)?.name) === subset);
    if (at >= 0) levels.push({ policy: asRecord(asRecord(asArray(spec?.subsets)[at])?.trafficPolicy), pointer: `/spec/subsets/${at}/trafficPolicy` });
  }
  levels.push({ policy: asRecord(spec?.trafficPolicy), pointer: '/spec/trafficPolicy' });
  for (const { policy, pointer } of levels) {
    const portAt = port === undefined ? -1 : asArray(policy?.portLevelSettings).findIndex((p) => asRecord(asRecord(p)?.port)?.number === port);
    const portMode = portAt >= 0 ? asString(asRecord(asRecord(asArray(policy?.portLevelSettings)[portAt])?.tls)?.mode) : undefined;
    if (portMode) return { mode: portMode, pointer: `${pointer}/portLevelSettings/${portAt}/tls/mode` };
    const mode = asString(asRecord(policy?.tls)?.mode);
    if (mode) return { mode, pointer: `${pointer}/tls/mode` };
  }
  return undefined;
}

export type MtlsConflictKind = 'plaintext-to-strict' | 'mtls-to-no-sidecar' | 'mtls-to-disabled';

export interface MtlsConflict {
  /**
   * `plaintext-to-strict`: the rule sends plaintext (`DISABLE`) to sidecars that require mTLS — the
   * server resets the connection (503 `UC`, `connection reset by peer`).
   * `mtls-to-no-sidecar`: the rule originates TLS toward pods none of which runs a sidecar — they
   * answer the TLS hello in plaintext (`WRONG_VERSION_NUMBER`).
   * `mtls-to-disabled`: the rule originates Istio mTLS toward sidecars whose inbound mTLS is
   * `DISABLE` — their inbound listener expects plaintext and reads the TLS handshake as such.
   */
  kind: MtlsConflictKind;
  destinationRule: ResourceRecord;
  /** JSON pointer of the deciding `tls.mode` field inside the rule's object. */
  drPointer: string;
  drMode: string;
  service: ResourceRecord;
  /** The Service port the conflict was found on (the first one, when several conflict the same way). */
  port?: number;
  /** The container port that Service port targets on the first pod listed. */
  targetPort?: number;
  /** The subset whose cluster conflicts; none for the rule's default cluster. */
  subset?: string;
  /** The pods that cannot be reached (the first few), of `podCount`. */
  pods: ResourceRecord[];
  podCount: number;
  /** The PeerAuthentication that set the server's mode (on the first pod listed), and its `mode` field. */
  peerAuthentication?: ResourceRecord;
  paPointer?: string;
  /** The server's inbound mode (STRICT, DISABLE), when a sidecar's mode is the other half of the conflict. */
  serverMode?: InboundMtlsMode;
}

const PODS_LISTED = 3;
/** Protocols Istio selects from `appProtocol` or the port-name prefix that are plaintext on the wire. */
const PLAINTEXT_PROTOCOLS = new Set(['http', 'http2', 'grpc', 'grpc-web', 'tcp', 'mongo', 'mysql', 'redis', 'kubernetes.io/h2c', 'kubernetes.io/ws']);

/**
 * Every DestinationRule TLS setting (top level, port level, subset, subset port level) that cannot
 * work against the pods of a Service in the bundle, whatever the logs say:
 *
 * - the rule's host names a Service of the bundle, or (a wildcard host) covers the Services'
 *   FQDNs — each Service counted once per setting and kind;
 * - the rule must be the one some client namespace of the bundle gets for that Service
 *   (`destinationRulesFor`: a rule every client sees another rule for first applies nowhere);
 * - per Service port (TCP) and cluster (the default one, then each subset, whose pods are those
 *   with the subset's labels), the mode `destinationTlsMode` gives;
 * - `DISABLE` toward sidecar pods whose inbound mode on the target port is STRICT; `ISTIO_MUTUAL`
 *   toward pods none of which runs a sidecar, or toward sidecar pods whose mode there is DISABLE;
 *   `MUTUAL`/`SIMPLE` toward pods without sidecar when the Service port declares a plaintext
 *   protocol (else the application may well serve TLS itself).
 *
 * No claim without a `tls` setting (auto mTLS follows the server), without pods of the Service (or
 * the subset) in the bundle, or about ambient pods (no sidecar, yet in the mesh).
 */
export function mtlsConflicts(index: ConfigIndex): MtlsConflict[] {
  const services = index.ofKind('Service');
  const clientNamespaces = knownNamespaces(index);
  const conflicts: MtlsConflict[] = [];
  const seen = new Set<string>();
  for (const rule of index.ofKind('DestinationRule')) {
    if (!drHost(rule)) continue;
    const host = toFqdn(drHost(rule), index.namespaceOf(rule), index.clusterDomain);
    const targets = host.startsWith('*') ? services.filter((s) => wildcardCovers(host, serviceFqdn(index, s))) : [serviceOfClusterHost(index, host)].filter((s): s is ResourceRecord => s !== undefined);
    for (const service of targets) {
      const fqdn = serviceFqdn(index, service);
      if (!clientNamespaces.some((ns) => destinationRulesFor(index, fqdn, ns).includes(rule))) continue;
      const pods = podsOfService(index, service);
      if (pods.length === 0) continue;
      const clusters = [
        { subset: undefined as string | undefined, pods },
        ...drSubsets(rule).map((s) => ({ subset: s.name as string | undefined, pods: pods.filter((p) => selectorMatches(s.labels, stringMap(p.object.metadata.labels))) })),
      ];
      for (const servicePort of tcpPorts(service)) {
        for (const cluster of clusters) {
          if (cluster.pods.length === 0) continue;
          const tls = destinationTlsMode(rule, servicePort.port, cluster.subset);
          if (!tls) continue;
          const found = conflictOf(index, tls.mode, servicePort, cluster.pods);
          if (!found) continue;
          // One conflict per setting, Service and kind: a wildcard rule's top-level mode, or a mode
          // subsets inherit, is one mistake however many ports and subsets it reaches.
          const key = `${ruleKey(index, rule)}|${ruleKey(index, service)}|${tls.pointer}|${found.kind}`;
          if (seen.has(key)) continue;
          seen.add(key);
          conflicts.push({
            kind: found.kind,
            destinationRule: rule,
            drPointer: tls.pointer,
            drMode: tls.mode,
            service,
            port: servicePort.port,
            ...(found.targetPort !== undefined ? { targetPort: found.targetPort } : {}),
            ...(cluster.subset !== undefined ? { subset: cluster.subset } : {}),
            pods: found.pods.slice(0, PODS_LISTED),
            podCount: found.pods.length,
            ...(found.server?.decidedBy ? { peerAuthentication: found.server.decidedBy, paPointer: found.server.pointer! } : {}),
            ...(found.server ? { serverMode: found.server.mode } : {}),
          });
        }
      }
    }
  }
  return conflicts.sort(
    (a, b) =>
      compareText(ruleKey(index, a.destinationRule), ruleKey(index, b.destinationRule)) ||
      compareText(ruleKey(index, a.service), ruleKey(index, b.service)) ||
      (a.port ?? 0) - (b.port ?? 0) ||
      compareText(a.subset ?? '', b.subset ?? '') ||
      compareText(a.kind, b.kind),
  );
}

interface ServicePort {
  port: number;
  targetPort: unknown;
  name?: string;
  appProtocol?: string;
}

function conflictOf(
  index: ConfigIndex,
  mode: string,
  servicePort: ServicePort,
  pods: readonly ResourceRecord[],
): { kind: MtlsConflictKind; pods: ResourceRecord[]; targetPort?: number; server?: InboundMtls } | undefined {
  if (pods.length === 0) return undefined;
  const ambient = pods.some((p) => isAmbient(index, p));
  const sidecars = pods.filter(hasProxy);
  if (mode === 'ISTIO_MUTUAL' || mode === 'MUTUAL' || mode === 'SIMPLE') {
    if (sidecars.length === 0 && !ambient && (mode === 'ISTIO_MUTUAL' || declaresPlaintext(servicePort))) {
      const targetPort = targetPortOf(servicePort, pods[0]!);
      return { kind: 'mtls-to-no-sidecar', pods: [...pods], ...(targetPort !== undefined ? { targetPort } : {}) };
    }
    if (mode !== 'ISTIO_MUTUAL') return undefined;
  } else if (mode !== 'DISABLE') return undefined;
  const wanted: InboundMtlsMode = mode === 'DISABLE' ? 'STRICT' : 'DISABLE';
  const hits: Array<{ pod: ResourceRecord; targetPort: number; server: InboundMtls }> = [];
  for (const pod of sidecars) {
    // A named targetPort the pod does not declare gives it no endpoint: no traffic to fail.
    const targetPort = targetPortOf(servicePort, pod);
    if (targetPort === undefined) continue;
    const server = effectiveInboundMtls(index, pod, targetPort);
    if (server.mode === wanted) hits.push({ pod, targetPort, server });
  }
  const first = hits[0];
  if (!first) return undefined;
  return { kind: mode === 'DISABLE' ? 'plaintext-to-strict' : 'mtls-to-disabled', pods: hits.map((h) => h.pod), targetPort: first.targetPort, server: first.server };
}

/** The Service's TCP ports (Kubernetes defaults `protocol` to TCP; Istio serves no UDP), by number. */
function tcpPorts(service: ResourceRecord): ServicePort[] {
  return asArray(asRecord(service.object.spec)?.ports)
    .flatMap((entry) => {
      const p = asRecord(entry);
      const port = asNumber(p?.port);
      if (!p || port === undefined || (asString(p.protocol) ?? 'TCP') !== 'TCP') return [];
      const name = asString(p.name);
      const appProtocol = asString(p.appProtocol);
      return [{ port, targetPort: p.targetPort, ...(name ? { name } : {}), ...(appProtocol ? { appProtocol } : {}) }];
    })
    .sort((a, b) => a.port - b.port);
}

/** A Service port's targetPort on a pod; absent: the port itself. */
function targetPortOf(servicePort: ServicePort, pod: ResourceRecord): number | undefined {
  return containerPortOf(servicePort.targetPort ?? servicePort.port, pod);
}

/** Istio's protocol selection: `appProtocol`, else the port name's prefix (`http-web` → http). */
function declaresPlaintext(port: ServicePort): boolean {
  const protocol = (port.appProtocol ?? port.name?.split('-')[0])?.toLowerCase();
  return protocol !== undefined && PLAINTEXT_PROTOCOLS.has(protocol);
}

/** A pod ztunnel serves (`istio.io/dataplane-mode: ambient` on it, or on its namespace unless the pod opts out). */
function isAmbient(index: ConfigIndex, pod: ResourceRecord): boolean {
  if (hasProxy(pod)) return false;
  const own = stringMap(pod.object.metadata.labels)['istio.io/dataplane-mode'];
  if (own !== undefined) return own === 'ambient';
  return stringMap(index.namespace(index.namespaceOf(pod))?.object.metadata.labels)['istio.io/dataplane-mode'] === 'ambient';
}

function serviceFqdn(index: ConfigIndex, service: ResourceRecord): string {
  return toFqdn(service.object.metadata.name, index.namespaceOf(service), index.clusterDomain);
}

function ruleKey(index: ConfigIndex, record: ResourceRecord): string {
  return `${index.namespaceOf(record)}/${record.object.metadata.name}`;
}

/** Where clients may run: every namespace the bundle names (objects, pods, the root namespace). */
function knownNamespaces(index: ConfigIndex): string[] {
  const names = new Set<string>([index.mesh.rootNamespace]);
  for (const ns of index.ofKind('Namespace')) names.add(ns.object.metadata.name);
  for (const kind of ['Service', 'DestinationRule', 'Pod'] as const) for (const r of index.ofKind(kind)) names.add(index.namespaceOf(r));
  return [...names].sort(compareText);
}
