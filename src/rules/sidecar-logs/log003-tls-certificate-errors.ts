import { defineRule } from '../rule.js';
import { peerAuthenticationInForce, tlsTowardPlaintext, upstreamOf } from './tls-causes.js';
import { podOfLog } from '../../analysis/workloads.js';
import type { LogRecord } from '../../model/facets.js';
import { groupEvidence, groupOccurrences, groupSeverityNote, keysText, rowPerKey, spanText, whoText, worstPodsText } from './by-target.js';
import { workloadGroups, workloadLabel } from './by-workload.js';
import { podCommands, podLabel, SIGNATURE_THRESHOLD } from './signature-findings.js';

export const log003 = defineRule({
  id: 'LOG003',
  slug: 'tls-certificate-errors',
  title: 'TLS handshake or certificate errors: an mTLS or certificate problem',
  severity: 'high',
  step: 'sidecar-logs',
  inputs: { required: ['logs.proxy'], optional: ['k8s.resources', 'kubectl.pods'], views: ['configuration'] },
  description:
    'Counts, per workload (replicas are one finding, each pod among its occurrences), TLS and certificate failures: BoringSSL reasons (`CERTIFICATE_VERIFY_FAILED`, `WRONG_VERSION_NUMBER`, `TLS error:`), Go x509 errors, ' +
    'pilot-agent `failed to warm certificate` / `failed to generate secret`, and access-log lines whose upstream transport failure is TLS. ' +
    '"stream closed", which older guides list as a TLS sign, is matched only with these markers: a bare `gRPC config stream closed` is an xDS reconnect (LOG008). High; critical when most requests fail this way, medium when under 1% of at least 1,000. ' +
    'With the configuration in the bundle, a `WRONG_VERSION_NUMBER` toward a Service whose pods run no sidecar while a DestinationRule forces TLS to it is named as the cause, ' +
    'and for failures that are not outbound the pod\'s inbound mTLS mode is given with the PeerAuthentications that set it (mesh, namespace, workload, port-level).',
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
    const index = inputs.configuration.index;
    const podRecord = (log: LogRecord) => podOfLog(index, log);
    // The replicas of a workload fail the same handshakes: one finding per workload, its pods as occurrences.
    for (const group of workloadGroups(inputs['logs.proxy'], 'tlsError', podRecord)) {
      const worst = group.sides[0]!.log;
      const rows = rowPerKey(group);
      // TLS rows are keyed by reason: the access line each kept names the upstream it failed toward.
      const causes = rows
        .filter((row) => row.accessCount > 0 && /WRONG_VERSION_NUMBER/.test(row.key))
        .flatMap((row) => {
          const upstream = upstreamOf(row.first.text);
          const cause = upstream && worst.namespace ? tlsTowardPlaintext(index, upstream, worst.namespace) : undefined;
          return cause ? [cause] : [];
        });
      // The pod's own PeerAuthentication decides its inbound side only: shown when a failure is not outbound.
      const notOutbound = rows.some((row) => row.accessCount === 0 || upstreamOf(row.first.text) === undefined);
      const peer = notOutbound ? peerAuthenticationInForce(index, podRecord(worst), worst.namespace) : undefined;
      const fix = causes.find((c) => c.yaml !== undefined);
      context.report({
        severity: group.severity,
        subject: group.subject,
        title: `TLS/certificate errors in ${workloadLabel(group, podLabel)}`,
        evidence: [...groupEvidence(group), ...causes.flatMap((c) => c.evidence), ...(peer?.evidence ?? [])],
        occurrences: groupOccurrences(group),
        explanation:
          `${whoText(group)} logged TLS or certificate failures in ${group.volume}${spanText(group)}.` +
          (group.sides.length > 1 ? ` Most affected: ${worstPodsText(group)}.` : '') +
          keysText(group, 'reason') +
          causes.map((c) => ` ${c.text}`).join('') +
          (peer ? ` ${peer.text}` : '') +
          groupSeverityNote(group),
        ...(fix ? { remediation: fix.remediation, yaml: fix.yaml } : {}),
        commands: [
          ...podCommands(worst, (podArgs) => [`istioctl x describe pod ${podArgs}`, `istioctl proxy-config secret ${podArgs}`]),
          'kubectl get configmap istio-ca-root-cert -n istio-system -o yaml',
        ],
      });
    }
  },
});
