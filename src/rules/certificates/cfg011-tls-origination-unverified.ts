import { caCertificatesAnalyzer, insecureSkipVerifyAnalyzer } from '../../analysis/analyzers/destination-rule-ca-certificates.js';
import type { BundleFacts } from '../../model/facets.js';
import { defineMessageRule } from '../configuration/message-rule.js';

/**
 * Since Istio 1.21 `VERIFY_CERTIFICATE_AT_CLIENT` is on by default: without `caCertificates` the
 * proxy verifies the server against its OS CA bundle (istio/api#3122, istio.io ClientTLSSettings).
 */
const VERIFIES_BY_DEFAULT_SINCE = [1, 21] as const;

export const cfg011 = defineMessageRule({
  id: 'CFG011',
  slug: 'tls-origination-unverified',
  title: 'a DestinationRule originates TLS without pinning or without verifying the server certificate',
  severity: 'medium',
  step: 'certificates',
  sources: [{ analyzer: caCertificatesAnalyzer }, { analyzer: insecureSkipVerifyAnalyzer }],
  description:
    'DestinationRules with TLS mode SIMPLE or MUTUAL (at destination or port level) and no `caCertificates` (istioctl analyze IST0128, IST0129; `credentialName` ' +
    'counts only with a `workloadSelector`, as in Istio), graded by the Istio release in the bundle: from 1.21 the proxies verify such servers against their OS CA ' +
    'bundle, before that (without `VERIFY_CERTIFICATE_AT_CLIENT`) not at all. Beyond istioctl analyze: `insecureSkipVerify: true`, which turns verification off on purpose. ' +
    'ISTIO_MUTUAL needs none of this: Istio supplies the mesh CA.',
  rationale:
    'Without verification the proxy cannot tell the real server from an impostor: the connection is encrypted but open to a man in the middle. With the OS bundle ' +
    'only, a server with a private CA fails the handshake, and any public CA can vouch for the host.',
  remediation: 'Set `caCertificates` to the CA bundle of the server (or `credentialName` with a `workloadSelector`), with `subjectAltNames` for the host; remove `insecureSkipVerify`.',
  threshold: {
    value: 'insecureSkipVerify medium; no caCertificates medium before Istio 1.21 (or release unknown), low from 1.21',
    source: 'rule catalogue CFG011; Istio analysis IST0128, IST0129; VERIFY_CERTIFICATE_AT_CLIENT on by default since Istio 1.21 (istio/api#3122)',
  },
  docs: ['https://istio.io/latest/docs/reference/config/networking/destination-rule/#ClientTLSSettings', 'https://istio.io/latest/docs/ops/best-practices/security/#configure-tls-verification-in-destination-rule-when-using-tls-origination'],
  finding(message, _view, _confirmed, bundle) {
    const port = message.details.port !== undefined ? ` on port ${message.details.port}` : '';
    if (message.details.mode === 'insecureSkipVerify') {
      return {
        severity: 'medium',
        headline: `TLS to \`${message.details.host}\`${port} skips server verification`,
        impact: 'The proxy checks neither the CA signature nor the name of the server certificate: anyone who can answer for the host is trusted. Often left in place after an emergency.',
        remediation: 'Remove `insecureSkipVerify` and set `caCertificates` (the server\'s CA bundle) with `subjectAltNames` for the host.',
      };
    }
    const verifiesByDefault = releasesVerifyByDefault(bundle);
    return {
      severity: verifiesByDefault ? 'low' : 'medium',
      headline: `TLS ${message.details.mode} to \`${message.details.host}\`${port} without caCertificates`,
      impact: verifiesByDefault
        ? `The bundle's proxies run Istio ${bundle.istioVersions.dataPlane.join(', ')} (≥ 1.21), which verify such servers against their OS CA bundle: a server with a private CA fails the handshake, and any public CA can vouch for the host.`
        : `${bundle.istioVersions.dataPlane.length > 0 ? `The bundle's proxies run Istio ${bundle.istioVersions.dataPlane.join(', ')}: before 1.21` : 'The bundle does not show the Istio release; before 1.21'} proxies accept any server certificate here unless \`VERIFY_CERTIFICATE_AT_CLIENT\` is set.`,
      remediation: `Add \`caCertificates\` (the server's CA bundle) to the TLS settings${port}, with \`subjectAltNames\` for \`${message.details.host}\`.`,
    };
  },
});

/** Every proxy release in the bundle is 1.21 or later (none known: assume the worst). */
function releasesVerifyByDefault(bundle: BundleFacts): boolean {
  const releases = bundle.istioVersions.dataPlane;
  return releases.length > 0 && releases.every((v) => atLeast(v, VERIFIES_BY_DEFAULT_SINCE));
}

function atLeast(version: string, [major, minor]: readonly [number, number]): boolean {
  const m = /^(\d+)\.(\d+)/.exec(version);
  if (!m) return false;
  const [a, b] = [Number(m[1]), Number(m[2])];
  return a > major || (a === major && b >= minor);
}
