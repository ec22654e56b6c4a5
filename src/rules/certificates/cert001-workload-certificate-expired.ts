import { workloadOf } from '../../analysis/workloads.js';
import type { Certificate, ProxyCertificates } from '../../model/views/certificates.js';
import { compareText } from '../../order.js';
import { evidenceAt, namedList, plural } from '../evidence.js';
import { defineRule, type Occurrence, type RuleContext, type Subject } from '../rule.js';
import { shell } from '../shell.js';
import { EXPIRY_HORIZONS, ROTATION_OVERDUE_AT, SECRET_GRACE_PERIOD_RATIO, span, validityAt, type Validity } from './validity.js';
import { certificateLine, COLLECT_PROXY_SECRETS, collectionTime, NO_PROXY_CERTIFICATES, proxySubject, rfc3339 } from './certificate-text.js';

type Judged = { proxy: ProxyCertificates; leaf: Certificate; validity: Validity };

export const cert001 = defineRule({
  id: 'CERT001',
  slug: 'workload-certificate-expired',
  title: 'workload certificates expired or past their rotation point: certificate rotation is failing',
  severity: 'critical',
  step: 'certificates',
  inputs: { anyOf: ['envoy.configDump', 'envoy.certs'], required: [], optional: ['certs.public', 'k8s.resources'], views: ['certificates'] },
  description:
    "Reads the certificate each proxy presents for its mesh identity (SDS `default`: the config dump's secrets, decoded with Node's X.509 parser, or Envoy's `/certs`) " +
    'at the bundle\'s collection time, never the wall clock. Expired: critical. Older than half its lifetime (plus the 1% rotation jitter) and not replaced: high, the ' +
    'agent should have rotated it. One finding per namespace and issuer, counting how many certificates are expired, overdue, and expire within the hour and the day; ' +
    "also a gateway's TLS credential (another SDS secret holding a chain) that has expired.",
  rationale:
    'An expired workload certificate fails every mTLS handshake to and from that pod. Istio rotates them long before (24 h certificates at 12 h): one past that point ' +
    'means the agent cannot get a new one (istiod unreachable, the CA cannot sign), and the others will follow as they expire one by one — gradual failures that become total.',
  remediation:
    'Find why rotation fails: the proxy log (`SDS`, `failed to sign`, `cannot fetch cert`), istiod\'s CA (its log, an expired `cacerts`), connectivity to istiod on 15012. ' +
    'A restart gets a pod a new certificate once signing works again.',
  threshold: {
    value: `expired (critical); more than ${Math.round(ROTATION_OVERDUE_AT * 100)}% of its lifetime elapsed (high); counts within the hour and the day`,
    source: `rule catalogue CERT001; Istio pilot-agent SECRET_GRACE_PERIOD_RATIO (default ${SECRET_GRACE_PERIOD_RATIO}) and SECRET_GRACE_PERIOD_RATIO_JITTER (default 0.01), istio.io pilot-agent reference`,
  },
  docs: ['https://istio.io/latest/docs/reference/commands/pilot-agent/#envvars', 'https://istio.io/latest/docs/ops/diagnostic-tools/proxy-cmd/#debugging-sds', 'https://istio.io/latest/docs/concepts/security/#pki'],
  check(inputs, context) {
    const view = inputs.certificates;
    if (view.proxies.length === 0) return context.notChecked(NO_PROXY_CERTIFICATES, COLLECT_PROXY_SECRETS);
    const now = collectionTime(context, 'certificate expiry');
    if (now === undefined) return;
    const judged: Judged[] = view.proxies.flatMap((proxy) => {
      const leaf = proxy.workload?.chain[0];
      return leaf ? [{ proxy, leaf, validity: validityAt(leaf, now) }] : [];
    });
    const groups = new Map<string, Judged[]>();
    for (const item of judged) {
      const key = `${item.proxy.namespace ?? ''}\u0000${item.leaf.issuer ?? ''}`;
      groups.set(key, [...(groups.get(key) ?? []), item]);
    }
    for (const [key, items] of [...groups].sort(([a], [b]) => compareText(a, b))) reportGroup(items, key.split('\u0000')[1] ?? '', now, context);
    for (const proxy of view.proxies) {
      for (const credential of proxy.credentials) {
        const leaf = credential.chain[0];
        if (!leaf || validityAt(leaf, now).state !== 'expired') continue;
        reportCredential(proxy, credential, leaf, now, context);
      }
    }
  },
});

function reportGroup(items: Judged[], issuer: string, now: number, context: RuleContext): void {
  const expired = items.filter((i) => i.validity.state === 'expired');
  const overdue = items.filter((i) => i.validity.state === 'overdue');
  if (expired.length === 0 && overdue.length === 0) return;
  const namespace = items[0]!.proxy.namespace;
  const subject: Subject = namespace ? { kind: 'Namespace', name: namespace } : proxySubject(items[0]!.proxy);
  const worst = [...expired, ...overdue].sort(byUrgency);
  const soon = EXPIRY_HORIZONS.map((h) => ({ ...h, count: items.filter((i) => i.validity.state !== 'expired' && Date.parse(i.leaf.notAfter) - now <= h.ms).length }));
  const issuerText = issuer ? `issued by \`${issuer}\`` : 'issuer not shown (Envoy /certs)';
  const where = namespace ? `in \`${namespace}\`` : `of ${items[0]!.proxy.id}`;
  const parts = [expired.length > 0 ? `${expired.length} expired` : '', overdue.length > 0 ? `${overdue.length} past their rotation point` : ''].filter(Boolean).join(', ');
  const first = expired.length > 0 ? [...expired].sort((a, b) => compareText(a.leaf.notAfter, b.leaf.notAfter))[0]! : undefined;
  const outlook = soon.filter((s) => s.count > 0).map((s) => `${s.count} ${s.count === 1 ? 'expires' : 'expire'} ${s.label}`);
  const unexpired = items.length - expired.length;
  const restart = restartCommands(worst.map((w) => w.proxy));
  context.report({
    key: issuer,
    severity: expired.length > 0 ? 'critical' : 'high',
    subject,
    title: `${parts} of ${plural(items.length, 'workload certificate')} ${where} (${issuerText.replace(/`/g, '')})`,
    evidence: worst.slice(0, 5).map((w) => evidenceAt(w.proxy.workload!.source, certificateLine(w.leaf))),
    explanation:
      `At collection (${rfc3339(now)}), of the ${plural(items.length, 'workload certificate')} ${where} ${issuerText}: ${parts}.` +
      (first ? ` The first expired at ${rfc3339(first.leaf.notAfter)} (${first.proxy.id}); every mTLS connection to or from an expired pod fails its handshake.` : '') +
      (overdue.length > 0 ? ` Istio replaces a certificate once ${Math.round(SECRET_GRACE_PERIOD_RATIO * 100)}% of its lifetime is left; these were not replaced, so rotation is failing and they will expire in turn.` : '') +
      (outlook.length > 0 ? ` Of the ${unexpired} not yet expired, ${outlook.join(' and ')}.` : '') +
      ` The proxies, the worst first: ${namedList(worst, 5, (w) => `${w.proxy.id} (${describeValidity(w.validity)})`)}.`,
    remediation:
      'Rotation is failing: find why the agents get no new certificate before restarting anything. Check the proxy log for SDS errors, istiod\'s log for CA signing errors ' +
      '(CP009), and whether the CA itself has expired (CERT003; then the emergency restore there applies). Once istiod signs again, restart the affected workloads to ' +
      'get new certificates at once instead of waiting for their agents to retry.',
    commands: [
      ...worst.slice(0, 3).flatMap((w) => (w.proxy.pod && w.proxy.namespace ? [shell`istioctl proxy-config secret ${w.proxy.pod} -n ${w.proxy.namespace}`] : [])),
      ...(worst[0]?.proxy.pod && worst[0].proxy.namespace ? [`kubectl logs ${worst[0].proxy.pod} -n ${worst[0].proxy.namespace} -c istio-proxy | grep -iE 'sds|cert|sign'`] : []),
      'kubectl logs deploy/istiod -n istio-system -c discovery | grep -iE "csr|sign|certificate"',
      ...restart,
    ],
    occurrences: worst.map((w): Occurrence => ({ subject: proxySubject(w.proxy), count: 1, evidence: evidenceAt(w.proxy.workload!.source, certificateLine(w.leaf)) })),
  });
}

function reportCredential(proxy: ProxyCertificates, credential: ProxyCertificates['credentials'][number], leaf: Certificate, now: number, context: RuleContext): void {
  const secret = credential.name.replace(/^kubernetes:\/\//, '');
  context.report({
    key: `credential ${credential.name}`,
    severity: 'critical',
    subject: proxySubject(proxy),
    title: `${proxy.id} serves an expired TLS certificate \`${secret}\` (${leaf.dnsNames?.join(', ') ?? leaf.subject ?? leaf.serial})`,
    evidence: [evidenceAt(credential.source, certificateLine(leaf))],
    explanation:
      `The SDS secret \`${credential.name}\` of ${proxy.id} holds a certificate that expired ${span(now - Date.parse(leaf.notAfter))} before collection (${rfc3339(leaf.notAfter)}). ` +
      'Clients of this gateway reject the handshake. Istio does not renew a gateway credential: whoever issues the Secret (cert-manager, a CI job) must.',
    remediation: `Renew the certificate in the Secret the Gateway's \`credentialName\` names (\`${secret}\`, in the gateway's namespace); the gateway picks up the new one without a restart.`,
    commands: proxy.namespace ? [shell`kubectl get secret ${secret} -n ${proxy.namespace} -o jsonpath=${'{.data.tls\\.crt}'}` + " | base64 -d | openssl x509 -noout -dates -subject"] : [],
  });
}

function describeValidity(validity: Validity): string {
  if (validity.state === 'expired') return `expired ${span(validity.since)} ago`;
  if (validity.state === 'not-yet-valid') return 'not yet valid';
  return `${Math.round(validity.elapsed * 100)}% of its lifetime gone, ${span(validity.left)} left`;
}

/** Expired first (longest ago first), then overdue (least time left first). */
function byUrgency(a: Judged, b: Judged): number {
  const rank = (v: Validity) => (v.state === 'expired' ? -1e15 - v.since : v.state === 'overdue' ? v.left : Number.MAX_SAFE_INTEGER);
  return rank(a.validity) - rank(b.validity) || compareText(a.proxy.id, b.proxy.id);
}

/** `kubectl rollout restart` of the Deployments the worst pods belong to (by their names' shape: the view has no pod records). */
function restartCommands(proxies: ProxyCertificates[]): string[] {
  const commands = new Set<string>();
  for (const proxy of proxies) {
    if (!proxy.pod || !proxy.namespace) continue;
    const workload = workloadOf(proxy.pod);
    if (workload.kind === 'Deployment') commands.add(shell`kubectl rollout restart deployment/${workload.name} -n ${proxy.namespace}`);
  }
  return [...commands].slice(0, 3).map((c) => `${c}   # once istiod signs again`);
}
