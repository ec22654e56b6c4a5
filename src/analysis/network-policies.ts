import type { ResourceRecord } from '../model/facets.js';
import { compareText } from '../order.js';
import type { ConfigIndex } from './config-index.js';
import { asArray, asNumber, asRecord, asString, labelSelectorMatches, stringMap } from './object-access.js';

/**
 * Would the NetworkPolicies of a target pod's namespace admit a TCP connection from a client pod
 * to a port of the target? Answered from the bundle alone, after
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/ (networking.k8s.io/v1).
 */
export type IngressVerdict =
  /** No NetworkPolicy governing ingress selects the target pod: ingress is open. */
  | { verdict: 'no-policy' }
  /** `rule` is the index into the policy's `spec.ingress`. */
  | { verdict: 'allowed'; policies: ResourceRecord[]; allowedBy: { policy: ResourceRecord; rule: number }[] }
  /** Policies select the pod and no rule admits the client on the port. */
  | { verdict: 'denied'; policies: ResourceRecord[] }
  /** No rule surely admits, but one might: an ipBlock, an unknown client, uncollected namespace labels, an unresolvable named port. */
  | { verdict: 'unknown'; policies: ResourceRecord[]; why: string };

export interface IngressClient {
  namespace: string;
  labels: Record<string, string>;
}

/** Kubernetes sets this immutable label on every namespace (1.22+). */
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** Three-valued: a rule part admits, does not, or cannot be decided offline (with the reasons). */
type Outcome = 'yes' | 'no' | { unknown: string[] };

interface RuleContext {
  index: ConfigIndex;
  policy: ResourceRecord;
  /** `NetworkPolicy <ns>/<name> ingress[<i>]`, the prefix of every reason. */
  where: string;
  target: ResourceRecord;
  port: number;
  client: IngressClient | undefined;
}

export function ingressVerdict(index: ConfigIndex, target: ResourceRecord, port: number, client: IngressClient | undefined): IngressVerdict {
  const policies = policiesSelecting(index, target);
  if (policies.length === 0) return { verdict: 'no-policy' };
  const allowedBy: { policy: ResourceRecord; rule: number }[] = [];
  const reasons: string[] = [];
  for (const policy of policies) {
    asArray(asRecord(policy.object.spec)?.ingress).forEach((rule, i) => {
      const outcome = ruleAdmits(asRecord(rule), { index, policy, where: `${policyName(index, policy)} ingress[${i}]`, target, port, client });
      if (outcome === 'yes') allowedBy.push({ policy, rule: i });
      else if (outcome !== 'no') reasons.push(...outcome.unknown);
    });
  }
  if (allowedBy.length > 0) return { verdict: 'allowed', policies, allowedBy };
  if (reasons.length > 0) return { verdict: 'unknown', policies, why: [...new Set(reasons)].join('; ') };
  return { verdict: 'denied', policies };
}

/** The policies of the target's namespace that select it and govern its ingress, by namespace/name. */
function policiesSelecting(index: ConfigIndex, target: ResourceRecord): ResourceRecord[] {
  const namespace = index.namespaceOf(target);
  const labels = stringMap(target.object.metadata.labels);
  return index
    .ofKind('NetworkPolicy')
    .filter((p) => index.namespaceOf(p) === namespace && governsIngress(p) && labelSelectorMatches(asRecord(asRecord(p.object.spec)?.podSelector) ?? {}, labels))
    .sort((a, b) => compareText(index.namespaceOf(a), index.namespaceOf(b)) || compareText(a.object.metadata.name, b.object.metadata.name));
}

/** Absent or empty `policyTypes` is defaulted by the API server, and the default always includes Ingress. */
function governsIngress(policy: ResourceRecord): boolean {
  const types = asArray(asRecord(policy.object.spec)?.policyTypes);
  return types.length === 0 || types.includes('Ingress');
}

export function policyName(index: ConfigIndex, policy: ResourceRecord): string {
  return `NetworkPolicy ${index.namespaceOf(policy)}/${policy.object.metadata.name}`;
}

/** A rule admits when its ports and its sources both do. A malformed (non-object) rule admits nothing. */
function ruleAdmits(rule: Record<string, unknown> | undefined, context: RuleContext): Outcome {
  if (!rule) return 'no';
  const ports = asArray(rule.ports);
  const from = asArray(rule.from);
  // Ports first: a port mismatch decides the rule even when its sources cannot be decided.
  const portOutcome = ports.length === 0 ? 'yes' : any(ports.map((p) => portAdmits(asRecord(p), context)));
  if (portOutcome === 'no') return 'no';
  return all([portOutcome, from.length === 0 ? 'yes' : any(from.map((peer) => peerAdmits(asRecord(peer), context)))]);
}

/** Only TCP is asked about; `port` absent matches every port, a string is a container port name. */
function portAdmits(entry: Record<string, unknown> | undefined, context: RuleContext): Outcome {
  if (!entry || (asString(entry.protocol) ?? 'TCP') !== 'TCP') return 'no';
  if (entry.port === undefined || entry.port === null) return 'yes';
  const number = asNumber(entry.port);
  if (number !== undefined) {
    const end = asNumber(entry.endPort) ?? number;
    return context.port >= number && context.port <= end ? 'yes' : 'no';
  }
  const name = asString(entry.port);
  return name === undefined ? 'no' : namedPortAdmits(name, context);
}

/** A named port means the target pod's TCP container port of that name. */
function namedPortAdmits(name: string, context: RuleContext): Outcome {
  const containers = asRecord(context.target.object.spec)?.containers;
  if (!Array.isArray(containers)) return { unknown: [`${context.where} names port "${name}" and the target pod's containers are not in the bundle`] };
  const matches = containers.flatMap((c) => asArray(asRecord(c)?.ports)).some((p) => {
    const port = asRecord(p);
    return asString(port?.name) === name && (asString(port?.protocol) ?? 'TCP') === 'TCP' && asNumber(port?.containerPort) === context.port;
  });
  return matches ? 'yes' : 'no';
}

/**
 * A `from` peer: pods by podSelector (in the policy's namespace unless a namespaceSelector is also
 * set, then ANDed with it), all pods of namespaces by namespaceSelector, or an ipBlock, which
 * needs the client's IP. A peer with none of them is invalid and admits nothing.
 */
function peerAdmits(peer: Record<string, unknown> | undefined, context: RuleContext): Outcome {
  const ipBlock = asRecord(peer?.ipBlock);
  if (ipBlock) return { unknown: [`${context.where} admits ipBlock ${describeIpBlock(ipBlock)}, which needs the client's IP`] };
  const podSelector = asRecord(peer?.podSelector);
  const namespaceSelector = asRecord(peer?.namespaceSelector);
  if (!podSelector && !namespaceSelector) return 'no';
  const { client } = context;
  if (!client) return { unknown: [`${context.where} admits selected pods only and the client pod is not known`] };
  const podOutcome: Outcome = !podSelector || labelSelectorMatches(podSelector, client.labels) ? 'yes' : 'no';
  const namespaceOutcome: Outcome = namespaceSelector
    ? namespaceMatches(namespaceSelector, client.namespace, context)
    : client.namespace === context.index.namespaceOf(context.policy) ? 'yes' : 'no';
  return all([podOutcome, namespaceOutcome]);
}

function describeIpBlock(ipBlock: Record<string, unknown>): string {
  const except = asArray(ipBlock.except).map(asString).filter((s): s is string => s !== undefined);
  return `${asString(ipBlock.cidr) ?? '(no cidr)'}${except.length > 0 ? ` (except ${except.join(', ')})` : ''}`;
}

/**
 * Without the Namespace object only its name label is known: the selector's requirements on that
 * label decide a mismatch, and any requirement on another label leaves a match undecided.
 */
function namespaceMatches(selector: Record<string, unknown>, namespace: string, context: RuleContext): Outcome {
  const record = context.index.namespace(namespace);
  const known = { ...(record ? stringMap(record.object.metadata.labels) : {}), [NAMESPACE_NAME_LABEL]: namespace };
  if (record) return labelSelectorMatches(selector, known) ? 'yes' : 'no';
  const { name, other } = splitSelector(selector);
  if (!labelSelectorMatches(name, known)) return 'no';
  if (!other) return 'yes';
  return { unknown: [`${context.where} selects namespaces by labels and the labels of namespace ${namespace} are not collected`] };
}

/** The part of a LabelSelector about the namespace name label, and whether it says anything else. */
function splitSelector(selector: Record<string, unknown>): { name: Record<string, unknown>; other: boolean } {
  const matchLabels = stringMap(selector.matchLabels);
  const expressions = asArray(selector.matchExpressions);
  const onName = (e: unknown) => asString(asRecord(e)?.key) === NAMESPACE_NAME_LABEL;
  const nameLabels = NAMESPACE_NAME_LABEL in matchLabels ? { [NAMESPACE_NAME_LABEL]: matchLabels[NAMESPACE_NAME_LABEL]! } : {};
  return {
    name: { matchLabels: nameLabels, matchExpressions: expressions.filter(onName) },
    other: Object.keys(matchLabels).some((k) => k !== NAMESPACE_NAME_LABEL) || expressions.some((e) => !onName(e)),
  };
}

function any(outcomes: Outcome[]): Outcome {
  if (outcomes.includes('yes')) return 'yes';
  const reasons = outcomes.flatMap((o) => (typeof o === 'object' ? o.unknown : []));
  return reasons.length > 0 ? { unknown: reasons } : 'no';
}

function all(outcomes: Outcome[]): Outcome {
  if (outcomes.includes('no')) return 'no';
  const reasons = outcomes.flatMap((o) => (typeof o === 'object' ? o.unknown : []));
  return reasons.length > 0 ? { unknown: reasons } : 'yes';
}
