import { defineRule } from '../rule.js';
import { podCommands, podLabel } from './signature-findings.js';
import { groupEvidence, groupOccurrences, signatureGroupsBy, spanText, whoText, worstPodsText } from './by-target.js';
import { plural } from '../evidence.js';

/** What each readiness reason of pilot-agent (status/ready/probe.go) points at. */
const REASONS: Array<[RegExp, string]> = [
  [/but was rejected/, 'the proxy rejected the configuration it received (a NACK: see CP008 for the resource and the error)'],
  [/config not received from (?:XDS server|Pilot)/, 'the proxy has not received all of its first configuration from istiod: no successful CDS (clusters) or no successful LDS (listeners) update yet (see LOG008 and CP001 for its connection)'],
  [/config not fully received/, 'the proxy received part of its configuration only: a cluster or listener is still warming (often a missing secret or endpoints)'],
  [/server is not live|DRAINING|PRE_INITIALIZING|INITIALIZING/, 'Envoy is not live (starting, or draining for termination)'],
  [/workers have not yet started/, "Envoy's workers have not started: its listeners are not up yet"],
  [/failed (?:to get readiness stats|retrieving Envoy stats)/, 'pilot-agent cannot reach Envoy\'s admin port: Envoy is not running (crashed, OOM-killed or still starting)'],
];

export const log010 = defineRule({
  id: 'LOG010',
  slug: 'proxy-not-ready',
  title: 'Envoy proxy is NOT ready: readiness fails, with the reason pilot-agent gives',
  severity: 'high',
  step: 'sidecar-logs',
  inputs: { required: ['logs.proxy'] },
  description:
    'Matches pilot-agent\'s `Envoy proxy is NOT ready: <reason>` (every readiness probe while it fails), broken down by reason without its counters, and says what each reason means: ' +
    'configuration rejected, not received from istiod, not fully received, Envoy not live or draining, Envoy unreachable. One finding per reason, every proxy failing with it among its ' +
    'occurrences, most affected first.',
  rationale: 'A pod whose sidecar is not ready gets no traffic from its Service, and its application starts without the network it expects; the reason text tells which part of the chain is broken.',
  remediation: 'Follow the reason: a rejected configuration is CP008 (fix or remove the resource the error names), no configuration is istiod connectivity (LOG008, CP001), a draining proxy is a pod being terminated.',
  threshold: { value: 'any match', source: 'rule catalogue (`istio-bundle explain LOG010`), after the Istio production debugging guide step 4 and pilot-agent\'s readiness probe (status/ready/probe.go)' },
  docs: ['https://istio.io/latest/docs/ops/common-problems/injection/', 'https://istio.io/latest/docs/ops/diagnostic-tools/proxy-cmd/'],
  check(inputs, context) {
    // One finding per reason, listing the proxies: 30 sidecars rejecting the same push are one problem.
    const { groups } = signatureGroupsBy(inputs['logs.proxy'], 'proxyNotReady', (row) => row.key, () => NOT_READY);
    for (const group of groups) {
      const meanings = REASONS.filter(([pattern]) => pattern.test(group.host)).map(([, meaning]) => meaning);
      const worst = group.sides[0]!.log;
      context.report({
        severity: 'high',
        subject: group.subject,
        key: group.host,
        title: `${group.sides.length === 1 ? podLabel(worst) : plural(group.sides.length, 'proxy', 'proxies')}: Envoy proxy is NOT ready (${group.host})`,
        evidence: groupEvidence(group),
        occurrences: groupOccurrences(group),
        explanation:
          `${whoText(group)} failed ${group.sides.length === 1 ? 'its' : 'their'} readiness check (${group.volume}${spanText(group)}) with the reason \`${group.host}\`.` +
          (group.sides.length > 1 ? ` Most affected: ${worstPodsText(group)}.` : '') +
          (meanings.length > 0 ? ` That means ${meanings.join('; and ')}.` : '') +
          missingUpdates(group.sides[0]!.rows[0]?.last.text),
        commands: podCommands(worst, (pod) => [`kubectl exec ${pod} -c istio-proxy -- pilot-agent request GET stats | grep -E 'update_(success|rejected)'`, `istioctl proxy-status`]),
      });
    }
  },
});

/**
 * pilot-agent prints the counters after the reason (`cds updates: 1 successful, 0 rejected; lds
 * updates: 0 successful, 0 rejected`): which of the two had not arrived by the last such line.
 */
function missingUpdates(line: string | undefined): string {
  const counters = line?.match(/cds updates: (\d+) successful, (\d+) rejected; lds updates: (\d+) successful, (\d+) rejected/);
  if (!counters) return '';
  const [cds, cdsRejected, lds, ldsRejected] = counters.slice(1).map(Number) as [number, number, number, number];
  const missing = [...(cds === 0 ? [`clusters (CDS${cdsRejected > 0 ? `, ${cdsRejected} rejected` : ''})`] : []), ...(lds === 0 ? [`listeners (LDS${ldsRejected > 0 ? `, ${ldsRejected} rejected` : ''})`] : [])];
  if (missing.length === 0) return '';
  return ` Its last such line counts ${cds} successful CDS and ${lds} successful LDS updates: it has no ${missing.join(' and no ')} yet.`;
}

/** What the grouped findings are about: the proxies' readiness, one finding per reason. */
const NOT_READY = { kind: 'Mesh', name: 'proxy readiness' };
