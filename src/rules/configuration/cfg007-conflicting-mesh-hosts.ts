import { conflictingMeshHostsAnalyzer } from '../../analysis/analyzers/virtualservice-conflicting-mesh-hosts.js';
import type { ResourceRecord } from '../../model/facets.js';
import { resourceName } from './offline-findings.js';
import { defineMessageRule } from './message-rule.js';

export const cfg007 = defineMessageRule({
  id: 'CFG007',
  slug: 'conflicting-mesh-hosts',
  title: 'several VirtualServices claim the same host for the sidecars',
  severity: 'medium',
  step: 'configuration',
  sources: [{ analyzer: conflictingMeshHostsAnalyzer }],
  description:
    'VirtualServices that apply to the sidecars (no `gateways`, or `mesh` listed) and claim overlapping hosts — wildcards on either side, short names resolved in ' +
    'their namespace — while exported to a common namespace (istioctl analyze IST0109). VirtualServices bound to the same ingress gateway are merged by Istio and ' +
    'are not reported.',
  rationale:
    'For sidecars Istio does not merge VirtualServices of one host: one of them is used and the other\'s rules are silently ignored, and which one can change on ' +
    'the next push. Routes that "sometimes work" after a deploy are the symptom.',
  remediation: 'Merge the rules into one VirtualService per host (or split the hosts so each is claimed once for the mesh); delegate VirtualServices are the way to let teams own parts of one host.',
  threshold: { value: 'any overlap among mesh-bound VirtualServices visible in a common namespace', source: 'rule catalogue CFG007; Istio analysis IST0109; istio.io "Split large virtual services and destination rules into multiple resources"' },
  docs: ['https://istio.io/latest/docs/reference/config/analysis/ist0109/', 'https://istio.io/latest/docs/ops/best-practices/traffic-management/'],
  finding(message, view) {
    const others = ((message.details.related ?? []) as ResourceRecord[]).map((r) => resourceName(view, r));
    return {
      severity: 'medium',
      headline: `claims ${((message.details.hosts as string[] | undefined) ?? [message.details.host]).map((h) => `\`${h}\``).join(', ')} together with ${others.join(', ')}`,
      impact: 'Sidecars use the rules of one of them and ignore the others; which one is undefined and can change on the next configuration push.',
      remediation: `Merge the http/tcp rules of ${[resourceName(view, message.resource), ...others].join(' and ')} into one VirtualService for the host, or use \`delegate\` to split ownership.`,
    };
  },
});
