import { caCertificatesAnalyzer } from '../../analysis/analyzers/destination-rule-ca-certificates.js';
import { defineMessageRule } from '../configuration/message-rule.js';

export const cfg011 = defineMessageRule({
  id: 'CFG011',
  slug: 'tls-origination-unverified',
  title: 'a DestinationRule originates TLS without verifying the server certificate',
  severity: 'medium',
  step: 'certificates',
  sources: [{ analyzer: caCertificatesAnalyzer }],
  description:
    'DestinationRules with TLS mode SIMPLE or MUTUAL (at destination or port level) and no `caCertificates` (istioctl analyze IST0128, IST0129). `credentialName` ' +
    'counts only with a `workloadSelector`, as in Istio. ISTIO_MUTUAL needs none: Istio supplies the mesh CA.',
  rationale: 'Without a CA to verify against, the proxy cannot check who it is talking to: the TLS connection is encrypted but open to a man in the middle.',
  remediation: 'Set `caCertificates` to the CA bundle of the server (or `credentialName` with a `workloadSelector`), and `sni`/`subjectAltNames` for the host.',
  threshold: { value: 'any SIMPLE/MUTUAL origination without CA', source: 'rule catalogue CFG011; Istio analysis IST0128, IST0129' },
  docs: ['https://istio.io/latest/docs/reference/config/networking/destination-rule/#ClientTLSSettings', 'https://istio.io/latest/docs/reference/config/analysis/ist0128/'],
  finding(message) {
    const port = message.details.port !== undefined ? ` on port ${message.details.port}` : '';
    return {
      severity: 'medium',
      headline: `TLS ${message.details.mode} to \`${message.details.host}\`${port} without server verification`,
      impact: 'The server certificate is not checked against a CA, so the proxy cannot tell the real server from an impostor.',
      remediation: `Add \`caCertificates\` (the server's CA bundle) to the TLS settings${port}, with \`subjectAltNames\` for \`${message.details.host}\`.`,
    };
  },
});
