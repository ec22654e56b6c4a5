import { defineRule } from '../rule.js';
import { podCommands, podLabel } from './signature-findings.js';
import { groupEvidence, groupOccurrences, keysText, signatureGroupsBy, spanText, whoText, worstPodsText } from './by-target.js';
import { plural } from '../evidence.js';

/**
 * How istiod ends streams on purpose: it closes every connection after its maximum age (~30 min,
 * gRPC status 13 or a NO_ERROR goaway) and the proxy reconnects at once. Maintainers call these
 * expected (istio/istio#27532, #37623); alone they are low.
 */
const ROUTINE = [/^13, /, /goaway NO_ERROR/, /transport is closing$/, /, EOF$/];

export const log008 = defineRule({
  id: 'LOG008',
  slug: 'xds-stream-closed',
  title: "the proxy's xDS stream to istiod closes or cannot be established",
  severity: 'high',
  step: 'sidecar-logs',
  inputs: { required: ['logs.proxy'] },
  description:
    'Matches Envoy\'s `gRPC config stream [to xds-grpc|sds-grpc] closed[ since <N>s ago]: <status>, <message>` and `Unable to establish new stream`, broken down by status and reason ' +
    '(`connection refused`, `i/o timeout`, `x509: certificate signed by unknown authority`, …). High for closes that are not routine; low for istiod\'s periodic reconnects ' +
    '(status 13, a NO_ERROR goaway, `transport is closing`, EOF). `(sustained)` marks Envoy\'s own note that the failure has lasted (`closed since <N>s ago`). ' +
    'Grouped across proxies: one finding for the failing closes and one for the routine ones, every proxy among its occurrences, most affected first.',
  rationale:
    'A proxy without its xDS stream keeps serving its last configuration but receives no changes, endpoints or certificates: new pods are unreachable from it, removed ones still get traffic, and its certificate expires unrotated. ' +
    'Refused or timed-out connections mean istiod is down or unreachable (Service, NetworkPolicy); an unknown-authority x509 error means proxy and istiod do not share a root.',
  remediation:
    'Check istiod (CP001/CP003) and the path to it: `kubectl get endpointslices -n istio-system -l kubernetes.io/service-name=istiod`, NetworkPolicies on port 15012, and the proxy\'s discovery address. ' +
    'For x509 errors compare the proxy\'s root (`istioctl proxy-config secret <pod>`) with istiod\'s CA.',
  threshold: { value: 'any non-routine close high; only routine reconnects (status 13, NO_ERROR goaway, transport is closing, EOF) low', source: 'rule catalogue (`istio-bundle explain LOG008`), after the Istio production debugging guide step 4 and Envoy\'s grpc_stream.h close messages' },
  docs: ['https://istio.io/latest/docs/ops/diagnostic-tools/proxy-cmd/', 'https://www.envoyproxy.io/docs/envoy/latest/api-docs/xds_protocol'],
  check(inputs, context) {
    // One finding for the proxies whose stream fails, one for routine reconnects: 200 proxies cut off from istiod are one problem.
    const { groups } = signatureGroupsBy(inputs['logs.proxy'], 'xdsStreamClosed', (row) => (ROUTINE.some((pattern) => pattern.test(row.key)) ? 'routine' : 'failing'), () => STREAMS);
    for (const group of groups) {
      const routine = group.host === 'routine';
      const sustained = group.keys.some((k) => k.key.endsWith('(sustained)'));
      const worst = group.sides[0]!.log;
      const who = group.sides.length === 1 ? podLabel(worst) : plural(group.sides.length, 'proxy', 'proxies');
      context.report({
        severity: routine ? 'low' : 'high',
        subject: group.subject,
        key: group.host,
        title: routine ? `routine xDS reconnects in ${who}` : `${who} ${group.sides.length === 1 ? 'loses its' : 'lose their'} xDS stream to istiod`,
        evidence: groupEvidence(group),
        occurrences: groupOccurrences(group),
        explanation:
          `${whoText(group)} logged the xDS stream to istiod closing (${group.volume}${spanText(group)}).` +
          (group.sides.length > 1 ? ` Most affected: ${worstPodsText(group)}.` : '') +
          `${keysText(group, 'status and reason')} ` +
          (routine
            ? 'All are istiod ending streams on purpose (periodic reconnects): nothing to fix unless they come with other failures.'
            : `${sustained ? 'Envoy reports the failure lasting (`closed since …`): these proxies are cut off from istiod and serve stale configuration. ' : ''}Until the stream is back a proxy receives no configuration, endpoint or certificate updates.`),
        ...(routine ? { remediation: 'No action needed for these: istiod closes every stream after `--keepaliveMaxServerConnectionAge` (Helm `pilot.keepaliveMaxServerConnectionAge`, 30 minutes by default) so that proxies spread over its replicas. Look again only if they come with STALE proxies (CP001) or other failures.' } : {}),
        commands: [...podCommands(worst, (pod) => [`istioctl proxy-status ${pod}`]), 'kubectl get pods -n istio-system -l app=istiod -o wide'],
      });
    }
  },
});

/** What the grouped findings are about: the proxies' xDS connections to the control plane. */
const STREAMS = { kind: 'Mesh', name: 'xDS streams to istiod' };
