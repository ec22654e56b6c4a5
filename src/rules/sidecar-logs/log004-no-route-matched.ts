import { defineRule } from '../rule.js';
import { isIngressGateway, scannerShare, SCANNER_NOISE_SHARE } from './scanner-noise.js';
import { breakdownText, podCommands, podLabel, severityNote, signatureEvidence, signatureMatches, where, SIGNATURE_THRESHOLD } from './signature-findings.js';

export const log004 = defineRule({
  id: 'LOG004',
  slug: 'no-route-matched',
  title: 'no route matched: requests match no VirtualService rule',
  severity: 'high',
  step: 'sidecar-logs',
  inputs: { required: ['logs.proxy'], optional: ['kubectl.pods'] },
  description:
    'Counts, per pod, HTTP requests Envoy answered 404 because no route matched: response flag NR on an HTTP request, or details `route_not_found`, and the debug ' +
    'log line `no route match for URL`. NR on a TCP connection (no matching filter chain) is a listener problem and is not counted. Broken down by authority and path. ' +
    `At an ingress gateway, when at least ${SCANNER_NOISE_SHARE * 100}% of them are internet-scanner requests (a raw IP as authority, probes such as \`/.env\`, \`/wp-login.php\`, \`/cgi-bin/\`), the finding is low: noise, not a routing fault.`,
  rationale:
    'VirtualService matches are case-sensitive and `exact` means exact: `/API/v1` does not match `exact: /api/v1`, and a host header that no VirtualService or ' +
    'Service claims has no route. The request never leaves the proxy.',
  remediation:
    'Compare the failing paths and hosts with the VirtualService `http[].match` rules for that host: letter case, `exact` vs `prefix`, and the `hosts` list. ' +
    '`istioctl proxy-config routes <pod> -n <ns> -o json` shows the routes the proxy actually has.',
  threshold: { value: `${SIGNATURE_THRESHOLD}; low at an ingress gateway when ≥ ${SCANNER_NOISE_SHARE * 100}% are scanner requests`, source: 'rule catalogue (`istio-bundle explain LOG004`); Istio docs: VirtualService HTTPMatchRequest (matches are case-sensitive, `exact` is exact)' },
  docs: ['https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPMatchRequest', 'https://istio.io/latest/docs/ops/common-problems/network-issues/'],
  check(inputs, context) {
    for (const match of signatureMatches(inputs['logs.proxy'], 'noRouteMatched')) {
      const noise = isIngressGateway(match.log, inputs['kubectl.pods']) && scannerShare(match.hits.breakdown) >= SCANNER_NOISE_SHARE;
      context.report({
        severity: noise ? 'low' : match.severity,
        subject: match.subject,
        key: match.key,
        title: noise ? `internet-scanner requests with no route at ${podLabel(match.log)}` : `requests with no matching route at ${podLabel(match.log)}`,
        evidence: signatureEvidence(match),
        explanation: noise
          ? `${where(match)} answered 404 "no route" to ${match.volume}.${breakdownText(match, 'request')} They are internet scanners (a raw IP for a host name, probes for well-known vulnerable software): every public address gets them, and 404 is the right answer. Nothing to fix in the routes; rate-limit or filter them at the edge if they are too many.`
          : `${where(match)} answered 404 "no route" to ${match.volume}.${breakdownText(match, 'request')} Check these against the VirtualService matches: they are case-sensitive and exact unless \`prefix\` or \`regex\` is used.${severityNote(match)}`,
        commands: [...podCommands(match.log, (pod) => [`istioctl proxy-config routes ${pod} -o json`]), 'kubectl get virtualservices -A -o yaml'],
      });
    }
  },
});
