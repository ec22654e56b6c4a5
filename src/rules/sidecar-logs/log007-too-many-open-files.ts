import { evidenceAt } from '../evidence.js';
import { defineRule } from '../rule.js';
import { breakdownText, podCommands, podLabel, signatureEvidence, signatureMatches, where } from './signature-findings.js';

export const log007 = defineRule({
  id: 'LOG007',
  slug: 'too-many-open-files',
  title: 'too many open files: the proxy ran out of file descriptors',
  severity: 'high',
  step: 'sidecar-logs',
  inputs: { required: ['logs.proxy'], optional: ['proxy.fileDescriptors'] },
  description:
    'Matches `too many open files` in Envoy\'s and pilot-agent\'s lines (`listener accept failure: Too many open files`, `socket(2) failed, got error: Too many open files`, ' +
    '`failed to start workload secret manager too many open files`), broken down by what failed. Shows the descriptor count and limit when the bundle has them (FD001 judges them).',
  rationale:
    'Every downstream and upstream connection is a file descriptor. At the limit Envoy cannot accept or open connections (requests fail with resets or 503s) and pilot-agent cannot watch its certificate files (inotify), so the sidecar may never become ready.',
  remediation:
    'Find what holds the connections (`kubectl exec <pod> -n <namespace> -c istio-proxy -- pilot-agent request GET stats | grep cx_active`); raise the container\'s limit (the node runtime\'s `LimitNOFILE`, or `fs.inotify.max_user_instances` for the agent\'s watch failures) and cap connection pools with a DestinationRule `connectionPool`.',
  threshold: { value: 'any match', source: 'rule catalogue (`istio-bundle explain LOG007`), after the Istio production debugging guide (file-descriptor exhaustion: one descriptor per upstream connection)' },
  docs: ['https://istio.io/latest/docs/reference/config/networking/destination-rule/#ConnectionPoolSettings', 'https://www.envoyproxy.io/docs/envoy/latest/faq/configuration/resource_limits'],
  check(inputs, context) {
    for (const match of signatureMatches(inputs['logs.proxy'], 'tooManyOpenFiles')) {
      const fds = inputs['proxy.fileDescriptors'].find((f) => f.pod === match.log.pod && (f.namespace === undefined || f.namespace === match.log.namespace));
      const limit = fds && (fds.hard ?? fds.soft);
      const counts = fds && limit ? ` When the bundle was collected it had ${fds.open.value} open, with a limit of ${limit.value} (\`${fds.path}\`).` : '';
      const countEvidence = fds && limit ? [evidenceAt({ path: fds.path, line: fds.open.line }, `${fds.open.value} open file descriptors`), evidenceAt({ path: fds.path, line: limit.line }, `limit ${limit.value}`)] : [];
      context.report({
        severity: 'high',
        subject: match.subject,
        key: match.key,
        title: `${podLabel(match.log)} ran out of file descriptors`,
        evidence: [...signatureEvidence(match), ...countEvidence],
        explanation: `${where(match)} logged \`too many open files\` (${match.volume}).${breakdownText(match, 'what failed')}${counts} At the limit the proxy cannot accept or open connections.`,
        // As the collector counts (PID 1 is pilot-agent, not Envoy): every process of the container, then the limits.
        commands: podCommands(match.log, (pod) => [`kubectl exec ${pod} -c istio-proxy -- sh -c 'ls -1 /proc/[0-9]*/fd 2>/dev/null | grep -c "^[0-9]"; ulimit -n; ulimit -H -n'`]),
      });
    }
  },
});
