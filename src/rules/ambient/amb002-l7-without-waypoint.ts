import {
  AMBIENT_LABELS,
  GATEWAY_API_GROUP,
  WAYPOINT_GATEWAY_CLASS,
  ambientScopeOfPolicy,
  gatewayProvablyAbsent,
  l7Attributes,
  namespaceIsAmbient,
  namespaceWaypoint,
  podIsAmbient,
  policyEnforcement,
  serviceIsAmbient,
  serviceWaypoint,
  servicesSelecting,
  waypoints,
  type L7Attribute,
  type Waypoint,
  type WaypointBinding,
} from '../../analysis/ambient.js';
import type { ConfigIndex } from '../../analysis/config-index.js';
import { asArray, asRecord, asString, stringMap } from '../../analysis/object-access.js';
import type { ResourceRecord } from '../../model/facets.js';
import { compareText } from '../../order.js';
import { evidenceAt, namedList, plural } from '../evidence.js';
import { documentYaml } from '../fix-yaml.js';
import { defineRule, type Evidence, type RuleContext, type Severity, type Subject } from '../rule.js';
import { shell } from '../shell.js';

/**
 * The documented behaviour this rule relies on (https://istio.io/latest/docs/ambient/usage/l4-policy/,
 * "Policies with Layer 7 conditions"; istiod `pilot/pkg/serviceregistry/kube/controller/ambient/authorization.go`):
 * a policy enforced by ztunnel (a `selector`, or none) "will fail safe by becoming a DENY policy" —
 * in an ALLOW policy every rule with an HTTP attribute is dropped, so it allows nothing of what those
 * rules name; a DENY policy is enforced without its HTTP conditions; CUSTOM is not supported. A policy
 * attached with `targetRefs` is never sent to ztunnel: only a waypoint enforces it, and with none
 * nothing does (istiod's `WaypointAccepted` condition is False). Routes (VirtualService, HTTPRoute with
 * a Service parent) take effect in the Service's waypoint; ztunnel does not route
 * (https://istio.io/latest/docs/ambient/usage/l7-features/).
 */
export const amb002 = defineRule({
  id: 'AMB002',
  slug: 'l7-without-waypoint',
  title: 'an ambient namespace or Service has L7 policy or routes but no waypoint to enforce them',
  severity: 'high',
  step: 'ambient',
  inputs: { required: ['k8s.resources'], optional: ['kubectl.pods'], views: ['configuration'] },
  description:
    'For every namespace or Service in ambient mode (`istio.io/dataplane-mode=ambient` on the Namespace or its pods, istio-cni\'s redirection annotation), the L7 ' +
    'configuration that needs a waypoint: AuthorizationPolicies with HTTP attributes (`to.operation` hosts, methods, paths; `from.source` requestPrincipals, ' +
    'remoteIpBlocks; `when` keys other than source.ip, source.namespace, source.principal, destination.ip, destination.port) or the CUSTOM action, policies attached ' +
    'with `targetRefs` to a Service or waypoint Gateway, mesh VirtualServices for its hosts, HTTPRoutes and GRPCRoutes whose parent is the Service. The waypoint is ' +
    'resolved as istiod does: `istio.io/use-waypoint` on the Service, else on its Namespace (`none` opts out; `istio.io/use-waypoint-namespace`), naming a Gateway of ' +
    'class `istio-waypoint` (its pods labelled `gateway.istio.io/managed=istio.io-mesh-controller`; `istio.io-waypoint`, which Istio never sets, is accepted too) ' +
    'that takes Service traffic (`istio.io/waypoint-for`). One finding per namespace or Service without a waypoint, naming each policy and route; one per ' +
    'policy that selects pods while a waypoint is there (ztunnel still enforces it). A label that names a Gateway the bundle may simply not hold is not reported.',
  rationale:
    'ztunnel enforces L4 only. An AuthorizationPolicy with HTTP rules that ztunnel must enforce fails safe: an ALLOW drops those rules and refuses the callers they ' +
    'were written for, a DENY is applied without its HTTP conditions. A policy attached to a waypoint that does not exist is enforced by nothing, and routes for an ' +
    'ambient Service without waypoint are ignored for ambient clients: canary weights, retries, timeouts and fault injection silently do not happen.',
  remediation:
    'Deploy a waypoint and enroll the namespace (`istioctl waypoint apply -n <namespace> --enroll-namespace --wait`, or a Gateway of class `istio-waypoint` and the ' +
    'label `istio.io/use-waypoint=<name>` on the Namespace or Service); attach L7 AuthorizationPolicies to it with `targetRefs` (kind Service or Gateway) instead of ' +
    '`selector`. The fix YAML has the Gateway and each policy rewritten.',
  threshold: {
    value: 'any L7 policy or route without a waypoint: high with an AuthorizationPolicy among them, medium for routes only; a selector policy with HTTP rules behind a waypoint high',
    source: 'rule catalogue AMB002; Istio docs: ambient L4 policy ("Policies with Layer 7 conditions"), waypoints, L7 features',
  },
  docs: ['https://istio.io/latest/docs/ambient/usage/l4-policy/', 'https://istio.io/latest/docs/ambient/usage/waypoint/', 'https://istio.io/latest/docs/ambient/usage/l7-features/'],
  check(inputs, context) {
    const { index } = inputs.configuration;
    const groups = new Map<string, Group>();
    const add = (group: Omit<Group, 'items'>, item: Item) => {
      const existing = groups.get(group.key) ?? { ...group, items: [] };
      existing.items.push(item);
      groups.set(group.key, existing);
    };
    for (const policy of index.ofKind('AuthorizationPolicy')) checkPolicy(index, policy, add, context);
    for (const vs of index.ofKind('VirtualService')) checkVirtualService(index, vs, add);
    for (const route of [...index.ofKind('HTTPRoute'), ...index.ofKind('GRPCRoute')]) checkRoute(index, route, add);
    for (const group of [...groups.values()].sort((a, b) => compareText(a.key, b.key))) reportGroup(index, group, context);
  },
});

/** One L7 policy or route that needs a waypoint, and what happens to it without one. */
interface Item {
  resource: ResourceRecord;
  policy: boolean;
  /** What it does without a waypoint, one sentence. */
  sentence: string;
  evidence: Evidence[];
  /** A ztunnel-enforced policy: its rewrite for the waypoint, given the waypoint's name. */
  rewrite?: (waypoint: string) => string;
  /** A policy attached to a Gateway of this name: the waypoint it expects. */
  expects?: string;
}

/** Where the enrollment must change: a namespace, or a Service with a label of its own. */
interface Group {
  key: string;
  subject: Subject;
  namespace: string;
  service?: ResourceRecord;
  binding: WaypointBinding;
  items: Item[];
}

type Add = (group: Omit<Group, 'items'>, item: Item) => void;

const name = (index: ConfigIndex, record: ResourceRecord) => `${index.namespaceOf(record)}/${record.object.metadata.name}`;
const at = (record: ResourceRecord, pointer: string, text?: string) => evidenceAt({ ...record.source, pointer: `${record.source.pointer ?? ''}${pointer}` }, text);
const actionOf = (policy: ResourceRecord) => asString(asRecord(policy.object.spec)?.action) ?? 'ALLOW';

/** The group a Service's missing waypoint belongs to: the Service when its own label decides, else its namespace. */
function serviceGroup(index: ConfigIndex, service: ResourceRecord, binding: WaypointBinding): Omit<Group, 'items'> {
  const namespace = index.namespaceOf(service);
  const own = (binding.state === 'opted-out' && binding.on === service) || ('ref' in binding && binding.ref.on === service);
  if (own) return { key: `service|${namespace}|${service.object.metadata.name}`, subject: { kind: 'Service', namespace, name: service.object.metadata.name }, namespace, service, binding };
  return namespaceGroup(namespace, binding);
}

function namespaceGroup(namespace: string, binding: WaypointBinding): Omit<Group, 'items'> {
  return { key: `namespace|${namespace}`, subject: { kind: 'Namespace', name: namespace }, namespace, binding };
}

/** Bound, or a label naming a waypoint the bundle cannot rule out: a waypoint carries the traffic. */
const served = (binding: WaypointBinding) => binding.state === 'bound' || binding.state === 'unknown';

/** Status conditions istiod writes on an AuthorizationPolicy in an ambient mesh, as evidence. */
function policyStatus(policy: ResourceRecord, types: readonly string[]): Evidence[] {
  return asArray(asRecord(policy.object.status)?.conditions).flatMap((c, i) => {
    const condition = asRecord(c);
    const type = asString(condition?.type);
    if (!type || !types.includes(type)) return [];
    return [at(policy, `/status/conditions/${i}`, `${type}: ${asString(condition?.status)} (${asString(condition?.reason) ?? ''}) ${asString(condition?.message) ?? ''}`.trim())];
  });
}

function attributeList(attributes: readonly L7Attribute[]): string {
  const names = [...new Set(attributes.map((a) => `\`${a.attribute}\``))];
  return names.slice(0, 4).join(', ') + (names.length > 4 ? ', …' : '');
}

function selectorText(policy: ResourceRecord): string {
  const labels = stringMap(asRecord(asRecord(policy.object.spec)?.selector)?.matchLabels);
  const pairs = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
  return pairs.length > 0 ? `selector \`${pairs.join(',')}\`` : 'a selector';
}

/** What ztunnel makes of a policy it cannot fully enforce, per istiod's conversion for ztunnel. */
function ztunnelEffect(policy: ResourceRecord, attributes: readonly L7Attribute[]): string {
  const action = actionOf(policy);
  if (action === 'CUSTOM') return 'ztunnel does not support the CUSTOM action: the external authorizer is never asked, and nothing it would refuse is refused';
  const rules = asArray(asRecord(policy.object.spec)?.rules);
  const withHttp = new Set(attributes.map((a) => a.pointer.split('/')[3]));
  if (action === 'DENY') {
    return `ztunnel enforces it without its HTTP conditions (istiod: "DENY policy with HTTP attributes is enforced without the HTTP rules"): it refuses every connection the rest of ${withHttp.size === 1 ? 'that rule' : 'those rules'} matches, not only the requests the HTTP conditions name`;
  }
  const all = withHttp.size === rules.length;
  return (
    `istiod drops ${all ? (rules.length === 1 ? 'its only rule' : `all ${rules.length} of its rules`) : `${plural(withHttp.size, 'rule')} of ${rules.length}`} for ztunnel ("Within an ALLOW policy, rules matching HTTP attributes are omitted"), ` +
    (all ? 'so it allows nothing: unless another ALLOW policy admits them, every connection to the workloads it selects is refused, the callers it was written for included' : 'so the callers only those rules allow are refused at the connection')
  );
}

function policyScope(index: ConfigIndex, policy: ResourceRecord): string {
  const enforcement = policyEnforcement(index, policy);
  if (enforcement.by !== 'ztunnel') return '';
  return enforcement.scope === 'workload' ? selectorText(policy) : enforcement.scope === 'mesh' ? 'mesh-wide, no selector' : 'namespace-wide, no selector';
}

/** The policy as a waypoint enforces it: `targetRefs` to the Services of the pods it selected, or to the waypoint. */
function rewriteForWaypoint(index: ConfigIndex, policy: ResourceRecord, namespace: string, pods: readonly ResourceRecord[], waypoint: string): string {
  const spec = { ...(asRecord(policy.object.spec) ?? {}) };
  const matchLabels = stringMap(asRecord(spec.selector)?.matchLabels);
  const scope = policyEnforcement(index, policy);
  delete spec.selector;
  const services = asRecord(asRecord(policy.object.spec)?.selector) ? servicesSelecting(index, namespace, pods, matchLabels) : [];
  const targetRefs =
    scope.by === 'ztunnel' && scope.scope === 'mesh'
      ? [{ kind: 'GatewayClass', group: GATEWAY_API_GROUP, name: WAYPOINT_GATEWAY_CLASS }]
      : services.length > 0
        ? services.map((s) => ({ kind: 'Service', group: '', name: s.object.metadata.name }))
        : [{ kind: 'Gateway', group: GATEWAY_API_GROUP, name: waypoint }];
  const on = targetRefs[0]!.kind === 'Service' ? `Service ${targetRefs.map((t) => t.name).join(', ')}` : targetRefs[0]!.kind === 'GatewayClass' ? 'every waypoint' : `waypoint ${waypoint}`;
  return documentYaml(
    { apiVersion: policy.object.apiVersion, kind: 'AuthorizationPolicy', metadata: { name: policy.object.metadata.name, namespace: index.namespaceOf(policy) }, spec: { targetRefs, ...spec } },
    `AuthorizationPolicy ${name(index, policy)}, enforced by the waypoint (${on}): \`targetRefs\` instead of \`selector\`, rules unchanged`,
  );
}

function checkPolicy(index: ConfigIndex, policy: ResourceRecord, add: Add, context: RuleContext): void {
  const enforcement = policyEnforcement(index, policy);
  if (enforcement.by === 'none') return;
  const action = actionOf(policy);
  if (enforcement.by === 'ztunnel') {
    const attributes = l7Attributes(policy);
    if (attributes.length === 0 && action !== 'CUSTOM') return;
    const evidence = [
      ...(attributes.length > 0 ? [at(policy, attributes[0]!.pointer, `${attributes[0]!.attribute}: ${JSON.stringify(attributes[0]!.value)}`)] : [at(policy, '/spec/action', 'action: CUSTOM')]),
      ...policyStatus(policy, ['ZtunnelAccepted']),
    ];
    for (const [namespace, pods] of ambientScopeOfPolicy(index, policy)) {
      const services = servicesSelecting(index, namespace, pods, stringMap(asRecord(asRecord(policy.object.spec)?.selector)?.matchLabels));
      const bindings = [namespaceWaypoint(index, namespace), ...services.map((s) => serviceWaypoint(index, s))];
      const whom = services.length > 0 ? `, the pods of Service ${services.slice(0, 3).map((s) => `\`${s.object.metadata.name}\``).join(', ')}${services.length > 3 ? ', …' : ''}` : '';
      const sentence =
        `AuthorizationPolicy \`${name(index, policy)}\` (${action}, ${policyScope(index, policy)}${whom}${namespace !== index.namespaceOf(policy) ? ` in \`${namespace}\`` : ''}) ` +
        `${attributes.length > 0 ? `matches HTTP attributes (${attributeList(attributes)})` : 'asks an external authorizer'} and is enforced by the destination's ztunnel: ${ztunnelEffect(policy, attributes)}.`;
      const rewrite = (waypoint: string) => rewriteForWaypoint(index, policy, namespace, pods, waypoint);
      const waypoint = bindings.find(served);
      if (waypoint) reportBehindWaypoint(index, policy, namespace, waypoint, sentence, evidence, rewrite, context);
      else add(namespaceGroup(namespace, bindings[0]!), { resource: policy, policy: true, sentence, evidence, rewrite });
    }
    return;
  }
  for (const target of enforcement.targets) {
    const evidence = [at(policy, target.pointer, `targetRefs: ${target.kind} ${target.name}`), ...policyStatus(policy, ['WaypointAccepted'])];
    const effect = action === 'DENY' ? 'the requests it should deny get through' : action === 'ALLOW' ? 'the callers it should limit are not limited' : 'it has no effect';
    if (target.kind === 'Service' && (target.group === '' || target.group === 'core')) {
      const service = index.ofKind('Service').find((s) => index.namespaceOf(s) === target.namespace && s.object.metadata.name === target.name);
      if (!service || !serviceIsAmbient(index, service)) continue;
      const binding = serviceWaypoint(index, service);
      if (served(binding)) continue;
      add(serviceGroup(index, service, binding), {
        resource: policy,
        policy: true,
        sentence: `AuthorizationPolicy \`${name(index, policy)}\` (${action}) is attached to Service \`${target.name}\` (\`targetRefs\`): only that Service's waypoint enforces it, and there is none, so nothing does (istiod: \`WaypointAccepted: False\`): ${effect}.`,
        evidence,
      });
    } else if (target.kind === 'Gateway' && target.group === GATEWAY_API_GROUP) {
      if (!ambientNamespace(index, target.namespace) || waypoints(index).some((w) => w.namespace === target.namespace && w.name === target.name)) continue;
      // A Gateway of another class is an ingress or egress gateway the policy is meant for.
      if (!gatewayProvablyAbsent(index, target.namespace, target.name)) continue;
      const sentence = `AuthorizationPolicy \`${name(index, policy)}\` (${action}) is attached to Gateway \`${target.name}\` (\`targetRefs\`), which does not exist: nothing enforces it, ${effect}.`;
      const binding = namespaceWaypoint(index, target.namespace);
      if (served(binding)) reportBehindWaypoint(index, policy, target.namespace, binding, sentence, evidence, undefined, context, target.name);
      else add(namespaceGroup(target.namespace, binding), { resource: policy, policy: true, sentence, evidence, expects: target.name });
    }
  }
}

/** The namespace's workloads are ambient: its label, or one of its pods. */
function ambientNamespace(index: ConfigIndex, namespace: string): boolean {
  return namespaceIsAmbient(index, namespace) === true || index.pods().some((p) => index.namespaceOf(p) === namespace && podIsAmbient(index, p));
}

function checkVirtualService(index: ConfigIndex, vs: ResourceRecord, add: Add): void {
  const spec = asRecord(vs.object.spec);
  const gateways = asArray(spec?.gateways).map(asString);
  if (gateways.length > 0 && !gateways.includes('mesh')) return;
  const exportTo = asArray(spec?.exportTo).map(asString).filter((e): e is string => e !== undefined);
  const seen = new Set<ResourceRecord>();
  asArray(spec?.hosts).forEach((h, i) => {
    const host = asString(h);
    if (!host) return;
    const known = index.resolveHost(host, index.namespaceOf(vs), exportTo);
    const service = known?.kind === 'Service' ? known.record : undefined;
    if (!service || seen.has(service) || !serviceIsAmbient(index, service)) return;
    seen.add(service);
    const binding = serviceWaypoint(index, service);
    if (served(binding)) return;
    add(serviceGroup(index, service, binding), {
      resource: vs,
      policy: false,
      sentence:
        `VirtualService \`${name(index, vs)}\` routes \`${host}\` (Service \`${name(index, service)}\`): without a waypoint, ztunnel carries ambient clients' connections straight to the Service's pods, ` +
        'so none of its routes apply to them (subsets, weights, retries, timeouts, fault injection); only sidecars and gateways apply it.',
      evidence: [at(vs, `/spec/hosts/${i}`, host)],
    });
  });
}

function checkRoute(index: ConfigIndex, route: ResourceRecord, add: Add): void {
  asArray(asRecord(route.object.spec)?.parentRefs).forEach((p, i) => {
    const parent = asRecord(p);
    const group = asString(parent?.group) ?? GATEWAY_API_GROUP;
    if (asString(parent?.kind) !== 'Service' || (group !== '' && group !== 'core')) return;
    const namespace = asString(parent?.namespace) || index.namespaceOf(route);
    const service = index.ofKind('Service').find((s) => index.namespaceOf(s) === namespace && s.object.metadata.name === asString(parent?.name));
    if (!service || !serviceIsAmbient(index, service)) return;
    const binding = serviceWaypoint(index, service);
    if (served(binding)) return;
    add(serviceGroup(index, service, binding), {
      resource: route,
      policy: false,
      sentence: `${route.object.kind} \`${name(index, route)}\` has Service \`${name(index, service)}\` as its parent: a route attached to a Service takes effect in that Service's waypoint, and there is none, so ambient clients' requests ignore it.`,
      evidence: [at(route, `/spec/parentRefs/${i}`, `parentRefs: Service ${service.object.metadata.name}`)],
    });
  });
}

const WAYPOINT_PODS = (namespace: string) =>
  `${shell`kubectl get pods -n ${namespace} -l gateway.istio.io/managed=istio.io-mesh-controller`}   # the waypoint's pods: Istio labels them istio.io-mesh-controller, never istio.io-waypoint`;

function waypointGateway(namespace: string, waypoint: string): string {
  return documentYaml({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { labels: { [AMBIENT_LABELS.waypointFor]: 'service' }, name: waypoint, namespace },
    spec: { gatewayClassName: WAYPOINT_GATEWAY_CLASS, listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }] },
  });
}

/** The waypoint of the namespace that has one but enrolls nothing to it. */
function idleWaypoint(index: ConfigIndex, namespace: string): Waypoint | undefined {
  return waypoints(index).find((w) => w.namespace === namespace && w.trafficType !== 'workload' && w.trafficType !== 'none');
}

interface Fix {
  why: string;
  waypoint: string;
  /** Where the waypoint is (or will be). */
  waypointNamespace: string;
  commands: string[];
  yaml: string[];
  remediation: string;
}

/** Why the group has no waypoint, and the change that gives it one. */
function fixFor(index: ConfigIndex, group: Group): Fix {
  const { namespace, binding } = group;
  const expected = group.items.map((i) => i.expects).find((e) => e !== undefined);
  const enroll = (waypoint: string) => (waypoint === 'waypoint' ? shell`istioctl waypoint apply -n ${namespace} --enroll-namespace --wait` : shell`istioctl waypoint apply -n ${namespace} --name ${waypoint} --enroll-namespace --wait`);
  const applyComment = (command: string, then?: string) => `# ${command}${then ? `\n# ${then}` : ''}`;
  switch (binding.state) {
    case 'missing': {
      const { ref } = binding;
      const on = ref.on.object.kind === 'Namespace' ? `\`${namespace}\` is labelled` : `Service \`${name(index, ref.on)}\` is labelled`;
      const home = ref.on.object.kind === 'Namespace' ? ref.on.object.metadata.name : index.namespaceOf(ref.on);
      const where = ref.namespace !== home ? ` (\`${AMBIENT_LABELS.useWaypointNamespace}=${ref.namespace}\`)` : '';
      if (binding.notWaypoint) {
        const cls = asString(asRecord(binding.notWaypoint.object.spec)?.gatewayClassName) ?? '?';
        const relabel = ref.on.object.kind === 'Namespace' ? shell`kubectl label namespace ${namespace} istio.io/use-waypoint=waypoint --overwrite` : shell`kubectl label service ${ref.on.object.metadata.name} -n ${namespace} istio.io/use-waypoint=waypoint --overwrite`;
        const create = shell`istioctl waypoint apply -n ${ref.namespace} --wait`;
        return {
          why: `${on} \`${AMBIENT_LABELS.useWaypoint}=${ref.name}\`${where}, but Gateway \`${ref.namespace}/${ref.name}\` is of class \`${cls}\`, not a waypoint (class \`${WAYPOINT_GATEWAY_CLASS}\`): istiod gives it no waypoint.`,
          waypoint: 'waypoint',
          waypointNamespace: ref.namespace,
          commands: [create, relabel],
          yaml: [`${applyComment(create, `then: ${relabel}`)}\n${waypointGateway(ref.namespace, 'waypoint')}`],
          remediation: `Create a waypoint (a Gateway of class \`${WAYPOINT_GATEWAY_CLASS}\`, not the \`${cls}\` Gateway \`${ref.name}\`) and point the label at it.`,
        };
      }
      const create = shell`istioctl waypoint apply -n ${ref.namespace} --name ${ref.name} --wait`;
      return {
        why: `${on} \`${AMBIENT_LABELS.useWaypoint}=${ref.name}\`${where}, but no waypoint \`${ref.name}\` exists in \`${ref.namespace}\` (no Gateway, no pod of it): istiod then gives it no waypoint at all, and does not fall back to another.`,
        waypoint: ref.name,
        waypointNamespace: ref.namespace,
        commands: [create],
        yaml: [`${applyComment(create, 'creates the waypoint the label already names')}\n${waypointGateway(ref.namespace, ref.name)}`],
        remediation: `Create the waypoint the label names (\`${ref.name}\` in \`${ref.namespace}\`), or correct the label to the name of an existing waypoint.`,
      };
    }
    case 'wrong-traffic': {
      const { waypoint, ref } = binding;
      const command = shell`kubectl label gateway ${waypoint.name} -n ${waypoint.namespace} istio.io/waypoint-for=all --overwrite`;
      return {
        why: `It uses waypoint \`${waypoint.namespace}/${waypoint.name}\` (\`${AMBIENT_LABELS.useWaypoint}=${ref.name}\`), but that waypoint is labelled \`${AMBIENT_LABELS.waypointFor}: ${waypoint.trafficType}\`: it takes ${waypoint.trafficType === 'none' ? 'no traffic' : 'only traffic addressed to pods'}, not traffic to Services.`,
        waypoint: waypoint.name,
        waypointNamespace: waypoint.namespace,
        commands: [command],
        yaml: [documentYaml({ metadata: { labels: { [AMBIENT_LABELS.waypointFor]: 'all' } } }, `Gateway ${waypoint.namespace}/${waypoint.name}: take Service traffic too (\`service\` alone would drop the pod traffic it takes now)`)],
        remediation: `Let waypoint \`${waypoint.name}\` take Service traffic (\`${AMBIENT_LABELS.waypointFor}: all\` or \`service\`).`,
      };
    }
    case 'denied': {
      const { waypoint } = binding;
      const listeners = asArray(asRecord(waypoint.gateway?.object.spec)?.listeners).map(asRecord);
      const listener = Math.max(0, listeners.findIndex((l) => asString(l?.protocol) === 'HBONE'));
      const patch = JSON.stringify([{ op: 'add', path: `/spec/listeners/${listener}/allowedRoutes`, value: { namespaces: { from: 'All' } } }]);
      const command = shell`kubectl patch gateway ${waypoint.name} -n ${waypoint.namespace} --type json -p ${patch}`;
      return {
        why: `It uses waypoint \`${waypoint.namespace}/${waypoint.name}\` of another namespace, whose HBONE listener admits only its own namespace (\`allowedRoutes.namespaces.from\` is \`Same\` unless set): istiod refuses the attachment.`,
        waypoint: waypoint.name,
        waypointNamespace: waypoint.namespace,
        commands: [command],
        yaml: [documentYaml({ allowedRoutes: { namespaces: { from: 'All' } } }, `Gateway ${waypoint.namespace}/${waypoint.name}: spec.listeners[${listener}] (HBONE, port 15008)`)],
        remediation: `Let waypoint \`${waypoint.name}\` admit \`${namespace}\` (\`allowedRoutes.namespaces.from: All\`, or a selector matching it), or give \`${namespace}\` a waypoint of its own.`,
      };
    }
    case 'opted-out': {
      const service = group.service!;
      const inherited = namespaceWaypoint(index, namespace);
      const command =
        inherited.state === 'bound'
          ? shell`kubectl label service ${service.object.metadata.name} -n ${namespace} istio.io/use-waypoint-`
          : shell`kubectl label service ${service.object.metadata.name} -n ${namespace} istio.io/use-waypoint=waypoint --overwrite`;
      const create = inherited.state === 'bound' || idleWaypoint(index, namespace) ? [] : [shell`istioctl waypoint apply -n ${namespace} --wait`];
      return {
        why: `Service \`${name(index, service)}\` opts out of waypoints (\`${AMBIENT_LABELS.useWaypoint}: none\`).`,
        waypoint: inherited.state === 'bound' ? inherited.waypoint.name : (idleWaypoint(index, namespace)?.name ?? 'waypoint'),
        waypointNamespace: inherited.state === 'bound' ? inherited.waypoint.namespace : namespace,
        commands: [...create, command],
        yaml: create.length > 0 ? [`${applyComment(create[0]!, `then: ${command}`)}\n${waypointGateway(namespace, 'waypoint')}`] : [],
        remediation: `Take the opt-out off Service \`${service.object.metadata.name}\` so its traffic goes through a waypoint, or move its L7 policy and routes away if it must stay without one.`,
      };
    }
    default: {
      const idle = idleWaypoint(index, namespace);
      const podsOnly = namespaceIsAmbient(index, namespace) !== true;
      const mode = podsOnly ? `Its pods are in ambient mode (\`${AMBIENT_LABELS.dataplaneMode}=ambient\` or captured by istio-cni)` : `\`${namespace}\` is in ambient mode (\`${AMBIENT_LABELS.dataplaneMode}=ambient\`)`;
      if (idle) {
        const command = shell`kubectl label namespace ${namespace} istio.io/use-waypoint=${idle.name}`;
        return {
          why: `${mode}, and waypoint \`${idle.name}\` exists there, but nothing is enrolled to it: a waypoint carries the traffic only of what is labelled \`${AMBIENT_LABELS.useWaypoint}=${idle.name}\`.`,
          waypoint: idle.name,
          waypointNamespace: namespace,
          commands: [command],
          yaml: [documentYaml({ metadata: { labels: { [AMBIENT_LABELS.useWaypoint]: idle.name } } }, `Namespace ${namespace}: ${command}`)],
          remediation: `Enroll \`${namespace}\` to its waypoint \`${idle.name}\`.`,
        };
      }
      const waypoint = expected ?? 'waypoint';
      const command = enroll(waypoint);
      const label = shell`kubectl label namespace ${namespace} istio.io/use-waypoint=${waypoint}`;
      return {
        why: `${mode} and no waypoint is enrolled for it (no \`${AMBIENT_LABELS.useWaypoint}\` label on the Namespace or its Services), so ztunnel alone carries its traffic, at L4.`,
        waypoint,
        waypointNamespace: namespace,
        commands: [command],
        yaml: [`${applyComment(command, `(or apply this Gateway and: ${label})`)}\n${waypointGateway(namespace, waypoint)}`],
        remediation: `Deploy a waypoint in \`${namespace}\` and enroll the namespace: \`${command}\` (the Gateway below, and the label \`${AMBIENT_LABELS.useWaypoint}=${waypoint}\` on the Namespace).`,
      };
    }
  }
}

function bindingEvidence(index: ConfigIndex, group: Group): Evidence[] {
  const labelled = (record: ResourceRecord, keys: readonly string[]) => {
    const labels = stringMap(record.object.metadata.labels);
    const shown = keys.filter((k) => labels[k] !== undefined).map((k) => `${k}: ${labels[k]}`);
    return shown.length > 0 ? [at(record, '/metadata/labels', shown.join(', '))] : [];
  };
  const keys = [AMBIENT_LABELS.dataplaneMode, AMBIENT_LABELS.useWaypoint, AMBIENT_LABELS.useWaypointNamespace];
  const evidence: Evidence[] = [];
  const ns = index.namespace(group.namespace);
  if (ns) evidence.push(...labelled(ns, keys));
  if (group.service) evidence.push(...labelled(group.service, keys));
  const binding = group.binding;
  if ('waypoint' in binding && binding.waypoint.gateway) evidence.push(...labelled(binding.waypoint.gateway, [AMBIENT_LABELS.waypointFor]), at(binding.waypoint.gateway, '/spec', `gatewayClassName: ${asString(asRecord(binding.waypoint.gateway.object.spec)?.gatewayClassName) ?? ''}`));
  if (evidence.length === 0) {
    const pod = index.pods().find((p) => index.namespaceOf(p) === group.namespace && podIsAmbient(index, p));
    if (pod) evidence.push(at(pod, '/metadata', `${pod.object.metadata.name}: in ambient mode`));
  }
  return evidence;
}

function listed(items: readonly Item[]): string {
  const names = items.map((i) => `${i.resource.object.kind} \`${i.resource.object.metadata.name}\``);
  return namedList([...new Set(names)], 3, (name) => name);
}

/** A namespace whose waypoint exists but takes nothing is not one "with no waypoint": the title says which it is. */
function noWaypointState(index: ConfigIndex, namespace: string): string {
  const idle = idleWaypoint(index, namespace);
  return idle ? `is enrolled to no waypoint (waypoint \`${idle.name}\` exists there, unused)` : 'is in ambient mode with no waypoint';
}

function reportGroup(index: ConfigIndex, group: Group, context: RuleContext): void {
  const fix = fixFor(index, group);
  const policies = group.items.filter((i) => i.policy);
  const severity: Severity = policies.length > 0 ? 'high' : 'medium';
  const who = group.subject.kind === 'Service' ? `Service \`${group.subject.namespace}/${group.subject.name}\`` : `\`${group.namespace}\``;
  const state =
    group.binding.state === 'missing'
      ? `uses waypoint \`${group.binding.ref.name}\`, which ${group.binding.notWaypoint ? 'is no waypoint' : 'does not exist'}`
      : group.binding.state === 'wrong-traffic'
        ? `uses waypoint \`${group.binding.waypoint.name}\`, which takes no Service traffic`
        : group.binding.state === 'denied'
          ? `uses waypoint \`${group.binding.waypoint.namespace}/${group.binding.waypoint.name}\`, which does not admit it`
          : group.binding.state === 'opted-out'
            ? 'opts out of waypoints'
            : noWaypointState(index, group.namespace);
  const rewrites = [...new Map(policies.filter((p) => p.rewrite).map((p) => [p.resource, p.rewrite!(fix.waypoint)] as const)).values()];
  const itemEvidence = (i: Item) => i.evidence;
  context.report({
    key: 'no-waypoint',
    severity,
    subject: group.subject,
    title: `${who} ${state}: its L7 ${policies.length === group.items.length ? 'policy is' : policies.length === 0 ? 'routes are' : 'policy and routes are'} not enforced as written (${listed(group.items)})`,
    evidence: [...bindingEvidence(index, group), ...group.items.flatMap(itemEvidence)].slice(0, 12),
    explanation: `${fix.why} ztunnel enforces L4 only; L7 rules need a waypoint. ${[...new Set(group.items.map((i) => i.sentence))].join(' ')}`,
    remediation:
      fix.remediation +
      (rewrites.length > 0 ? ' Then attach the AuthorizationPolicies that select pods to the waypoint with `targetRefs` (rewritten below): with `selector` ztunnel keeps enforcing them, waypoint or not.' : '') +
      ' Check with `istioctl waypoint status` and the policies\' status conditions (`WaypointAccepted`).',
    commands: [
      ...fix.commands,
      WAYPOINT_PODS(fix.waypointNamespace),
      shell`istioctl waypoint status -n ${group.namespace}`,
      ...[...new Set(policies.map((p) => p.resource))].slice(0, 3).map((p) => `${shell`kubectl get authorizationpolicy ${p.object.metadata.name} -n ${index.namespaceOf(p)} -o jsonpath=${'{.status.conditions}'}`}   # WaypointAccepted / ZtunnelAccepted`),
    ],
    ...(fix.yaml.length + rewrites.length > 0 ? { yaml: [...fix.yaml, ...rewrites].join('\n---\n') } : {}),
    ...(group.items.length > 1
      ? { occurrences: group.items.map((i) => ({ subject: { kind: i.resource.object.kind, namespace: index.namespaceOf(i.resource), name: i.resource.object.metadata.name }, count: 1, evidence: i.evidence[0]! })) }
      : {}),
  });
}

/** A policy ztunnel enforces although the namespace has a waypoint: it must be attached to the waypoint instead. */
function reportBehindWaypoint(
  index: ConfigIndex,
  policy: ResourceRecord,
  namespace: string,
  binding: WaypointBinding,
  sentence: string,
  evidence: Evidence[],
  rewrite: ((waypoint: string) => string) | undefined,
  context: RuleContext,
  expected?: string,
): void {
  const waypoint = binding.state === 'bound' ? binding.waypoint.name : 'ref' in binding ? binding.ref.name : 'waypoint';
  const shown = binding.state === 'bound' ? `waypoint \`${binding.waypoint.namespace}/${binding.waypoint.name}\`` : `waypoint \`${waypoint}\` (not in the bundle)`;
  const yaml = rewrite
    ? rewrite(waypoint)
    : documentYaml({ targetRefs: [{ kind: 'Gateway', group: GATEWAY_API_GROUP, name: waypoint }] }, `AuthorizationPolicy ${name(index, policy)}: spec.targetRefs (was Gateway ${expected ?? '?'})`);
  context.report({
    key: 'enforced-by-ztunnel',
    severity: 'high',
    subject: { kind: 'AuthorizationPolicy', namespace: index.namespaceOf(policy), name: policy.object.metadata.name },
    title: rewrite
      ? `AuthorizationPolicy \`${name(index, policy)}\` has HTTP rules but selects pods, so ztunnel enforces it, not ${namespace}'s waypoint \`${waypoint}\``
      : `AuthorizationPolicy \`${name(index, policy)}\` is attached to Gateway \`${expected}\`, which does not exist; ${namespace} uses waypoint \`${waypoint}\``,
    evidence: [...evidence, ...bindingEvidence(index, { key: '', subject: { kind: 'Namespace', name: namespace }, namespace, binding, items: [] })].slice(0, 8),
    explanation:
      `\`${namespace}\` uses ${shown}. ${sentence}` +
      (rewrite
        ? ' A waypoint enforces only the policies attached to it with `targetRefs`; behind a waypoint, ztunnel also sees the waypoint\'s identity, not the caller\'s, so source conditions no longer name the caller.'
        : ''),
    remediation: rewrite
      ? `Attach the policy to the waypoint with \`targetRefs\` (rewritten below: the Services of the pods it selected, or the waypoint itself) and drop \`selector\`; keep L4-only policies on \`selector\` if ztunnel should enforce them.`
      : `Point \`targetRefs\` at the waypoint \`${namespace}\` uses (\`${waypoint}\`), or at the Service the policy protects.`,
    commands: [shell`kubectl get authorizationpolicy ${policy.object.metadata.name} -n ${index.namespaceOf(policy)} -o yaml`, shell`istioctl waypoint status -n ${namespace}`],
    yaml,
  });
}
