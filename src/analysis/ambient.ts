import type { ResourceRecord } from '../model/facets.js';
import { compareText } from '../order.js';
import type { ConfigIndex } from './config-index.js';
import { asArray, asRecord, asString, selectorMatches, stringMap } from './object-access.js';
import { podsOfService } from './workloads.js';

/**
 * Ambient mode as Istio resolves it, offline: which namespaces and pods are enrolled, which Gateways
 * are waypoints, which waypoint a Service or pod uses, and which AuthorizationPolicy attributes
 * ztunnel cannot enforce. Labels and values are Istio's (istio/api `label/labels.yaml`); the
 * resolution follows istiod's ambient index (`pilot/pkg/serviceregistry/kube/controller/ambient/`
 * `waypoints.go`, `authorization.go`, `policies.go`), documented at
 * https://istio.io/latest/docs/ambient/usage/waypoint/ and
 * https://istio.io/latest/docs/ambient/usage/l4-policy/.
 */
export const AMBIENT_LABELS = {
  /** On a Namespace or Pod: `ambient` enrolls, `none` opts out. Sidecar mode is not a value of it. */
  dataplaneMode: 'istio.io/dataplane-mode',
  /** On a Namespace, Service, ServiceEntry or Pod: the waypoint's (Gateway's) name; `none` opts out. */
  useWaypoint: 'istio.io/use-waypoint',
  /** The waypoint's namespace when it is not the object's own. */
  useWaypointNamespace: 'istio.io/use-waypoint-namespace',
  /** On the waypoint's Gateway: the traffic it takes (`service` when absent, `workload`, `all`, `none`). */
  waypointFor: 'istio.io/waypoint-for',
  /** On what the gateway controller creates (Deployment, pod template, Service). */
  managed: 'gateway.istio.io/managed',
  gatewayName: 'gateway.networking.k8s.io/gateway-name',
  gatewayClassName: 'gateway.networking.k8s.io/gateway-class-name',
} as const;

/** istio-cni's mark on a pod it captured for ztunnel (`enabled`; `pending` while no ztunnel took it). */
export const REDIRECTION_ANNOTATION = 'ambient.istio.io/redirection';
/** The GatewayClass of Istio's waypoints (controller `istio.io/mesh-controller`). */
export const WAYPOINT_GATEWAY_CLASS = 'istio-waypoint';
/** `gateway.istio.io/managed` on everything the mesh controller creates for a waypoint. */
export const MESH_CONTROLLER = 'istio.io-mesh-controller';
/**
 * The value the Istio production debugging guide selects waypoint pods by. Istio never sets it (its
 * controllers write `istio.io-mesh-controller`, `istio.io-gateway-controller`, …); accepted as a
 * waypoint's mark because people who followed the guide set it on their own deployments.
 */
export const GUIDE_WAYPOINT_VALUE = 'istio.io-waypoint';
export const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';
/** `istio.io/dry-run: "true"`: istiod evaluates the policy in the shadow, enforcing nothing. */
const DRY_RUN_ANNOTATION = 'istio.io/dry-run';

export type WaypointTraffic = 'service' | 'workload' | 'all' | 'none';

export interface Waypoint {
  namespace: string;
  name: string;
  /** Its Gateway, when the bundle holds the Gateway API listing. */
  gateway?: ResourceRecord;
  /** Its pods (label `gateway.networking.k8s.io/gateway-name`), when the bundle lists them. */
  pods: ResourceRecord[];
  trafficType: WaypointTraffic;
  /** What told us it is a waypoint: its Gateway's class, the mesh controller's label on its pods, or the guide's label. */
  recognisedBy: 'gateway-class' | 'controller-label' | 'guide-label';
}

const labelsOf = (record: ResourceRecord | undefined) => stringMap(record?.object.metadata.labels);
const annotationsOf = (record: ResourceRecord | undefined) => stringMap(record?.object.metadata.annotations);

/** How a pod's labels mark it as a waypoint's: Istio's controller label or class label, or the guide's value. */
export function waypointPodMark(labels: Record<string, string>): 'controller-label' | 'guide-label' | undefined {
  const managed = labels[AMBIENT_LABELS.managed];
  if (managed === MESH_CONTROLLER || labels[AMBIENT_LABELS.gatewayClassName] === WAYPOINT_GATEWAY_CLASS) return 'controller-label';
  if (managed === GUIDE_WAYPOINT_VALUE) return 'guide-label';
  return undefined;
}

export function isWaypointPod(pod: ResourceRecord): boolean {
  return waypointPodMark(labelsOf(pod)) !== undefined;
}

/** An Envoy sidecar (classic or native) or ztunnel itself: such a pod is not captured by ztunnel. */
function hasOwnProxy(pod: ResourceRecord): boolean {
  const spec = asRecord(pod.object.spec);
  const named = (list: unknown, native: boolean) =>
    asArray(list).some((c) => asString(asRecord(c)?.name) === 'istio-proxy' && (!native || asString(asRecord(c)?.restartPolicy) === 'Always'));
  return labelsOf(pod).app === 'ztunnel' || named(spec?.containers, false) || named(spec?.initContainers, true);
}

/**
 * Whether the Namespace object enrolls its pods in ambient mode; undefined when the bundle has no
 * Namespace object of that name (nothing is known about its labels).
 */
export function namespaceIsAmbient(index: ConfigIndex, namespace: string): boolean | undefined {
  const record = index.namespace(namespace);
  if (!record) return undefined;
  return labelsOf(record)[AMBIENT_LABELS.dataplaneMode] === 'ambient';
}

/**
 * Whether ztunnel captures the pod: istio-cni marked it so, or it or its namespace is labelled
 * `ambient` and it does not opt out (`none`), is no waypoint or gateway, and runs no sidecar of its own.
 */
export function podIsAmbient(index: ConfigIndex, pod: ResourceRecord): boolean {
  const namespace = index.namespace(index.namespaceOf(pod));
  return ambientEnrollment(labelsOf(pod), annotationsOf(pod), hasOwnProxy(pod), namespace ? labelsOf(namespace) : undefined) !== undefined;
}

/**
 * Why ztunnel captures a pod, if it does: istio-cni's mark that it did (`enabled`, or `pending` while no
 * ztunnel took it yet), else the pod's own `istio.io/dataplane-mode` (`ambient`; `none` opts out), else its
 * namespace's. Never a pod with its own Envoy (sidecar, gateway, waypoint) or ztunnel itself
 * (https://istio.io/latest/docs/ambient/usage/add-workloads/). The one definition AMB001's node coverage
 * and AMB002's policy scope share.
 */
export function ambientEnrollment(labels: Record<string, string>, annotations: Record<string, string>, ownProxy: boolean, namespaceLabels: Record<string, string> | undefined): 'annotation' | 'pod-label' | 'namespace-label' | undefined {
  if (ownProxy || waypointPodMark(labels) || labels[AMBIENT_LABELS.managed] !== undefined) return undefined;
  const redirection = annotations[REDIRECTION_ANNOTATION];
  if (redirection === 'enabled' || redirection === 'pending') return 'annotation';
  const own = labels[AMBIENT_LABELS.dataplaneMode];
  if (own !== undefined) return own === 'ambient' ? 'pod-label' : undefined;
  return namespaceLabels?.[AMBIENT_LABELS.dataplaneMode] === 'ambient' ? 'namespace-label' : undefined;
}

/** The pods the bundle lists in a namespace. */
function podsIn(index: ConfigIndex, namespace: string): ResourceRecord[] {
  return index.pods().filter((p) => index.namespaceOf(p) === namespace);
}

/**
 * Whether a Service's traffic is ambient traffic: its pods are captured by ztunnel, or, when the
 * bundle lists none of them, its namespace is labelled `ambient`.
 */
export function serviceIsAmbient(index: ConfigIndex, service: ResourceRecord): boolean {
  const pods = podsOfService(index, service);
  if (pods.length > 0) return pods.some((p) => podIsAmbient(index, p));
  return namespaceIsAmbient(index, index.namespaceOf(service)) === true;
}

function trafficTypeOf(gateway: ResourceRecord | undefined): WaypointTraffic {
  const value = labelsOf(gateway)[AMBIENT_LABELS.waypointFor];
  return value === 'workload' || value === 'all' || value === 'none' ? value : 'service';
}

/**
 * Every waypoint the bundle shows: Gateway API Gateways of class `istio-waypoint`, Gateways of another
 * class whose pods the mesh controller manages, and pods marked as a waypoint's whose Gateway the
 * bundle does not hold (the Gateway listing was not collected).
 */
export function waypoints(index: ConfigIndex): readonly Waypoint[] {
  let found = waypointCache.get(index);
  if (!found) waypointCache.set(index, (found = collectWaypoints(index)));
  return found;
}

const waypointCache = new WeakMap<ConfigIndex, Waypoint[]>();

function collectWaypoints(index: ConfigIndex): Waypoint[] {
  const pods = index.pods().filter(isWaypointPod);
  const podsOf = (namespace: string, name: string) => pods.filter((p) => index.namespaceOf(p) === namespace && labelsOf(p)[AMBIENT_LABELS.gatewayName] === name);
  const found: Waypoint[] = [];
  const seen = new Set<string>();
  for (const gateway of index.ofKind('KubernetesGateway')) {
    const namespace = index.namespaceOf(gateway);
    const name = gateway.object.metadata.name;
    const own = podsOf(namespace, name);
    const byClass = asString(asRecord(gateway.object.spec)?.gatewayClassName) === WAYPOINT_GATEWAY_CLASS;
    const mark = own.map((p) => waypointPodMark(labelsOf(p))).find((m) => m !== undefined);
    if (!byClass && !mark) continue;
    seen.add(`${namespace}/${name}`);
    found.push({ namespace, name, gateway, pods: own, trafficType: trafficTypeOf(gateway), recognisedBy: byClass ? 'gateway-class' : mark! });
  }
  for (const pod of pods) {
    const namespace = index.namespaceOf(pod);
    const name = labelsOf(pod)[AMBIENT_LABELS.gatewayName];
    if (!name || seen.has(`${namespace}/${name}`)) continue;
    // A Gateway of that name the bundle holds but that is no waypoint (class `istio`): its pods are a gateway's.
    if (index.ofKind('KubernetesGateway').some((g) => index.namespaceOf(g) === namespace && g.object.metadata.name === name)) continue;
    seen.add(`${namespace}/${name}`);
    const own = podsOf(namespace, name);
    found.push({ namespace, name, pods: own, trafficType: 'service', recognisedBy: own.some((p) => waypointPodMark(labelsOf(p)) === 'controller-label') ? 'controller-label' : 'guide-label' });
  }
  return found.sort((a, b) => compareText(`${a.namespace}/${a.name}`, `${b.namespace}/${b.name}`));
}

export function findWaypoint(index: ConfigIndex, namespace: string, name: string): Waypoint | undefined {
  return waypoints(index).find((w) => w.namespace === namespace && w.name === name);
}

/**
 * The bundle shows that no Gateway `namespace/name` exists: neither the Gateway nor a pod of it is
 * listed, and the bundle would show one (it holds the cluster-wide Gateway API listing, or the pods
 * of that namespace, where the gateway controller runs a Gateway's deployment).
 */
export function gatewayProvablyAbsent(index: ConfigIndex, namespace: string, name: string): boolean {
  const gateways = index.ofKind('KubernetesGateway');
  if (gateways.some((g) => index.namespaceOf(g) === namespace && g.object.metadata.name === name)) return false;
  const pods = podsIn(index, namespace);
  if (pods.some((p) => labelsOf(p)[AMBIENT_LABELS.gatewayName] === name)) return false;
  return gateways.length > 0 || pods.length > 0;
}

/** A `istio.io/use-waypoint` label: the object carrying it and the waypoint it names. */
export interface WaypointRef {
  name: string;
  namespace: string;
  /** The Namespace, Service or Pod the label is on. */
  on: ResourceRecord;
}

export type WaypointBinding =
  /** The object uses that waypoint. */
  | { state: 'bound'; ref: WaypointRef; waypoint: Waypoint }
  /** The label names a waypoint the bundle shows does not exist: Istio gives the object no waypoint. */
  | { state: 'missing'; ref: WaypointRef; notWaypoint?: ResourceRecord }
  /** The label names a waypoint the bundle cannot confirm or rule out. */
  | { state: 'unknown'; ref: WaypointRef }
  /** The waypoint exists but does not take this traffic (`istio.io/waypoint-for`). */
  | { state: 'wrong-traffic'; ref: WaypointRef; waypoint: Waypoint }
  /** The waypoint is in another namespace and its HBONE listener admits only its own (`allowedRoutes`). */
  | { state: 'denied'; ref: WaypointRef; waypoint: Waypoint }
  /** `istio.io/use-waypoint: none` on the object itself. */
  | { state: 'opted-out'; on: ResourceRecord }
  /** No label on the object nor its namespace. */
  | { state: 'none' };

function useWaypoint(record: ResourceRecord, fallbackNamespace: string): WaypointRef | 'none' | undefined {
  const labels = labelsOf(record);
  const name = labels[AMBIENT_LABELS.useWaypoint];
  if (name === undefined) return undefined;
  // Istio reserves `none`: a waypoint of that name cannot be used.
  if (name === 'none') return 'none';
  return { name, namespace: labels[AMBIENT_LABELS.useWaypointNamespace] ?? fallbackNamespace, on: record };
}

/** The namespaces a waypoint's HBONE listener admits (`allowedRoutes.namespaces.from`, `Same` by default). */
function admits(index: ConfigIndex, waypoint: Waypoint, namespace: string): boolean {
  if (waypoint.namespace === namespace || !waypoint.gateway) return true;
  const listeners = asArray(asRecord(waypoint.gateway.object.spec)?.listeners).map(asRecord);
  const hbone = listeners.find((l) => asString(l?.protocol) === 'HBONE' && l?.port === 15008);
  const from = asString(asRecord(asRecord(hbone?.allowedRoutes)?.namespaces)?.from) ?? 'Same';
  if (from === 'All') return true;
  if (from !== 'Selector') return false;
  const selector = asRecord(asRecord(asRecord(hbone?.allowedRoutes)?.namespaces)?.selector);
  const ns = index.namespace(namespace);
  return ns !== undefined && selectorMatches(stringMap(selector?.matchLabels), labelsOf(ns));
}

function resolveRef(index: ConfigIndex, ref: WaypointRef, objectNamespace: string, traffic: 'service' | 'workload'): WaypointBinding {
  const waypoint = findWaypoint(index, ref.namespace, ref.name);
  if (!waypoint) {
    const other = index.ofKind('KubernetesGateway').find((g) => index.namespaceOf(g) === ref.namespace && g.object.metadata.name === ref.name);
    if (other) return { state: 'missing', ref, notWaypoint: other };
    return gatewayProvablyAbsent(index, ref.namespace, ref.name) ? { state: 'missing', ref } : { state: 'unknown', ref };
  }
  if (!admits(index, waypoint, objectNamespace)) return { state: 'denied', ref, waypoint };
  if (waypoint.trafficType !== traffic && waypoint.trafficType !== 'all') return { state: 'wrong-traffic', ref, waypoint };
  return { state: 'bound', ref, waypoint };
}

/**
 * The waypoint an object's traffic goes through, as istiod decides it (`fetchWaypointForTarget`):
 * the object's own label first (`none` opts out; a name that does not resolve gives no waypoint,
 * without falling back to the namespace's), else its namespace's label.
 */
function bindingOf(index: ConfigIndex, record: ResourceRecord, traffic: 'service' | 'workload'): WaypointBinding {
  const namespace = index.namespaceOf(record);
  const own = useWaypoint(record, namespace);
  if (own === 'none') return { state: 'opted-out', on: record };
  if (own) return resolveRef(index, own, namespace, traffic);
  const ns = index.namespace(namespace);
  const inherited = ns ? useWaypoint(ns, namespace) : undefined;
  // `none` on a namespace means no waypoint, as no label does.
  if (!inherited || inherited === 'none') return { state: 'none' };
  return resolveRef(index, inherited, namespace, traffic);
}

/** The waypoint of traffic addressed to a Service (a waypoint itself has none). */
export function serviceWaypoint(index: ConfigIndex, service: ResourceRecord): WaypointBinding {
  if (labelsOf(service)[AMBIENT_LABELS.managed] === MESH_CONTROLLER) return { state: 'none' };
  return bindingOf(index, service, 'service');
}

/** The waypoint of traffic addressed to a pod's own IP. */
export function workloadWaypoint(index: ConfigIndex, pod: ResourceRecord): WaypointBinding {
  return bindingOf(index, pod, 'workload');
}

/** The waypoint a namespace's label enrolls it to (what a Service without a label of its own inherits). */
export function namespaceWaypoint(index: ConfigIndex, namespace: string): WaypointBinding {
  const ns = index.namespace(namespace);
  const ref = ns ? useWaypoint(ns, namespace) : undefined;
  if (!ref || ref === 'none') return { state: 'none' };
  return resolveRef(index, ref, namespace, 'service');
}

/** An attribute of an AuthorizationPolicy that ztunnel cannot evaluate, with its JSON pointer in the object. */
export interface L7Attribute {
  attribute: string;
  pointer: string;
  value: unknown;
}

/** What ztunnel enforces (`authorization.go` `l4WhenAttributes`); every other `when` key is an HTTP attribute. */
export const L4_CONDITION_KEYS: readonly string[] = ['source.ip', 'source.namespace', 'source.principal', 'destination.ip', 'destination.port'];
const HTTP_OPERATION_FIELDS = ['hosts', 'notHosts', 'methods', 'notMethods', 'paths', 'notPaths'];
const HTTP_SOURCE_FIELDS = ['remoteIpBlocks', 'notRemoteIpBlocks', 'requestPrincipals', 'notRequestPrincipals'];

/**
 * The HTTP attributes of a policy's rules, as istiod lists them when it converts the policy for ztunnel:
 * `to.operation` hosts, methods, paths (and their `not` forms; ports are L4), `from.source`
 * requestPrincipals and remoteIpBlocks, and `when` keys other than the five L4 ones.
 */
export function l7Attributes(policy: ResourceRecord): L7Attribute[] {
  const found: L7Attribute[] = [];
  asArray(asRecord(policy.object.spec)?.rules).forEach((rule, r) => {
    const base = `/spec/rules/${r}`;
    asArray(asRecord(rule)?.to).forEach((to, t) => {
      const operation = asRecord(asRecord(to)?.operation);
      for (const field of HTTP_OPERATION_FIELDS)
        if (asArray(operation?.[field]).length > 0) found.push({ attribute: `to.operation.${field}`, pointer: `${base}/to/${t}/operation/${field}`, value: operation![field] });
    });
    asArray(asRecord(rule)?.from).forEach((from, f) => {
      const source = asRecord(asRecord(from)?.source);
      for (const field of HTTP_SOURCE_FIELDS)
        if (asArray(source?.[field]).length > 0) found.push({ attribute: `from.source.${field}`, pointer: `${base}/from/${f}/source/${field}`, value: source![field] });
    });
    asArray(asRecord(rule)?.when).forEach((when, w) => {
      const key = asString(asRecord(when)?.key);
      if (key !== undefined && !L4_CONDITION_KEYS.includes(key)) found.push({ attribute: `when ${key}`, pointer: `${base}/when/${w}/key`, value: key });
    });
  });
  return found;
}

export interface TargetRef {
  kind: string;
  group: string;
  name: string;
  namespace: string;
  pointer: string;
}

/** A policy's `targetRefs` (and the older single `targetRef`), namespaces defaulted to the policy's. */
export function targetRefsOf(index: ConfigIndex, policy: ResourceRecord): TargetRef[] {
  const spec = asRecord(policy.object.spec);
  const namespace = index.namespaceOf(policy);
  const refs = asArray(spec?.targetRefs).map((r, i) => ({ ref: asRecord(r), pointer: `/spec/targetRefs/${i}` }));
  const single = asRecord(spec?.targetRef);
  if (single) refs.push({ ref: single, pointer: '/spec/targetRef' });
  return refs.flatMap(({ ref, pointer }) => {
    const kind = asString(ref?.kind);
    const name = asString(ref?.name);
    if (!kind || !name) return [];
    return [{ kind, group: asString(ref?.group) ?? '', name, namespace: asString(ref?.namespace) || namespace, pointer }];
  });
}

export type PolicyEnforcement =
  /** Sent to ztunnel (a `selector`, or none: namespace-wide, mesh-wide in the root namespace). */
  | { by: 'ztunnel'; scope: 'workload' | 'namespace' | 'mesh' }
  /** Attached with `targetRefs`: only a waypoint (or a gateway) enforces it. */
  | { by: 'waypoint'; targets: TargetRef[] }
  /** Enforced by no proxy of its own: a dry run, or AUDIT (logging only). */
  | { by: 'none' };

/**
 * Where Istio enforces an AuthorizationPolicy in ambient mode (https://istio.io/latest/docs/ambient/usage/l4-policy/):
 * `targetRefs` go to waypoints (istiod never sends them to ztunnel), everything else to the destination's
 * ztunnel. CUSTOM counts as sent to ztunnel, which does not support it and enforces nothing of it.
 */
export function policyEnforcement(index: ConfigIndex, policy: ResourceRecord): PolicyEnforcement {
  if (annotationsOf(policy)[DRY_RUN_ANNOTATION] === 'true') return { by: 'none' };
  const spec = asRecord(policy.object.spec);
  if (asString(spec?.action) === 'AUDIT') return { by: 'none' };
  const targets = targetRefsOf(index, policy);
  if (targets.length > 0) return { by: 'waypoint', targets };
  if (asRecord(spec?.selector)) return { by: 'ztunnel', scope: 'workload' };
  return { by: 'ztunnel', scope: index.namespaceOf(policy) === index.mesh.rootNamespace ? 'mesh' : 'namespace' };
}

/**
 * The namespaces whose ambient workloads a ztunnel-enforced policy applies to, each with the ambient
 * pods it selects there (empty when the bundle lists no pods of the namespace but labels it `ambient`).
 */
export function ambientScopeOfPolicy(index: ConfigIndex, policy: ResourceRecord): Map<string, ResourceRecord[]> {
  const namespace = index.namespaceOf(policy);
  const mesh = namespace === index.mesh.rootNamespace;
  const selector = asRecord(asRecord(policy.object.spec)?.selector);
  const matchLabels = stringMap(selector?.matchLabels);
  const scope = new Map<string, ResourceRecord[]>();
  for (const pod of index.pods()) {
    const ns = index.namespaceOf(pod);
    if (!mesh && ns !== namespace) continue;
    if (selector && !selectorMatches(matchLabels, labelsOf(pod))) continue;
    if (!podIsAmbient(index, pod)) continue;
    scope.set(ns, [...(scope.get(ns) ?? []), pod]);
  }
  if (!mesh && !scope.has(namespace) && podsIn(index, namespace).length === 0 && namespaceIsAmbient(index, namespace) === true) scope.set(namespace, []);
  return new Map([...scope].sort(([a], [b]) => compareText(a, b)));
}

/** The Services of a namespace that select some of these pods, or, with no pods listed, whose selector the labels satisfy. */
export function servicesSelecting(index: ConfigIndex, namespace: string, pods: readonly ResourceRecord[], matchLabels: Record<string, string>): ResourceRecord[] {
  return index
    .ofKind('Service')
    .filter((s) => index.namespaceOf(s) === namespace)
    .filter((s) => {
      const selector = stringMap(asRecord(s.object.spec)?.selector);
      if (Object.keys(selector).length === 0 || labelsOf(s)[AMBIENT_LABELS.managed] !== undefined) return false;
      if (pods.length > 0) return pods.some((p) => selectorMatches(selector, labelsOf(p)));
      return Object.keys(matchLabels).length > 0 && selectorMatches(matchLabels, selector);
    })
    .sort((a, b) => compareText(a.object.metadata.name, b.object.metadata.name));
}

/** The namespaces and Services enrolled to a waypoint (their `istio.io/use-waypoint` resolving to it). */
export function usersOfWaypoint(index: ConfigIndex, waypoint: Waypoint): ResourceRecord[] {
  const named = (record: ResourceRecord, fallback: string) => {
    const ref = useWaypoint(record, fallback);
    return ref !== undefined && ref !== 'none' && ref.name === waypoint.name && ref.namespace === waypoint.namespace;
  };
  const namespaces = index.ofKind('Namespace').filter((n) => named(n, n.object.metadata.name));
  const services = index.ofKind('Service').filter((s) => named(s, index.namespaceOf(s)));
  return [...namespaces, ...services];
}
