import { destinationHostAnalyzer } from '../../analysis/analyzers/virtualservice-destination-hosts.js';
import { unreachableRulesAnalyzer } from '../../analysis/analyzers/virtualservice-unreachable-rules.js';
import { defineMessageRule } from './message-rule.js';

export const cfg008 = defineMessageRule({
  id: 'CFG008',
  slug: 'ineffective-route-rules',
  title: 'VirtualService rules that never take effect',
  severity: 'medium',
  step: 'configuration',
  sources: [{ analyzer: unreachableRulesAnalyzer }, { analyzer: destinationHostAnalyzer, codes: ['IST0140'] }],
  description:
    'Route rules that no request can reach because an earlier rule catches the same requests (istioctl analyze IST0130), matches that repeat or fall within an ' +
    'earlier match (IST0131, compared as Istio compares them), and subset routing that does not apply to requests entering through a gateway (IST0140).',
  rationale:
    'Envoy evaluates routes in order and takes the first match: a rule after a catch-all, or after an identical match, is dead configuration. Someone added it ' +
    'expecting it to route traffic, and it does not — a canary that never gets traffic, a header rule that is ignored.',
  remediation: 'Reorder the rules so the more specific match comes first, or remove the duplicate; the finding names the earlier rule that wins.',
  threshold: { value: 'unreachable rule medium; ineffective match low; subset ignored at ingress medium', source: 'rule catalogue CFG008; Istio analysis IST0130, IST0131, IST0140' },
  docs: ['https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRoute', 'https://istio.io/latest/docs/reference/config/analysis/ist0130/'],
  finding(message) {
    if (message.code === 'IST0140') {
      return {
        severity: 'medium',
        headline: `subset routing for \`${message.details.host}\` does not apply at its gateway`,
        impact: 'Requests entering through the gateway go to every version of the service, not the subsets other VirtualServices split it into.',
        remediation: 'Name the subsets in the gateway-bound VirtualService\'s routes too (or bind one VirtualService to both the gateway and `mesh`).',
      };
    }
    const unreachable = message.code === 'IST0130';
    return {
      severity: unreachable ? 'medium' : 'low',
      headline: unreachable ? 'a route rule can never be reached' : 'a route match is never used',
      impact: unreachable ? 'No request reaches this rule: the routing it describes does not happen.' : 'The match adds nothing: the requests it describes are taken by an earlier rule.',
      remediation: unreachable ? 'Move the rule above the rule that catches its requests, or remove it.' : 'Remove the duplicate match, or move the more specific match above the one that covers it.',
    };
  },
});
