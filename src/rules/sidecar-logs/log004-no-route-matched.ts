import { defineRule } from '../rule.js';
import { plural } from '../evidence.js';
import { isIngressGateway, isScannerRequest, scannerShare, SCANNER_NOISE_SHARE } from './scanner-noise.js';
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
            ? noiseText(group.keys, group.count)
            : ` Check these against the VirtualService matches: they are case-sensitive and exact unless \`prefix\` or \`regex\` is used.${groupSeverityNote(group)}`),
        ...(noise ? { remediation: 'Nothing to change in the routes for the scanner requests; rate-limit or filter them at the edge (a WAF, the load balancer) if they are too many. Check any other request listed against the VirtualService matches.' } : {}),
        commands: [...podCommands(worst, (pod) => [`istioctl proxy-config routes ${pod} -o json`]), 'kubectl get virtualservices -A -o yaml'],
      });
    }
  },
});

/**
 * The noise verdict in words: what the scanners are, and the requests among them that are not (a
 * real client's miss hides easily among hundreds of probes).
 */
function noiseText(keys: ReadonlyArray<{ key: string; count: number }>, count: number): string {
  const total = keys.reduce((sum, k) => sum + k.count, 0);
  const others = keys.filter((k) => !isScannerRequest(k.key));
  const otherCount = others.reduce((sum, k) => sum + k.count, 0);
  const scanners = 'internet scanners (a raw IP for a host name, probes for well-known vulnerable software): every public address gets them, and 404 is the right answer.';
  // The scan keeps the most frequent requests of each log; a rare one (a real client's single miss) may not be among them.
  const unseen = count > total ? ` ${plural(count - total, 'other request')} ${count - total === 1 ? 'is' : 'are'} not broken down (each log keeps its most frequent ones): search the log for \`NR\` lines with your own host names to be sure.` : '';
  if (otherCount === 0) return ` ${count > total ? `The ${total} broken down are` : 'They are'} all ${scanners}${unseen}`;
  const shown = others.slice(0, 3).map((k) => `\`${k.key}\``).join(', ');
  return ` Of the ${total} broken down, ${total - otherCount} are ${scanners} The other ${otherCount} (${shown}${others.length > 3 ? ', …' : ''}) may be a real client's miss: check ${otherCount === 1 ? 'it' : 'them'} against the VirtualService matches.${unseen}`;
}
