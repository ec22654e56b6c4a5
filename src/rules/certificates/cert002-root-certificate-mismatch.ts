import type { CertificatesView, ProxyCertificates, RootConfigMap } from '../../model/views/certificates.js';
import { cacertsField, certificateKey as rootKey, checkChain, sameCertificate as sameRoot } from '../../model/views/certificates.js';
import { compareText } from '../../order.js';
import { evidenceAt, plural } from '../evidence.js';
import { defineRule, type Occurrence, type RuleContext } from '../rule.js';
import { shell } from '../shell.js';
import { certificateLine, certificateName, COLLECT_PROXY_SECRETS, NO_PROXY_CERTIFICATES, proxySubject } from './certificate-text.js';


export const cert002 = defineRule({
  id: 'CERT002',
  slug: 'root-certificate-mismatch',
  title: "a proxy's root certificate differs from the mesh's, proxies disagree on the root, or a chain does not verify against its root",
  severity: 'high',
  step: 'certificates',
  inputs: { anyOf: ['envoy.configDump', 'envoy.certs', 'certs.public', 'k8s.resources'], required: [], views: ['certificates'] },
  description:
    "Compares the roots each proxy trusts (SDS `ROOTCA`, by SHA-256 fingerprint; by serial where only Envoy's `/certs` is there) with the `istio-ca-root-cert` " +
    "ConfigMap istiod publishes in the proxy's namespace (else the control plane's): none of its roots trusted is high, some of them medium (a rotation under way). " +
    'Without any ConfigMap, proxies that trust disjoint roots. Also verifies signatures with Node\'s X.509: the workload chain against the proxy\'s own roots, and ' +
    'the `cacerts` CA certificate against its `root-cert.pem`.',
  rationale:
    'Two workloads can talk mTLS only if each trusts the root that signed the other. A proxy holding a root the mesh no longer uses (a `cacerts` plugged in without ' +
    'restarting the workloads, a CA rotation half done) rejects its peers with `CERTIFICATE_VERIFY_FAILED`, and they reject it.',
  remediation:
    'Restart the workloads whose proxies hold the old root so they get the current one, after checking that istiod serves the intended CA. For a plugged-in CA, ' +
    '`ca-cert.pem` must be signed by `root-cert.pem` and `cert-chain.pem` must lead from one to the other.',
  threshold: { value: 'none of the ConfigMap roots trusted high, some medium; disjoint roots between proxies high; a chain that does not verify high', source: 'rule catalogue CERT002' },
  docs: ['https://istio.io/latest/docs/tasks/security/cert-management/plugin-ca-cert/', 'https://istio.io/latest/docs/ops/diagnostic-tools/proxy-cmd/#debugging-sds', 'https://istio.io/latest/docs/ops/configuration/security/root-transition/'],
  check(inputs, context) {
    const view = inputs.certificates;
    const caPair = ['ca-cert.pem', 'root-cert.pem'].every((field) => cacertsField(view.caCertificates, field) !== undefined);
    if (view.proxies.length === 0 && !caPair) return context.notChecked(`${NO_PROXY_CERTIFICATES}, nor the cacerts CA and root`, [...COLLECT_PROXY_SECRETS, 'kubectl get configmap istio-ca-root-cert -n <namespace> -o json']);
    reportAgainstConfigMaps(view, context);
    if (view.rootConfigMaps.length === 0) reportDisagreement(view.proxies, context);
    reportChains(view.proxies, context);
    reportCaSecretChain(view, context);
  },
});

function reportAgainstConfigMaps(view: CertificatesView, context: RuleContext): void {
  const groups = new Map<string, { configMap: RootConfigMap; proxies: Array<{ proxy: ProxyCertificates; none: boolean }> }>();
  for (const proxy of view.proxies) {
    const match = view.rootMatch(proxy);
    if (match.state === 'unknown' || match.state === 'match') continue;
    const key = `${match.configMap.namespace}\u0000${proxy.namespace ?? ''}`;
    const group = groups.get(key) ?? { configMap: match.configMap, proxies: [] };
    group.proxies.push({ proxy, none: match.state === 'differs' });
    groups.set(key, group);
  }
  for (const [key, { configMap, proxies }] of [...groups].sort(([a], [b]) => compareText(a, b))) {
    const namespace = key.split('\u0000')[1] || undefined;
    const none = proxies.filter((p) => p.none);
    const example = (none[0] ?? proxies[0])!.proxy;
    const theirs = example.roots!.certificates;
    const fallback = namespace !== configMap.namespace;
    context.report({
      key: 'configmap',
      severity: none.length > 0 ? 'high' : 'medium',
      subject: namespace ? { kind: 'Namespace', name: namespace } : proxySubject(example),
      title: `${plural(proxies.length, 'proxy', 'proxies')}${namespace ? ` in \`${namespace}\`` : ''} ${none.length > 0 ? `${proxies.length === 1 ? 'trusts' : 'trust'} a root other than` : `${proxies.length === 1 ? 'does' : 'do'} not yet trust every root of`} the mesh's \`istio-ca-root-cert\``,
      evidence: [evidenceAt(configMap.source, configMap.certificates.map(certificateLine).join('\n')), ...proxies.slice(0, 4).map((p) => evidenceAt(p.proxy.roots!.source, p.proxy.roots!.certificates.map(certificateLine).join('\n')))],
      explanation:
        `istiod publishes the mesh's root${configMap.certificates.length === 1 ? '' : 's'} ${configMap.certificates.map((c) => `\`${certificateName(c)}\` (${rootKey(c)})`).join(', ')} ` +
        `in ConfigMap \`${configMap.namespace}/istio-ca-root-cert\`${fallback ? ` (the control plane's: the bundle has none of \`${namespace ?? 'that namespace'}\`)` : ''}. ` +
        `${example.id} trusts ${theirs.map((c) => `\`${certificateName(c)}\` (${rootKey(c)})`).join(', ')} instead` +
        `${proxies.length > 1 ? `, and so do ${plural(proxies.length - 1, 'other proxy', 'other proxies')} there` : ''}. ` +
        (none.length > 0
          ? 'Its peers present certificates signed by a root it does not trust: mTLS handshakes between them fail (`CERTIFICATE_VERIFY_FAILED`). This is what a CA change looks like when the workloads were not restarted.'
          : 'It trusts some of them: a root rotation is under way and has not reached it; once the old root is dropped, it will fail.'),
      remediation:
        'Check that istiod serves the CA you intend (the `cacerts` Secret, CERT003), then restart the workloads that hold the old root so their agents fetch the current one: ' +
        'a pod keeps the root it started with until its proxy restarts.',
      commands: [
        ...(example.pod && example.namespace ? [shell`istioctl proxy-config secret ${example.pod} -n ${example.namespace} -o json` + " | jq -r '.dynamicActiveSecrets[] | select(.name==\"ROOTCA\") | .secret.validationContext.trustedCa.inlineBytes' | base64 -d | openssl x509 -noout -fingerprint -sha256"] : []),
        shell`kubectl get configmap istio-ca-root-cert -n ${configMap.namespace} -o jsonpath=${'{.data.root-cert\\.pem}'}` + ' | openssl x509 -noout -fingerprint -sha256',
        ...(namespace ? [shell`kubectl rollout restart deployment -n ${namespace}`] : []),
      ],
      occurrences: proxies.map(({ proxy }): Occurrence => ({ subject: proxySubject(proxy), count: 1, evidence: evidenceAt(proxy.roots!.source, proxy.roots!.certificates.map(certificateLine).join('\n')) })),
    });
  }
}

/** Without the ConfigMap, the proxies among themselves: groups that share no root cannot talk mTLS. */
function reportDisagreement(proxies: readonly ProxyCertificates[], context: RuleContext): void {
  const byRoots = new Map<string, ProxyCertificates[]>();
  for (const proxy of proxies) {
    const roots = proxy.roots?.certificates;
    if (!roots?.length) continue;
    const key = roots.map(rootKey).sort().join(' + ');
    byRoots.set(key, [...(byRoots.get(key) ?? []), proxy]);
  }
  const groups = [...byRoots.values()].sort((a, b) => b.length - a.length || compareText(a[0]!.id, b[0]!.id));
  if (groups.length < 2) return;
  const disjoint = groups.slice(1).filter((g) => !g[0]!.roots!.certificates.some((r) => groups[0]![0]!.roots!.certificates.some((s) => sameRoot(r, s))));
  if (disjoint.length === 0) return;
  const describeGroup = (g: ProxyCertificates[]) => `${plural(g.length, 'proxy', 'proxies')} (${g.slice(0, 3).map((p) => p.id).join(', ')}${g.length > 3 ? ', …' : ''}) trust ${g[0]!.roots!.certificates.map((c) => `\`${certificateName(c)}\` (${rootKey(c)})`).join(' + ')}`;
  context.report({
    key: 'disagree',
    subject: { kind: 'Mesh', name: 'root certificates' },
    title: `proxies disagree on the mesh's root: ${groups.map((g) => g.length).join(' vs ')} proxies trust different roots`,
    evidence: groups.slice(0, 4).map((g) => evidenceAt(g[0]!.roots!.source, g[0]!.roots!.certificates.map(certificateLine).join('\n'))),
    explanation: `${groups.map(describeGroup).join('; ')}. Proxies that share no root reject each other's certificates. The bundle has no \`istio-ca-root-cert\` ConfigMap to say which root istiod serves now.`,
    remediation: 'Find the root istiod signs with now (the `cacerts` Secret, else `istio-ca-secret`), and restart the workloads whose proxies trust another.',
    commands: ['kubectl get configmap istio-ca-root-cert -n istio-system -o jsonpath=\'{.data.root-cert\\.pem}\' | openssl x509 -noout -fingerprint -sha256 -subject -dates'],
    occurrences: groups.slice(1).flat().map((proxy): Occurrence => ({ subject: proxySubject(proxy), count: 1, evidence: evidenceAt(proxy.roots!.source, proxy.roots!.certificates.map(certificateLine).join('\n')) })),
  });
}

function reportChains(proxies: readonly ProxyCertificates[], context: RuleContext): void {
  const failing = proxies.filter((p) => p.chain.result === 'fails');
  const byNamespace = new Map<string, ProxyCertificates[]>();
  for (const proxy of failing) byNamespace.set(proxy.namespace ?? proxy.id, [...(byNamespace.get(proxy.namespace ?? proxy.id) ?? []), proxy]);
  for (const [where, group] of [...byNamespace].sort(([a], [b]) => compareText(a, b))) {
    const first = group[0]!;
    const problem = first.chain.result === 'fails' ? first.chain.problem : '';
    context.report({
      key: 'chain',
      subject: first.namespace ? { kind: 'Namespace', name: first.namespace } : proxySubject(first),
      title: `${plural(group.length, 'proxy', 'proxies')}${first.namespace ? ` in \`${where}\`` : ''} present a workload certificate their own roots do not verify`,
      evidence: group.slice(0, 4).flatMap((p) => [evidenceAt(p.workload!.source, p.workload!.chain.map(certificateLine).join('\n')), evidenceAt(p.roots!.source, p.roots!.certificates.map(certificateLine).join('\n'))]),
      explanation:
        `For ${first.id}, ${problem} (checked with the certificates' signatures, not their names). A proxy's peers trust the same roots it does, so they reject the certificate it presents: ` +
        'its mTLS connections fail both ways. The certificate was signed by another CA than the one whose root the mesh distributes: typically a `cacerts` whose `ca-cert.pem` does not belong to its `root-cert.pem`, or a root rotated under running workloads.',
      remediation: 'Make istiod sign with a CA that chains to the distributed root (check `cacerts` with the commands below; CERT003 reports its dates), then restart the affected workloads.',
      commands: [...(first.pod && first.namespace ? [shell`istioctl proxy-config secret ${first.pod} -n ${first.namespace}`] : []), ...CACERTS_CHAIN_CHECK],
      occurrences: group.map((proxy): Occurrence => ({ subject: proxySubject(proxy), count: 1, evidence: evidenceAt(proxy.workload!.source, certificateLine(proxy.workload!.chain[0]!)) })),
    });
  }
}

/** A plugged-in CA whose `ca-cert.pem` is not signed by the `root-cert.pem` beside it: workloads get certificates no peer can verify. */
function reportCaSecretChain(view: CertificatesView, context: RuleContext): void {
  const caField = cacertsField(view.caCertificates, 'ca-cert.pem');
  const rootField = cacertsField(view.caCertificates, 'root-cert.pem');
  if (!caField || !rootField || caField.ca === rootField.ca) return;
  const [ca, root] = [caField.ca, rootField.ca];
  const check = checkChain([ca.certificate], [root.certificate]);
  if (check.result !== 'fails') return;
  context.report({
    key: 'cacerts',
    severity: 'critical',
    subject: { kind: 'Secret', namespace: context.bundle.istioNamespace, name: 'cacerts' },
    title: '`cacerts`: `ca-cert.pem` is not signed by `root-cert.pem`',
    evidence: [evidenceAt(caField.source, certificateLine(ca.certificate)), evidenceAt(rootField.source, certificateLine(root.certificate))],
    explanation:
      `istiod signs workload certificates with \`${certificateName(ca.certificate)}\` and distributes \`${certificateName(root.certificate)}\` as the root, but the signature check fails: ${check.problem}. ` +
      'Every certificate istiod issues fails verification at its peers.',
    remediation:
      'Put a matching set into `cacerts` (`ca-cert.pem` and `ca-key.pem` of an intermediate signed by `root-cert.pem`, `cert-chain.pem` leading to that root), restart istiod, then the workloads. ' +
      'To restore traffic first: apply a mesh-wide PERMISSIVE PeerAuthentication, `kubectl delete secret cacerts -n istio-system`, `kubectl rollout restart deployment/istiod -n istio-system` ' +
      '(2–3 minutes for certificates to propagate; istiod then signs with its self-signed `istio-ca-secret`). Afterwards plug the corrected CA in, restart the workloads, and delete the PERMISSIVE policy (CERT005 reminds you).',
    commands: CACERTS_CHAIN_CHECK,
  });
}

/** Whether the plugged-in CA belongs to the root beside it, checked where the customer runs it. */
const CACERTS_CHAIN_CHECK = [
  'kubectl get secret cacerts -n istio-system -o go-template=\'{{index .data "ca-cert.pem" | base64decode}}\' > ca-cert.pem',
  'kubectl get secret cacerts -n istio-system -o go-template=\'{{index .data "root-cert.pem" | base64decode}}\' > root-cert.pem',
  'openssl verify -CAfile root-cert.pem ca-cert.pem',
];
