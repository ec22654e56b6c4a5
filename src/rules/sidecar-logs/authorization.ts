import type { ConfigIndex } from '../../analysis/config-index.js';
import { hasProxy } from '../../analysis/analyzers/injection.js';
import { asArray, asRecord, asString, selectorMatches, stringMap } from '../../analysis/object-access.js';
import { hostOf, parseAccessLine } from '../../artifacts/logs/access-log.js';
import type { ResourceRecord } from '../../model/facets.js';
import { compareText } from '../../order.js';

/**
 * Offline reading of Istio AuthorizationPolicies for a denied request: which policies select the
 * workload, the one Envoy names, and whether the caller is among what an ALLOW policy admits.
 * Semantics after https://istio.io/latest/docs/reference/config/security/authorization-policy/:
 * a rule matches when one of its `from` sources, one of its `to` operations and all of its `when`
 * conditions match; fields of one source are ANDed; principals match exactly, by `*` prefix or suffix.
 */

/** The workload that sent a denied request, as far as the bundle tells. */
export interface Caller {
  ip: string;
  pod?: ResourceRecord;
  /** `<trust domain>/ns/<namespace>/sa/<service account>`: what `source.principals` match. */
  principal?: string;
  namespace?: string;
}

/** The denied request, read again from the access line the log scan kept. */
export interface DeniedRequest {
  method?: string;
  path?: string;
  caller?: Caller;
}

export function deniedRequest(index: ConfigIndex, line: string, trustDomain: string): DeniedRequest {
  const record = parseAccessLine(line);
  if (!record) return {};
  const ip = hostOf(record.downstreamRemote);
  const pod = ip ? podWithIp(index, ip) : undefined;
  const namespace = pod ? index.namespaceOf(pod) : undefined;
  const serviceAccount = pod ? (asString(asRecord(pod.object.spec)?.serviceAccountName) ?? 'default') : undefined;
  // Only a caller with a sidecar presents a peer identity: without one, principals and namespaces cannot match it.
  const identity = pod && hasProxy(pod) ? { namespace, principal: `${trustDomain}/ns/${namespace}/sa/${serviceAccount}` } : {};
  return {
    ...(record.method ? { method: record.method } : {}),
    ...(record.path ? { path: record.path } : {}),
    ...(ip ? { caller: { ip, ...(pod ? { pod, ...identity } : {}) } } : {}),
  };
}

/** The running pod with this IP; pods on the host network share the node's IP and name no caller. */
function podWithIp(index: ConfigIndex, ip: string): ResourceRecord | undefined {
  return index.pods().find((p) => {
    const status = asRecord(asRecord(p.object)?.status);
    const phase = asString(status?.phase);
    return asString(status?.podIP) === ip && asRecord(p.object.spec)?.hostNetwork !== true && phase !== 'Succeeded' && phase !== 'Failed';
  });
}


/** The AuthorizationPolicies that apply to a pod: its namespace's and the root namespace's whose selector matches (none selects all). */
export function policiesSelecting(index: ConfigIndex, policies: readonly ResourceRecord[], pod: ResourceRecord): ResourceRecord[] {
  const namespace = index.namespaceOf(pod);
  const labels = stringMap(pod.object.metadata.labels);
  return policies
    .filter((p) => {
      const where = index.namespaceOf(p);
      if (where !== namespace && where !== index.mesh.rootNamespace) return false;
      const selector = asRecord(asRecord(p.object.spec)?.selector);
      return selector === undefined || selectorMatches(stringMap(selector.matchLabels), labels);
    })
    .sort((a, b) => compareText(`${index.namespaceOf(a)}/${a.object.metadata.name}`, `${index.namespaceOf(b)}/${b.object.metadata.name}`));
}

export function actionOf(policy: ResourceRecord): string {
  return asString(asRecord(policy.object.spec)?.action) ?? 'ALLOW';
}

/** `ns[starfleet]-policy[probe-deny-status]-rule[0]` (Envoy's RBAC shadow/enforced policy id) → its parts. */
export function namedPolicy(key: string): { namespace: string; name: string; rule: number } | undefined {
  const m = /^ns\[([^\]]+)\]-policy\[([^\]]+)\]-rule\[(\d+)\]$/.exec(key);
  return m ? { namespace: m[1]!, name: m[2]!, rule: Number(m[3]) } : undefined;
}

export type SourceVerdict = 'admits' | 'excludes' | 'unknown';

/**
 * Whether some `from` of the policy's rules admits the caller's principal and namespace. IP blocks
 * and JWT request principals cannot be judged from a pod's identity: they make it unknown.
 */
export function callerAdmitted(policy: ResourceRecord, caller: Caller): { verdict: SourceVerdict; rule?: number; principals: string[] } {
  const rules = asArray(asRecord(policy.object.spec)?.rules).map(asRecord);
  const principals = rules.flatMap((r) => asArray(r?.from).flatMap((f) => asArray(asRecord(asRecord(f)?.source)?.principals).map(asString))).filter((p): p is string => p !== undefined);
  let unknown = false;
  for (const [i, rule] of rules.entries()) {
    const from = asArray(rule?.from).map((f) => asRecord(asRecord(f)?.source));
    if (from.length === 0) return { verdict: 'admits', rule: i, principals };
    for (const source of from) {
      const verdict = sourceAdmits(source ?? {}, caller);
      if (verdict === 'admits') return { verdict, rule: i, principals };
      if (verdict === 'unknown') unknown = true;
    }
  }
  return { verdict: unknown ? 'unknown' : 'excludes', principals };
}

function sourceAdmits(source: Record<string, unknown>, caller: Caller): SourceVerdict {
  const list = (key: string) => asArray(source[key]).map(asString).filter((v): v is string => v !== undefined);
  const checks: SourceVerdict[] = [];
  const test = (values: string[], value: string | undefined, negate: boolean) => {
    if (values.length === 0) return;
    if (value === undefined) checks.push('unknown');
    else checks.push(values.some((v) => patternMatches(v, value)) !== negate ? 'admits' : 'excludes');
  };
  test(list('principals'), caller.principal, false);
  test(list('notPrincipals'), caller.principal, true);
  test(list('namespaces'), caller.namespace, false);
  test(list('notNamespaces'), caller.namespace, true);
  for (const key of ['requestPrincipals', 'notRequestPrincipals', 'ipBlocks', 'notIpBlocks', 'remoteIpBlocks', 'notRemoteIpBlocks']) if (list(key).length > 0) checks.push('unknown');
  if (checks.includes('excludes')) return 'excludes';
  return checks.includes('unknown') ? 'unknown' : 'admits';
}

/** Istio's string match: exact, `*` alone, `prefix*` or `*suffix`. */
function patternMatches(pattern: string, value: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('*')) return value.startsWith(pattern.slice(0, -1));
  if (pattern.startsWith('*')) return value.endsWith(pattern.slice(1));
  return pattern === value;
}
