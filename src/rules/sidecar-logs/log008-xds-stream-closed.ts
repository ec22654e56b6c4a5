import { defineRule } from '../rule.js';
import { breakdownText, podCommands, podLabel, signatureEvidence, signatureMatches, where } from './signature-findings.js';

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
    '(`connection refused`, `i/o timeout`, `x509: certificate signed by unknown authority`, …). High when any close is not routine; low when all are istiod\'s periodic reconnects ' +
    '(status 13, a NO_ERROR goaway, `transport is closing`, EOF). `(sustained)` marks Envoy\'s own note that the failure has lasted (`closed since <N>s ago`).',
  rationale:
    'A proxy without its xDS stream keeps serving its last configuration but receives no changes, endpoints or certificates: new pods are unreachable from it, removed ones still get traffic, and its certificate expires unrotated. ' +
    'Refused or timed-out connections mean istiod is down or unreachable (Service, NetworkPolicy); an unknown-authority x509 error means proxy and istiod do not share a root.',
  remediation:
    'Check istiod (CP001/CP003) and the path to it: `kubectl get endpointslices -n istio-system -l kubernetes.io/service-name=istiod`, NetworkPolicies on port 15012, and the proxy\'s discovery address. ' +
    'For x509 errors compare the proxy\'s root (`istioctl proxy-config secret <pod>`) with istiod\'s CA.',
  threshold: { value: 'any non-routine close high; only routine reconnects (status 13, NO_ERROR goaway, transport is closing, EOF) low', source: 'rule catalogue (`istio-bundle explain LOG008`), after the Istio production debugging guide step 4 and Envoy\'s grpc_stream.h close messages' },
  docs: ['https://istio.io/latest/docs/ops/diagnostic-tools/proxy-cmd/', 'https://www.envoyproxy.io/docs/envoy/latest/api-docs/xds_protocol'],
  check(inputs, context) {
    for (const match of signatureMatches(inputs['logs.proxy'], 'xdsStreamClosed')) {
      const routine = match.hits.breakdown.every((b) => ROUTINE.some((pattern) => pattern.test(b.key)));
      const sustained = match.hits.breakdown.some((b) => b.key.endsWith('(sustained)'));
      context.report({
        severity: routine ? 'low' : 'high',
        subject: match.subject,
        key: match.key,
        title: routine ? `routine xDS reconnects in ${podLabel(match.log)}` : `${podLabel(match.log)} loses its xDS stream to istiod`,
        evidence: signatureEvidence(match),
        explanation:
          `${where(match)} logged its xDS stream closing (${match.volume}).${breakdownText(match, 'status and reason')} ` +
          (routine
            ? 'All are istiod ending streams on purpose (periodic reconnects): nothing to fix unless they come with other failures.'
            : `${sustained ? 'Envoy reports the failure lasting (`closed since …`): the proxy is cut off from istiod and serves stale configuration. ' : ''}Until the stream is back the proxy receives no configuration, endpoint or certificate updates.`),
        commands: [...podCommands(match.log, (pod) => [`istioctl proxy-status ${pod}`]), 'kubectl get pods -n istio-system -l app=istiod -o wide'],
      });
    }
  },
});
