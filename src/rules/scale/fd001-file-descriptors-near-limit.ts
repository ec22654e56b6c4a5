import type { FileDescriptorsRecord } from '../../model/facets.js';
import { evidenceAt, usedPercent } from '../evidence.js';
import { defineRule, type Severity } from '../rule.js';
import { shell } from '../shell.js';

/**
 * Shares of the descriptor limit, the node-exporter mixin's `NodeFileDescriptorLimit` grades
 * (warning above 70%, critical above 90% of the limit) applied to the proxy's limit.
 */
export const FD_SHARES: ReadonlyArray<{ above: number; severity: Severity }> = [
  { above: 0.9, severity: 'high' },
  { above: 0.7, severity: 'medium' },
];

export const fd001 = defineRule({
  id: 'FD001',
  slug: 'file-descriptors-near-limit',
  title: 'a proxy has open file descriptors near its limit',
  severity: 'high',
  step: 'scale',
  inputs: { required: ['proxy.fileDescriptors'] },
  description:
    'Compares the open file descriptors of the istio-proxy container (collect.sh counts those of all its processes: Envoy, pilot-agent and the counting shell, so slightly more ' +
    'than Envoy holds) with the descriptor limit: the hard limit when the file gives it (Envoy and pilot-agent raise their soft limit to the hard one at start-up), else the ' +
    '`ulimit -n` soft limit. High above 90% of the limit, medium above 70%. An `unlimited` limit never fires.',
  rationale:
    'Envoy uses one descriptor per downstream and per upstream connection. At the limit it can no longer accept or open connections: new requests fail ' +
    '(`Too many open files`), listeners stop accepting, and the pod looks healthy to Kubernetes while it drops traffic.',
  remediation:
    'Find what holds the descriptors: the proxy\'s active connections (`downstream_cx_active`, `upstream_cx_active` in its stats), a client that never closes ' +
    'connections, or connection pools to very many endpoints (a DestinationRule `connectionPool` caps them: `tcp.maxConnections`, `http.idleTimeout`). Only when the ' +
    'count is legitimate, raise the limit where it is set: the container runtime\'s `LimitNOFILE` (Kubernetes has no per-pod setting).',
  threshold: {
    value: `above ${FD_SHARES[0]!.above * 100}% of the limit high, above ${FD_SHARES[1]!.above * 100}% medium; \`unlimited\` never`,
    source: 'rule catalogue (`istio-bundle explain FD001`), with the grades of the Prometheus node-exporter mixin alert NodeFileDescriptorLimit (warning > 70%, critical > 90%); Istio production debugging guide ("File Descriptors: One per upstream connection")',
  },
  docs: ['https://www.envoyproxy.io/docs/envoy/latest/configuration/upstream/cluster_manager/cluster_stats', 'https://istio.io/latest/docs/reference/config/networking/destination-rule/#ConnectionPoolSettings'],
  check(inputs, context) {
    for (const record of inputs['proxy.fileDescriptors']) {
      const limit = record.hard ?? record.soft;
      if (limit.value === 'unlimited' || limit.value === 0) continue;
      const share = record.open.value / limit.value;
      const grade = FD_SHARES.find((g) => share > g.above);
      if (!grade) continue;
      // Rounded down to a tenth, a share just over a line would print as the line itself ("90.0%, over the 90% line").
      const percent = usedPercent(share) === usedPercent(grade.above) ? `just over ${grade.above * 100}%` : usedPercent(share);
      const which = record.hard ? 'hard limit' : '`ulimit -n` soft limit';
      context.report({
        severity: grade.severity,
        subject: record.pod === undefined ? { kind: 'File', name: record.path } : { kind: 'Pod', ...(record.namespace ? { namespace: record.namespace } : {}), name: record.pod },
        title: `${record.pod ?? record.path}: ${record.open.value} open file descriptors, ${percent} of the limit of ${limit.value}`,
        evidence: [evidenceAt({ path: record.path, line: record.open.line }, String(record.open.value)), evidenceAt({ path: record.path, line: limit.line }, String(limit.value))],
        explanation:
          `The istio-proxy container's processes hold ${record.open.value} open file descriptors, ${percent} of its ${which} of ${limit.value} ` +
          `(over the ${grade.above * 100}% line).${record.hard ? '' : ' The file gives no hard limit: Envoy may run with a higher one (it raises its soft limit to the hard one at start-up), so collect again with the current collect.sh, which prints the hard limit too.'}` +
          ' Each connection takes one: at the limit the proxy refuses new connections.',
        commands: commandsFor(record),
      });
    }
  },
});

function commandsFor(record: FileDescriptorsRecord): string[] {
  if (record.pod === undefined) return [];
  const namespace = record.namespace ?? 'default';
  return [shell`kubectl exec ${record.pod} -n ${namespace} -c istio-proxy -- pilot-agent request GET ${'stats?filter=cx_active$'}`];
}
