import { defineRule } from '../rule.js';
import { isIngressGateway, scannerShare, SCANNER_NOISE_SHARE } from './scanner-noise.js';
import type { LogRecord, ResourceRecord } from '../../model/facets.js';
import { groupEvidence, groupOccurrences, groupSeverityNote, keysText, spanText, whoText, worstPodsText } from './by-target.js';
import { workloadGroups, workloadLabel } from './by-workload.js';
import { podCommands, podLabel, SIGNATURE_THRESHOLD } from './signature-findings.js';

export const log004 = defineRule({
  id: 'LOG004',
  slug: 'no-route-matched',
  title: 'no route matched: requests match no VirtualService rule',
  severity: 'high',
  step: 'sidecar-logs',
  inputs: { required: ['logs.proxy'], optional: ['kubectl.pods'] },
  description:
    'Counts, per workload (a gateway\'s replicas are one finding, each pod among its occurrences), HTTP requests Envoy answered 404 because no route matched: response flag NR on an HTTP request, or details `route_not_found`, and the debug ' +
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
    const pods = inputs['kubectl.pods'];
    const podRecord = (log: LogRecord): ResourceRecord | undefined => {
      const pod = pods.find((p) => p.name === log.pod && (log.namespace === undefined || p.namespace === log.namespace));
      return pod ? { object: pod.pod as unknown as ResourceRecord['object'], source: pod.source } : undefined;
    };
    // The replicas of a gateway miss the same routes: one finding per workload, its pods as occurrences.
    for (const group of workloadGroups(inputs['logs.proxy'], 'noRouteMatched', podRecord)) {
      const worst = group.sides[0]!.log;
      const noise = isIngressGateway(worst, pods) && scannerShare(group.keys) >= SCANNER_NOISE_SHARE;
      const who = workloadLabel(group, podLabel);
      context.report({
        severity: noise ? 'low' : group.severity,
        subject: group.subject,
        title: noise ? `internet-scanner requests with no route at ${who}` : `requests with no matching route at ${who}`,
        evidence: groupEvidence(group),
        occurrences: groupOccurrences(group),
        explanation:
          `${whoText(group)} answered 404 "no route" to ${group.volume}${spanText(group)}.` +
          (group.sides.length > 1 ? ` Most affected: ${worstPodsText(group)}.` : '') +
          keysText(group, 'request') +
          (noise
            ? ' They are internet scanners (a raw IP for a host name, probes for well-known vulnerable software): every public address gets them, and 404 is the right answer. Nothing to fix in the routes; rate-limit or filter them at the edge if they are too many.'
            : ` Check these against the VirtualService matches: they are case-sensitive and exact unless \`prefix\` or \`regex\` is used.${groupSeverityNote(group)}`),
        commands: [...podCommands(worst, (pod) => [`istioctl proxy-config routes ${pod} -o json`]), 'kubectl get virtualservices -A -o yaml'],
      });
    }
  },
});
