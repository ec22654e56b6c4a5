import type { ConfigIndex } from '../../analysis/config-index.js';
import { mtlsConflicts, type MtlsConflict } from '../../analysis/mtls.js';
import type { ResourceRecord } from '../../model/facets.js';
import { evidenceAt } from '../evidence.js';
import { defineRule, type FindingInput } from '../rule.js';
import { shell } from '../shell.js';

export const cert004 = defineRule({
  id: 'CERT004',
  slug: 'mtls-mode-conflict',
  title: "a DestinationRule's TLS mode contradicts the server's PeerAuthentication or sidecar",
  severity: 'high',
  step: 'certificates',
  inputs: { required: ['k8s.resources', 'kubectl.pods'], views: ['configuration'] },
  description:
    'For every DestinationRule TLS setting (rule, port level, subset) toward a Service of the bundle, the pods it reaches and their inbound mTLS mode as Istio ' +
    'resolves it (PeerAuthentication of the workload, with its port level, over the namespace over the mesh; the oldest of a level; UNSET inherits; none is ' +
    'PERMISSIVE). Fires on: `tls.mode: DISABLE` toward sidecars that require STRICT; `ISTIO_MUTUAL` toward sidecars whose mode is DISABLE; TLS toward pods without ' +
    'a sidecar (`ISTIO_MUTUAL` always, SIMPLE/MUTUAL on a plaintext port). Names both resources.',
  rationale:
    'The client side (DestinationRule) and the server side (PeerAuthentication) must agree on mTLS. When they do not, every connection fails at the handshake: ' +
    'plaintext to a STRICT server is reset (503 `UC`, `connection reset by peer`); TLS to a plaintext listener reads as garbage (`WRONG_VERSION_NUMBER`). ' +
    '`istioctl authn tls-check`, which used to show this, was removed in Istio 1.6.',
  remediation:
    'Usually drop the `tls` block of the DestinationRule and let auto mTLS choose per endpoint; or align one side with the other: `ISTIO_MUTUAL` toward STRICT ' +
    'sidecars, `DISABLE` toward pods without a sidecar, a PeerAuthentication that accepts what the clients send.',
  threshold: { value: 'any conflict', source: 'rule catalogue CERT004; Istio docs: PeerAuthentication, DestinationRule ClientTLSSettings, auto mutual TLS' },
  docs: [
    'https://istio.io/latest/docs/concepts/security/#peer-authentication',
    'https://istio.io/latest/docs/reference/config/security/peer_authentication/',
    'https://istio.io/latest/docs/reference/config/networking/destination-rule/#ClientTLSSettings-TLSmode',
    'https://istio.io/latest/docs/ops/common-problems/network-issues/#503-errors-after-setting-destination-rule',
  ],
  check(inputs, context) {
    const { index } = inputs.configuration;
    for (const conflict of mtlsConflicts(index)) context.report(findingOf(index, conflict));
  },
});

function findingOf(index: ConfigIndex, c: MtlsConflict): FindingInput {
  const rule = nameOf(index, c.destinationRule);
  const service = nameOf(index, c.service);
  const host = c.service.object.metadata.name;
  const port = c.port !== undefined ? ` port ${c.port}` : '';
  const subset = c.subset ? ` (subset \`${c.subset}\`)` : '';
  // The analysis lists the first few pods and counts the rest.
  const more = c.podCount > c.pods.length ? ` and ${c.podCount - c.pods.length} more` : '';
  const pods = `${c.pods.map((p) => `\`${p.object.metadata.name}\``).join(', ')}${more}`;
  const policy = c.peerAuthentication ? `PeerAuthentication \`${nameOf(index, c.peerAuthentication)}\`` : 'no PeerAuthentication (PERMISSIVE)';
  const field = c.drPointer.slice(1).replaceAll('/', '.');
  const evidence = [
    evidenceAt({ ...c.destinationRule.source, pointer: `${c.destinationRule.source.pointer ?? ''}${c.drPointer}` }, c.drMode),
    ...(c.peerAuthentication && c.paPointer ? [evidenceAt({ ...c.peerAuthentication.source, pointer: `${c.peerAuthentication.source.pointer ?? ''}${c.paPointer}` }, c.serverMode ?? '')] : []),
    ...c.pods.slice(0, 2).map((p) => evidenceAt({ ...p.source, pointer: `${p.source.pointer ?? ''}/spec/containers` })),
  ];
  const base = { key: `${c.kind} ${service}${port}${c.subset ? ` ${c.subset}` : ''}`, subject: { kind: 'DestinationRule', namespace: index.namespaceOf(c.destinationRule), name: c.destinationRule.object.metadata.name }, evidence };
  const verify = c.pods[0] ? [shell`istioctl x describe pod ${c.pods[0].object.metadata.name} -n ${index.namespaceOf(c.pods[0])}`] : [];
  if (c.kind === 'plaintext-to-strict') {
    return {
      ...base,
      title: `DestinationRule \`${rule}\` sends plaintext (DISABLE) to \`${service}\`${port}, whose sidecars require mTLS (STRICT)`,
      explanation:
        `\`${rule}\` sets \`${field}: DISABLE\` toward \`${service}\`${port}${subset}, but its pods (${pods}) accept only mTLS there: ${policy} sets STRICT. ` +
        'Every client that applies this DestinationRule connects in plaintext and is reset by the server sidecar (503 `UC`, `upstream connect error … connection reset`).',
      remediation: `Remove the \`tls\` block from \`${rule}\` (auto mTLS then sends mTLS to sidecars) or set \`ISTIO_MUTUAL\`; relax ${c.peerAuthentication ? `\`${nameOf(index, c.peerAuthentication)}\`` : 'the server'} to PERMISSIVE only if plaintext clients outside the mesh must reach it.`,
      yaml: `# DestinationRule ${rule}: ${field}\nmode: ISTIO_MUTUAL # was DISABLE: ${host}'s sidecars require STRICT mTLS`,
      commands: [...verify, shell`kubectl get destinationrule ${c.destinationRule.object.metadata.name} -n ${index.namespaceOf(c.destinationRule)} -o yaml`],
    };
  }
  if (c.kind === 'mtls-to-disabled') {
    return {
      ...base,
      title: `DestinationRule \`${rule}\` sends Istio mTLS to \`${service}\`${port}, whose sidecars accept plaintext only (DISABLE)`,
      explanation:
        `\`${rule}\` sets \`${field}: ${c.drMode}\` toward \`${service}\`${port}${subset}, but ${policy} sets DISABLE for its pods (${pods}): their inbound listener expects plaintext and ` +
        'reads the TLS handshake as a request. Connections fail (`WRONG_VERSION_NUMBER`, 503 `UC`).',
      remediation: `Make the two sides agree: \`mode: DISABLE\` in \`${rule}\` (or delete its \`tls\`), or PERMISSIVE/STRICT in the PeerAuthentication if mTLS is what you want.`,
      yaml: `# DestinationRule ${rule}: ${field}\nmode: DISABLE # was ${c.drMode}: ${host}'s sidecars have mTLS DISABLE`,
      commands: verify,
    };
  }
  return {
    ...base,
    title: `DestinationRule \`${rule}\` originates TLS (${c.drMode}) toward \`${service}\`${port}, whose pods run no sidecar`,
    explanation:
      `\`${rule}\` sets \`${field}: ${c.drMode}\` toward \`${service}\`${port}${subset}, but none of its pods (${pods}) runs an istio-proxy: they answer the TLS handshake in plaintext ` +
      '(`WRONG_VERSION_NUMBER` in the client\'s log, 503 `UF` or `UC`).',
    remediation: `Inject the sidecar into \`${host}\`'s workloads (label the namespace, restart them), or set \`mode: DISABLE\` in \`${rule}\` toward them.`,
    yaml: `# DestinationRule ${rule}: ${field}\nmode: DISABLE # was ${c.drMode}: the pods of ${host} have no sidecar`,
    commands: verify,
  };
}

function nameOf(index: ConfigIndex, record: ResourceRecord): string {
  return `${index.namespaceOf(record)}/${record.object.metadata.name}`;
}
