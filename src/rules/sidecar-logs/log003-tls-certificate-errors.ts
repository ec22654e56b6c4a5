import { defineRule } from '../rule.js';
import { breakdownText, podCommands, podLabel, severityNote, signatureEvidence, signatureMatches, where, SIGNATURE_THRESHOLD } from './signature-findings.js';

export const log003 = defineRule({
  id: 'LOG003',
  slug: 'tls-certificate-errors',
  title: 'TLS handshake or certificate errors: an mTLS or certificate problem',
  severity: 'high',
  step: 'sidecar-logs',
  inputs: { required: ['logs.proxy'] },
  description:
    'Counts, per pod, TLS and certificate failures: BoringSSL reasons (`CERTIFICATE_VERIFY_FAILED`, `WRONG_VERSION_NUMBER`, `TLS error:`), Go x509 errors, ' +
    'pilot-agent `failed to warm certificate` / `failed to generate secret`, and access-log lines whose upstream transport failure is TLS. ' +
    '"stream closed", which older guides list as a TLS sign, is matched only with these markers: a bare `gRPC config stream closed` is an xDS reconnect (LOG008). High; critical when most requests fail this way.',
  rationale:
    '`WRONG_VERSION_NUMBER` means one side speaks TLS and the other plaintext (mTLS mode mismatch between PeerAuthentication and DestinationRule, or a port outside the mesh). ' +
    '`CERTIFICATE_VERIFY_FAILED` and `certificate signed by unknown authority` mean the two sides do not share a root of trust (a replaced `cacerts`, a second CA). ' +
    'A sidecar that cannot get its own certificate never becomes ready.',
  remediation:
    'Compare the mTLS settings that apply to both sides: `istioctl x describe pod <pod> -n <ns>` shows the PeerAuthentication and DestinationRule in force; ' +
    '`istioctl proxy-config secret <pod> -n <ns>` shows the workload certificate and root. For trust errors, compare the root in `istio-ca-root-cert` with the one the proxy holds. ' +
    '(`istioctl authn tls-check`, quoted in older guides, was removed in Istio 1.6.)',
  threshold: { value: SIGNATURE_THRESHOLD, source: 'rule catalogue (`istio-bundle explain LOG003`); Istio docs: Security problems (istio.io/latest/docs/ops/common-problems/security-issues/)' },
  docs: ['https://istio.io/latest/docs/ops/common-problems/security-issues/', 'https://istio.io/latest/docs/reference/commands/istioctl/#istioctl-proxy-config-secret'],
  check(inputs, context) {
    for (const match of signatureMatches(inputs['logs.proxy'], 'tlsError')) {
      context.report({
        severity: match.severity,
        subject: match.subject,
        key: match.key,
        title: `TLS/certificate errors in ${podLabel(match.log)}`,
        evidence: signatureEvidence(match),
        explanation: `${where(match)} logged TLS or certificate failures in ${match.volume}.${breakdownText(match, 'reason')}${severityNote(match)}`,
        commands: [
          ...podCommands(match.log, (pod) => [`istioctl x describe pod ${pod}`, `istioctl proxy-config secret ${pod}`]),
          'kubectl get configmap istio-ca-root-cert -n istio-system -o yaml',
        ],
      });
    }
  },
});
