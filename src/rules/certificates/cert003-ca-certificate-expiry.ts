import type { CaCertificate } from '../../model/views/certificates.js';
import { evidenceAt } from '../evidence.js';
import { shell } from '../shell.js';
import { defineRule, type Subject } from '../rule.js';
import { certificateLine, certificateName, collectionTime, rfc3339 } from './certificate-text.js';
import { span, validityAt } from './validity.js';

/** Days before a CA certificate's expiry from which it is reported: time to plan a rotation (rule catalogue CERT003). */
export const CA_EXPIRY_WARNING_DAYS = 30;
const DAY = 86_400_000;

export const cert003 = defineRule({
  id: 'CERT003',
  slug: 'ca-certificate-expiry',
  title: 'a CA certificate (cacerts, istio-ca-secret, the mesh root) has expired or expires within 30 days',
  severity: 'critical',
  step: 'certificates',
  inputs: { anyOf: ['certs.public', 'k8s.resources', 'envoy.configDump', 'envoy.certs'], required: [], views: ['certificates'] },
  description:
    'Every CA certificate the bundle holds, once each (by fingerprint): the public fields of the `cacerts` / `istio-ca-secret` Secrets (collect.sh `certs/<secret>/<field>`, ' +
    'or Secret objects a customer exported), the `istio-ca-root-cert` ConfigMaps, and the roots and intermediates the proxies hold. At the collection time: expired is ' +
    `critical, expiring within ${CA_EXPIRY_WARNING_DAYS} days high.`,
  rationale:
    'When the CA istiod signs with expires, every workload certificate chained to it fails verification at once: "everything worked, then 100% failure". Workload ' +
    'certificates live 24 h; a CA lives years, and its end is easy to forget.',
  remediation:
    'Rotate the CA before it expires: a new intermediate signed by the same root into `cacerts` (then restart istiod and the workloads), or a root transition ' +
    '(istio.io "root transition"). When it has already expired, restore traffic first (the emergency restore in the finding), then plug in a renewed CA.',
  threshold: { value: `expired critical; within ${CA_EXPIRY_WARNING_DAYS} days of collection high`, source: 'rule catalogue CERT003 (Istio production debugging guide: CA expiry)' },
  docs: ['https://istio.io/latest/docs/tasks/security/cert-management/plugin-ca-cert/', 'https://istio.io/latest/docs/ops/configuration/security/root-transition/'],
  check(inputs, context) {
    const cas = inputs.certificates.caCertificates;
    if (cas.length === 0) {
      context.notChecked('no CA certificate in the bundle (the cacerts / istio-ca-secret public fields, the istio-ca-root-cert ConfigMap, or a proxy\'s roots)', [
        'kubectl get configmap istio-ca-root-cert -n istio-system -o json',
        'kubectl get secret cacerts -n istio-system -o "go-template={{index .data \\"ca-cert.pem\\" | base64decode}}"',
      ]);
      return;
    }
    const now = collectionTime(context, 'CA expiry');
    if (now === undefined) return;
    for (const ca of cas) {
      const validity = validityAt(ca.certificate, now);
      const left = Date.parse(ca.certificate.notAfter) - now;
      if (validity.state !== 'expired' && left > CA_EXPIRY_WARNING_DAYS * DAY) continue;
      const expired = validity.state === 'expired';
      const where = ca.seenIn.map((s) => s.what);
      const plugged = ca.seenIn.some((s) => s.origin.kind === 'Secret' && s.origin.name === 'cacerts');
      const name = certificateName(ca.certificate);
      context.report({
        key: ca.certificate.sha256 ?? ca.certificate.serial,
        severity: expired ? 'critical' : 'high',
        subject: subjectOf(ca, context.bundle.istioNamespace),
        title: `CA certificate \`${name}\` ${expired ? `expired ${span(now - Date.parse(ca.certificate.notAfter))} before collection` : `expires in ${span(left)}`} (${rfc3339(ca.certificate.notAfter)})`,
        evidence: ca.seenIn.slice(0, 5).map((s) => evidenceAt(s.source, certificateLine(ca.certificate))),
        explanation:
          `\`${name}\` (serial ${ca.certificate.serial}${ca.certificate.issuer ? `, issued by \`${ca.certificate.issuer}\`` : ''}) is valid until ${rfc3339(ca.certificate.notAfter)}; ` +
          `the bundle was collected at ${rfc3339(now)}. Seen in: ${where.slice(0, 5).join('; ')}${where.length > 5 ? '; …' : ''}. ` +
          (expired
            ? 'Every workload certificate chained to it now fails verification, whatever its own dates: mTLS between workloads fails everywhere at once.'
            : `In ${span(left)} every workload certificate chained to it fails verification at once.`),
        remediation: expired
          ? 'Restore traffic first, then fix the CA. Emergency restore (seconds, not minutes): apply a mesh-wide PERMISSIVE PeerAuthentication (below) so plaintext works while certificates are replaced' +
            (plugged ? ', delete the expired plugged-in CA (`kubectl delete secret cacerts -n istio-system`)' : '') +
            ', restart istiod (`kubectl rollout restart deployment/istiod -n istio-system`); certificates take 2–3 minutes to propagate. ' +
            (plugged ? 'istiod then signs with its self-signed CA (`istio-ca-secret`), a new root: restart the workloads so they trust it. ' : 'Renew the CA, then restart the workloads. ') +
            'Afterwards: plug in a renewed CA (a new intermediate signed by your root), restart istiod and the workloads, and delete the `emergency-permissive` PeerAuthentication (CERT005 flags it while it stays).'
          : `Rotate it within the ${span(left)} left: ${plugged ? 'put a renewed intermediate (signed by the same root) into `cacerts`, restart istiod, then the workloads over the next day' : selfSigned(ca) ? 'follow Istio\'s root transition procedure for a self-signed root' : `have \`${ca.certificate.issuer ?? 'its issuer'}\` issue a renewed one and plug it in (\`cacerts\`), then restart istiod and the workloads`}.`,
        commands: expired
          ? ['kubectl apply -f emergency-permissive.yaml', ...(plugged ? ['kubectl delete secret cacerts -n istio-system'] : []), 'kubectl rollout restart deployment/istiod -n istio-system', 'istioctl proxy-config secret <pod> -n <namespace>   # 2–3 minutes later: new certificates']
          : [readCommand(ca, context.bundle.istioNamespace)],
        ...(expired
          ? {
              yaml:
                '# emergency-permissive.yaml: accept plaintext while certificates are replaced; delete it afterwards\n' +
                `apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: emergency-permissive\n  namespace: ${context.bundle.istioNamespace}\nspec:\n  mtls:\n    mode: PERMISSIVE\n`,
            }
          : {}),
      });
    }
  },
});

/** The CA Secret it belongs to when it was seen there, else the root ConfigMap, else the certificate itself. */
function subjectOf(ca: CaCertificate, istioNamespace: string): Subject {
  for (const { origin } of ca.seenIn) {
    if (origin.kind === 'Secret' || origin.kind === 'ConfigMap') return { kind: origin.kind, namespace: origin.namespace || istioNamespace, name: origin.name };
  }
  return { kind: 'Certificate', name: certificateName(ca.certificate) };
}

/** Subject and issuer the same: a root the mesh made for itself (or an operator's root plugged in as is). */
function selfSigned(ca: CaCertificate): boolean {
  return ca.certificate.subject !== undefined && ca.certificate.subject === ca.certificate.issuer;
}

/** The command that prints the certificate from where the bundle saw it, most authoritative first. */
function readCommand(ca: CaCertificate, istioNamespace: string): string {
  const openssl = ' | openssl x509 -noout -subject -enddate';
  for (const { origin } of ca.seenIn) {
    if (origin.kind === 'Secret') return `${shell`kubectl get secret ${origin.name} -n ${origin.namespace || istioNamespace} -o ${`go-template={{index .data "${origin.field}" | base64decode}}`}`}${openssl}`;
    if (origin.kind === 'ConfigMap') return `${shell`kubectl get configmap ${origin.name} -n ${origin.namespace || istioNamespace} -o ${'jsonpath={.data.root-cert\\.pem}'}`}${openssl}`;
  }
  return `${shell`kubectl get secret cacerts -n ${istioNamespace} -o ${'go-template={{index .data "ca-cert.pem" | base64decode}}'}`}${openssl}`;
}
