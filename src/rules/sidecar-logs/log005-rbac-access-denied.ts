import type { ConfigIndex } from '../../analysis/config-index.js';
import { asArray, asRecord } from '../../analysis/object-access.js';
import type { SignatureHits } from '../../artifacts/logs/schema.js';
import { podOfLog } from '../../analysis/workloads.js';
import type { LogRecord, ResourceRecord } from '../../model/facets.js';
import { evidenceAt, namedList } from '../evidence.js';
import type { Evidence } from '../rule.js';
import { actionOf, callerAdmitted, deniedRequest, namedPolicy, policiesSelecting } from './authorization.js';
import { defineRule } from '../rule.js';
import { podCommands, podLabel, SIGNATURE_THRESHOLD } from './signature-findings.js';
import { groupEvidence, groupOccurrences, groupSeverityNote, keysText, rowPerKey, spanText, whoText, worstPodsText } from './by-target.js';
import { workloadGroups, workloadLabel } from './by-workload.js';
import { shell } from '../shell.js';

const MAX_POLICIES_LISTED = 8;

export const log005 = defineRule({
  id: 'LOG005',
  slug: 'rbac-access-denied',
  title: 'RBAC: access denied: an AuthorizationPolicy rejects requests',
  severity: 'high',
  step: 'sidecar-logs',
  inputs: { required: ['logs.proxy'], optional: ['k8s.resources', 'kubectl.pods'], views: ['configuration'] },
  description:
    'Counts, per workload (the replicas of a Deployment are one finding, each pod among its occurrences), requests denied by Istio authorization: the 403 body `RBAC: access denied`, the access-log details `rbac_access_denied_matched_policy[…]` ' +
    '(also in connection termination details for TCP) and Envoy\'s `enforced denied` debug line. The policy named in the details is shown: `policy[none]` ' +
    'means ALLOW policies exist and none matched. When the bundle has AuthorizationPolicies, those selecting the pod are listed (by selector, with the pod; by ' +
    'namespace without it); a DENY policy Envoy names is quoted with its rule; for `policy[none]` the caller is found by the downstream IP of the denied request ' +
    '(its pod and service account give its principal) and checked against what each ALLOW policy admits, with the principal to add as the fix.',
  rationale:
    'The request reached the destination sidecar and was refused by policy. Either a DENY policy matches, or ALLOW policies exist for the workload and none of them ' +
    'allows this source, path or method: adding the first ALLOW policy denies everything it does not list.',
  remediation:
    'Find the policies selecting the workload (its namespace and the root namespace `istio-system`), and compare their `from`/`to`/`when` with the request: ' +
    'source principal (needs mTLS), namespace, path, method. Fix the policy rather than adding an allow-all: `rules: [{}]` disables authorization for the workload.',
  threshold: { value: SIGNATURE_THRESHOLD, source: 'rule catalogue (`istio-bundle explain LOG005`); Istio docs: Authorization is too restrictive (istio.io/latest/docs/ops/common-problems/security-issues/)' },
  docs: ['https://istio.io/latest/docs/ops/common-problems/security-issues/#authorization-is-too-restrictive', 'https://istio.io/latest/docs/reference/config/security/authorization-policy/'],
  check(inputs, context) {
    const index = inputs.configuration.index;
    const policies = index.ofKind('AuthorizationPolicy');
    const root = index.mesh.rootNamespace;
    const podRecord = (log: LogRecord) => podOfLog(index, log);
    // The replicas of one workload deny for the same policies: one finding per workload, its pods as occurrences.
    const groups = workloadGroups(inputs['logs.proxy'], 'rbacDenied', podRecord);
    for (const group of groups) {
      const worst = group.sides[0]!.log;
      const pod = podRecord(worst);
      // With the pod, the policies whose selector picks it; without, every policy of its namespace and the root namespace.
      const applicable = pod ? policiesSelecting(index, policies, pod) : policies.filter((p) => [root, worst.namespace].includes(index.namespaceOf(p)));
      // Each policy key read on the first pod that logged it.
      const rows = rowPerKey(group);
      const causes = rows.flatMap((row) => denialCause(index, row, applicable, policies));
      const fix = causes.find((c) => c.remediation !== undefined);
      const many = group.sides.length > 1;
      context.report({
        severity: group.severity,
        subject: group.subject,
        title: `requests denied by authorization policy at ${workloadLabel(group, podLabel)}`,
        evidence: [...groupEvidence(group), ...causes.flatMap((c) => c.evidence)],
        occurrences: groupOccurrences(group),
        explanation:
          `${whoText(group)} denied ${group.volume} with \`RBAC: access denied\`${spanText(group)}.` +
          (many ? ` Most affected: ${worstPodsText(group)}.` : '') +
          keysText(group, 'matched policy') +
          (applicable.length > 0
            ? ` AuthorizationPolicies ${pod ? 'selecting the pod' : 'that can apply'}: ${describePolicies(index, applicable)}.`
            : policies.length > 0
              ? ` None of the AuthorizationPolicies in the bundle ${pod ? 'selects this pod' : 'is in this namespace or the root namespace'}.`
              : '') +
          causes.map((c) => ` ${c.text}`).join('') +
          groupSeverityNote(group),
        ...(fix ? { remediation: fix.remediation!, ...(fix.yaml ? { yaml: fix.yaml } : {}) } : {}),
        commands: [
          worst.namespace ? shell`kubectl get authorizationpolicies -n ${worst.namespace} -o yaml` : 'kubectl get authorizationpolicies -A -o yaml',
          shell`kubectl get authorizationpolicies -n ${root} -o yaml`,
          ...podCommands(worst, (podArgs) => [`istioctl x describe pod ${podArgs}`]),
        ],
      });
    }
  },
});

function describePolicies(index: ConfigIndex, policies: readonly ResourceRecord[]): string {
  return namedList(policies, MAX_POLICIES_LISTED, (p) => `\`${index.namespaceOf(p)}/${p.object.metadata.name}\` (${actionOf(p)})`);
}

/** What an ALLOW policy admits, in a phrase: its principals, other sources, or nothing at all (no rules). */
function admitsText(policy: ResourceRecord, principals: readonly string[]): string {
  if (asArray(asRecord(policy.object.spec)?.rules).length === 0) return 'has no rules: it allows nothing';
  return principals.length > 0 ? `admits ${principals.map((p) => `\`${p}\``).join(', ')}` : 'admits other sources (namespaces, IP blocks)';
}

interface DenialCause {
  text: string;
  evidence: Evidence[];
  remediation?: string;
  yaml?: string;
}

type Row = SignatureHits['breakdown'][number];

/**
 * Why one policy key denied: the DENY rule Envoy names, or, for `policy[none]`, the caller the
 * access line shows (its pod found by the downstream IP) against what each ALLOW policy admits.
 */
function denialCause(index: ConfigIndex, row: Row, applicable: readonly ResourceRecord[], all: readonly ResourceRecord[]): DenialCause[] {
  const named = namedPolicy(row.key);
  if (named) {
    const policy = all.find((p) => index.namespaceOf(p) === named.namespace && p.object.metadata.name === named.name);
    if (!policy) return [];
    const rule = asArray(asRecord(policy.object.spec)?.rules)[named.rule];
    return [{
      text: `\`${named.namespace}/${named.name}\` (${actionOf(policy)}) rule ${named.rule} matched these requests: ${JSON.stringify(rule ?? {})}.`,
      evidence: [evidenceAt({ ...policy.source, pointer: `${policy.source.pointer ?? ''}/spec/rules/${named.rule}` }, JSON.stringify(rule ?? {}))],
      remediation: `Narrow or remove rule ${named.rule} of AuthorizationPolicy \`${named.namespace}/${named.name}\` if these requests are legitimate; a DENY policy wins over every ALLOW.`,
    }];
  }
  if (!row.key.includes('policy[none]')) return [];
  const request = deniedRequest(index, row.first.text, index.mesh.trustDomain);
  const caller = request.caller;
  if (!caller) return [];
  const unnamed = index.pods().length > 0 ? 'no running pod of the bundle has this IP' : 'the bundle lists no pods to name it';
  const podName = caller.pod ? `\`${index.namespaceOf(caller.pod)}/${caller.pod.object.metadata.name}\`` : undefined;
  const who = caller.pod
    ? caller.principal
      ? `${podName} (principal \`${caller.principal}\`, found by its IP ${caller.ip})`
      : `${podName} (found by its IP ${caller.ip}), which runs no sidecar`
    : `the caller at ${caller.ip} (${unnamed})`;
  const allows = applicable.filter((p) => actionOf(p) === 'ALLOW');
  if (caller.pod && !caller.principal && allows.length > 0) {
    return [{
      text: `The cause: the first denied request came from ${who}: it presents no mTLS identity, so no \`principals\` or \`namespaces\` of an ALLOW policy can match it.`,
      evidence: [],
      remediation: `Inject the sidecar into ${podName} (or let it call through the mesh), or allow it by something it does present; a principal added to the policy cannot match a caller without a sidecar.`,
    }];
  }
  if (!caller.pod || allows.length === 0) return [{ text: `The first denied request came from ${who}.`, evidence: [] }];
  const verdicts = allows.map((policy) => ({ policy, ...callerAdmitted(policy, caller) }));
  const excluded = verdicts.filter((v) => v.verdict === 'excludes');
  const admitted = verdicts.filter((v) => v.verdict === 'admits');
  const requestText = `${request.method ?? ''} ${request.path ?? ''}`.trim();
  if (admitted.length > 0) {
    const { policy, rule } = admitted[0]!;
    const to = asRecord(asArray(asRecord(policy.object.spec)?.rules)[rule!]);
    return [{
      text: `The first denied request came from ${who}. Rule ${rule} of \`${index.namespaceOf(policy)}/${policy.object.metadata.name}\` admits this caller, so its \`to\`/\`when\` is what the request${requestText ? ` (\`${requestText}\`)` : ''} does not meet: ${JSON.stringify({ to: to?.to, when: to?.when })}.`,
      evidence: [evidenceAt({ ...policy.source, pointer: `${policy.source.pointer ?? ''}/spec/rules/${rule}` }, JSON.stringify(to ?? {}))],
    }];
  }
  if (excluded.length === verdicts.length) {
    const first = excluded[0]!;
    const name = `${index.namespaceOf(first.policy)}/${first.policy.object.metadata.name}`;
    return [{
      text: `The cause: the first denied request came from ${who}, and no ALLOW policy selecting the pod admits it (${excluded.map((v) => `\`${index.namespaceOf(v.policy)}/${v.policy.object.metadata.name}\` ${admitsText(v.policy, v.principals)}`).join('; ')}).`,
      evidence: excluded.map((v) => evidenceAt({ ...v.policy.source, pointer: `${v.policy.source.pointer ?? ''}/spec/rules` }, v.principals.join(', '))),
      remediation: `If \`${caller.namespace}/${caller.pod.object.metadata.name}\` is meant to call this workload, add its principal to AuthorizationPolicy \`${name}\` as below; if not, the denial is the policy working and the caller should stop (fix the caller).`,
      ...(first.principals.length > 0 ? { yaml: `# AuthorizationPolicy ${name}: spec.rules[].from[].source\nprincipals:\n${first.principals.map((p) => `  - ${p}`).join('\n')}\n  - ${caller.principal} # the caller denied in the logs` } : {}),
    }];
  }
  return [{ text: `The first denied request came from ${who}; whether ${verdicts.filter((v) => v.verdict === 'unknown').map((v) => `\`${index.namespaceOf(v.policy)}/${v.policy.object.metadata.name}\``).join(', ')} admits it cannot be told offline (IP blocks or JWT principals).`, evidence: [] }];
}
