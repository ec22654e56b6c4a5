import type { ResourceRecord } from '../../model/facets.js';
import { defineRule } from '../rule.js';
import { breakdownText, podCommands, podLabel, severityNote, signatureEvidence, signatureMatches, where, SIGNATURE_THRESHOLD } from './signature-findings.js';
import { shell } from '../shell.js';

const MAX_POLICIES_LISTED = 8;

export const log005 = defineRule({
  id: 'LOG005',
  slug: 'rbac-access-denied',
  title: 'RBAC: access denied: an AuthorizationPolicy rejects requests',
  severity: 'high',
  step: 'sidecar-logs',
  inputs: { required: ['logs.proxy'], optional: ['k8s.resources'] },
  description:
    'Counts, per pod, requests denied by Istio authorization: the 403 body `RBAC: access denied`, the access-log details `rbac_access_denied_matched_policy[…]` ' +
    '(also in connection termination details for TCP) and Envoy\'s `enforced denied` debug line. The policy named in the details is shown: `policy[none]` ' +
    'means ALLOW policies exist and none matched. When the bundle has AuthorizationPolicies, those that can apply to the pod are listed.',
  rationale:
    'The request reached the destination sidecar and was refused by policy. Either a DENY policy matches, or ALLOW policies exist for the workload and none of them ' +
    'allows this source, path or method: adding the first ALLOW policy denies everything it does not list.',
  remediation:
    'Find the policies selecting the workload (its namespace and the root namespace `istio-system`), and compare their `from`/`to`/`when` with the request: ' +
    'source principal (needs mTLS), namespace, path, method. Fix the policy rather than adding an allow-all: `rules: [{}]` disables authorization for the workload.',
  threshold: { value: SIGNATURE_THRESHOLD, source: 'rule catalogue (`istio-bundle explain LOG005`); Istio docs: Authorization is too restrictive (istio.io/latest/docs/ops/common-problems/security-issues/)' },
  docs: ['https://istio.io/latest/docs/ops/common-problems/security-issues/#authorization-is-too-restrictive', 'https://istio.io/latest/docs/reference/config/security/authorization-policy/'],
  check(inputs, context) {
    const policies = inputs['k8s.resources'].filter((r) => r.object.kind === 'AuthorizationPolicy');
    // Policies in the root namespace apply mesh-wide.
    const root = context.bundle.istioNamespace;
    for (const match of signatureMatches(inputs['logs.proxy'], 'rbacDenied')) {
      const applicable = policies.filter((p) => {
        const namespace = p.object.metadata.namespace ?? 'default';
        return namespace === root || namespace === match.log.namespace;
      });
      context.report({
        severity: match.severity,
        subject: match.subject,
        key: match.key,
        title: `requests denied by authorization policy at ${podLabel(match.log)}`,
        evidence: signatureEvidence(match),
        explanation:
          `${where(match)} denied ${match.volume} with \`RBAC: access denied\`.${breakdownText(match, 'matched policy')}` +
          (applicable.length > 0 ? ` AuthorizationPolicies that can apply: ${describePolicies(applicable)}.` : policies.length > 0 ? ' None of the AuthorizationPolicies in the bundle is in this namespace or the root namespace.' : '') +
          severityNote(match),
        commands: [
          match.log.namespace ? shell`kubectl get authorizationpolicies -n ${match.log.namespace} -o yaml` : 'kubectl get authorizationpolicies -A -o yaml',
          shell`kubectl get authorizationpolicies -n ${root} -o yaml`,
          ...podCommands(match.log, (pod) => [`istioctl x describe pod ${pod}`]),
        ],
      });
    }
  },
});

function describePolicies(policies: ResourceRecord[]): string {
  const names = policies.slice(0, MAX_POLICIES_LISTED).map((p) => {
    const spec = p.object.spec as { action?: unknown } | undefined;
    return `\`${p.object.metadata.namespace ?? 'default'}/${p.object.metadata.name}\` (${typeof spec?.action === 'string' ? spec.action : 'ALLOW'})`;
  });
  return policies.length > MAX_POLICIES_LISTED ? `${names.join(', ')} and ${policies.length - MAX_POLICIES_LISTED} more` : names.join(', ');
}
