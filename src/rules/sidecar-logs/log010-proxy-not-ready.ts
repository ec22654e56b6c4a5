import { defineRule } from '../rule.js';
import { podCommands, podLabel } from './signature-findings.js';
import { groupEvidence, groupOccurrences, signatureGroupsBy, spanText, whoText, worstPodsText } from './by-target.js';
import { plural } from '../evidence.js';

/** What each readiness reason of pilot-agent (status/ready/probe.go) points at. */
const REASONS: Array<[RegExp, string]> = [
  [/but was rejected/, 'the proxy rejected the configuration it received (a NACK: see CP008 for the resource and the error)'],
  [/config not received from (?:XDS server|Pilot)/, 'it never received its clusters and listeners from istiod (see LOG008 and CP001 for its connection)'],
  [/config not fully received/, 'it received part of its configuration only: a cluster or listener is still warming (often a missing secret or endpoints)'],
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
          (meanings.length > 0 ? ` That means ${meanings.join('; and ')}.` : ''),
        commands: podCommands(worst, (pod) => [`kubectl exec ${pod} -c istio-proxy -- pilot-agent request GET stats | grep -E 'update_(success|rejected)'`, `istioctl proxy-status`]),
      });
    }
  },
});

/** What the grouped findings are about: the proxies' readiness, one finding per reason. */
const NOT_READY = { kind: 'Mesh', name: 'proxy readiness' };
