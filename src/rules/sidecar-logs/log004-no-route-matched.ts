import { defineRule } from '../rule.js';
import { breakdownText, podCommands, podLabel, severityNote, signatureEvidence, signatureMatches, where, SIGNATURE_THRESHOLD } from './signature-findings.js';

export const log004 = defineRule({
  id: 'LOG004',
  slug: 'no-route-matched',
  title: 'no route matched: requests match no VirtualService rule',
  severity: 'high',
  step: 'sidecar-logs',
  inputs: { required: ['logs.proxy'] },
  description:
    'Counts, per pod, HTTP requests Envoy answered 404 because no route matched: response flag NR on an HTTP request, or details `route_not_found`, and the debug ' +
    'log line `no route match for URL`. NR on a TCP connection (no matching filter chain) is a listener problem and is not counted. Broken down by authority and path.',
  rationale:
    'VirtualService matches are case-sensitive and `exact` means exact: `/API/v1` does not match `exact: /api/v1`, and a host header that no VirtualService or ' +
    'Service claims has no route. The request never leaves the proxy.',
  remediation:
    'Compare the failing paths and hosts with the VirtualService `http[].match` rules for that host: letter case, `exact` vs `prefix`, and the `hosts` list. ' +
    '`istioctl proxy-config routes <pod> -n <ns> -o json` shows the routes the proxy actually has.',
  threshold: { value: SIGNATURE_THRESHOLD, source: 'rule catalogue (`istio-bundle explain LOG004`); Istio docs: VirtualService HTTPMatchRequest (matches are case-sensitive, `exact` is exact)' },
  docs: ['https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPMatchRequest', 'https://istio.io/latest/docs/ops/common-problems/network-issues/'],
  check(inputs, context) {
    for (const match of signatureMatches(inputs['logs.proxy'], 'noRouteMatched')) {
      context.report({
        severity: match.severity,
        subject: match.subject,
        key: match.key,
        title: `requests with no matching route at ${podLabel(match.log)}`,
        evidence: signatureEvidence(match),
        explanation: `${where(match)} answered 404 "no route" to ${match.volume}.${breakdownText(match, 'request')} Check these against the VirtualService matches: they are case-sensitive and exact unless \`prefix\` or \`regex\` is used.${severityNote(match)}`,
        commands: [...podCommands(match.log, (pod) => [`istioctl proxy-config routes ${pod} -o json`]), 'kubectl get virtualservices -A -o yaml'],
      });
    }
  },
});
