import { moreReplicasCommands } from './istiod-sizing.js';
import { containerLimit } from '../../model/container-resources.js';
import { deploymentOf } from '../../model/views/control-plane.js';
import { evidenceAt, plural, usedPercent } from '../evidence.js';
import { defineRule, type Evidence, type Subject } from '../rule.js';
import { shell } from '../shell.js';

/**
 * When istiod cannot keep up. The 5 s is the Istio production debugging guide's ("5+ second latency
 * spikes during deployments" = configuration distribution delays); taken as a p99, more than 1% of
 * pushes over it, the shape of common istiod alerts (`histogram_quantile(0.99, …) > 5`). The CPU line
 * is 90% of the discovery container's limit, where the kernel's CFS quota starts throttling push spikes.
 */
export const CP006_THRESHOLDS = {
  cpuShareOfLimit: 0.9,
  slowSeconds: 5,
  /** More than this share of pushes slower than slowSeconds. */
  slowShare: 0.01,
} as const;
const { cpuShareOfLimit, slowSeconds, slowShare } = CP006_THRESHOLDS;

const percent = (part: number, whole: number) => usedPercent(part / whole);

/**
 * Observations above `seconds` of a cumulative histogram: count − bucket{le=seconds}. Without that
 * bound, the nearest one above it (an undercount: the finding says which bound it used).
 */
function slowerThan<B extends { le: number; count: number }>(h: { count: number; buckets: readonly B[] }, seconds: number): { slow: number; bound: number; bucket: B } | undefined {
  const bucket = h.buckets.find((b) => b.le === seconds) ?? h.buckets.find((b) => b.le > seconds);
  return bucket ? { slow: h.count - bucket.count, bound: bucket.le, bucket } : undefined;
}

export const cp006 = defineRule({
  id: 'CP006',
  slug: 'istiod-cpu-or-push-delays',
  title: `istiod CPU near its limit, or configuration pushes delayed over ${slowSeconds} s`,
  severity: 'medium',
  step: 'control-plane',
  inputs: { required: [], anyOf: ['kubectl.top', 'istiod.metrics', 'logs.istiod'], optional: ['kubectl.pods'], views: ['controlPlane'] },
  description:
    `Three signs that istiod cannot keep up. CPU: \`kubectl top\` of the \`discovery\` container at ${cpuShareOfLimit * 100}% of its CPU limit or more (the pod spec ` +
    `must be in the bundle; istiod's chart sets no CPU limit by default, and without one there is nothing to be near). Convergence: istiod's \`pilot_proxy_convergence_time\` ` +
    `histogram (change to proxy fully configured, since istiod started) with more than ${slowShare * 100}% of pushes over ${slowSeconds} s (\`_count\` − \`_bucket{le="${slowSeconds}"}\`). ` +
    `Push delay: istiod's log lines \`Push debounce stable[…] … since last push\`, the time a push waited after the first change it carries, more than ${slowShare * 100}% of them over ${slowSeconds} s.`,
  rationale:
    'istiod recomputes and pushes configuration on every change. When it is CPU-bound, or changes arrive faster than it pushes, proxies run on outdated configuration for ' +
    'seconds: new endpoints get no traffic, removed ones still do (503s during deployments), and route or policy changes take effect late and unevenly across the mesh.',
  remediation:
    'Give istiod CPU: raise or remove the discovery container\'s CPU limit (a limit throttles it during push spikes), run more replicas (`pilot.autoscaleMin`) and on dedicated ' +
    'control-plane nodes. Make each push smaller: Sidecar resources so proxies get only what they use, `discoverySelectors` to ignore namespaces outside the mesh. Make changes ' +
    'arrive in steps: staged rollouts instead of mass restarts; `PILOT_DEBOUNCE_AFTER` / `PILOT_DEBOUNCE_MAX` batch bursts of changes into fewer pushes.',
  threshold: {
    value: `discovery CPU ≥ ${cpuShareOfLimit * 100}% of its limit; more than ${slowShare * 100}% of pushes (p99) converging or waiting over ${slowSeconds} s`,
    source:
      'rule catalogue (`istio-bundle explain CP006`), after the Istio production debugging guide ("5+ second latency spikes during deployments": configuration push delays; "CPU: Spikes to 100% during configuration pushes"); Istio docs: Performance and Scalability',
  },
  docs: ['https://istio.io/latest/docs/ops/deployment/performance-and-scalability/', 'https://istio.io/latest/docs/reference/commands/pilot-discovery/'],
  check(inputs, context) {
    const { controlPlane } = inputs;
    const istiodSubject = (namespace: string | undefined, pod: string | undefined, path: string): Subject =>
      pod === undefined ? { kind: 'File', name: path } : { kind: 'Pod', ...(namespace ? { namespace } : {}), name: pod };
    const commands = (namespace: string | undefined, pod: string | undefined) => {
      const ns = namespace ?? context.bundle.istioNamespace;
      return pod === undefined ? [] : [shell`kubectl top pod ${pod} -n ${ns} --containers`, ...moreReplicasCommands(ns, deploymentOf(pod))];
    };
    // What could be answered, and why the rest could not: not checked only when nothing could.
    let answered = 0;
    const unanswered: string[] = [];

    // CPU against the discovery container's limit; a pod spec without a limit answers too (nothing to be near).
    for (const row of controlPlane.memoryRows) {
      const record = controlPlane.istiods.find((p) => p.name === row.pod && (row.namespace === undefined || p.namespace === row.namespace));
      if (!record) {
        unanswered.push(`the pod spec of istiod \`${row.pod}\` (its CPU limit) is not in the bundle`);
        continue;
      }
      answered++;
      const limit = containerLimit(record, 'discovery', 'cpu');
      if (!limit) continue;
      const cores = row.cpuMillicores / 1000;
      if (cores < cpuShareOfLimit * limit.value) continue;
      context.report({
        subject: istiodSubject(record.namespace, record.name, row.path),
        key: 'cpu',
        title: `istiod ${record.name} uses ${row.cpuMillicores}m CPU, ${percent(cores, limit.value)} of its limit of ${limit.quantity}`,
        evidence: [evidenceAt({ path: row.path, line: row.line }, row.text), evidenceAt(record.source, `limits.cpu: ${limit.quantity}`, limit.pointer)],
        explanation:
          `\`kubectl top\` shows istiod \`${record.name}\`${row.container ? ` (container ${row.container})` : ''} at ${row.cpuMillicores}m, ${percent(cores, limit.value)} of its CPU limit of ` +
          `${limit.quantity} (the ${cpuShareOfLimit * 100}% line). At its limit the kernel throttles it: pushes queue behind one another and proxies get configuration late.`,
        commands: commands(record.namespace, record.name),
      });
    }
    if (controlPlane.memoryRows.length === 0 && inputs['kubectl.top'].length > 0) unanswered.push('no istiod row in the `kubectl top` output collected');

    // Convergence time from istiod's metrics.
    for (const record of inputs['istiod.metrics']) {
      const h = record.metrics.histograms.pilot_proxy_convergence_time;
      const part = h && h.count > 0 ? slowerThan(h, slowSeconds) : undefined;
      if (!h || !part) {
        unanswered.push(`\`${record.path}\` has no pilot_proxy_convergence_time observations`);
        continue;
      }
      answered++;
      if (part.slow <= slowShare * h.count) continue;
      const evidence: Evidence[] = [evidenceAt({ path: record.path, line: part.bucket.line }, part.bucket.text)];
      if (h.countLine) evidence.push(evidenceAt({ path: record.path, line: h.countLine.line }, h.countLine.text));
      context.report({
        subject: istiodSubject(record.namespace, record.pod, record.path),
        key: 'convergence',
        title: `${percent(part.slow, h.count)} of pushes from istiod ${record.pod ?? record.path} took over ${part.bound} s to converge`,
        evidence,
        explanation:
          `istiod's \`pilot_proxy_convergence_time\` in \`${record.path}\`: ${part.slow} of ${plural(h.count, 'push', 'pushes')} (${percent(part.slow, h.count)}) took more than ${part.bound} s from the ` +
          `configuration change to the proxy having all of it (\`_count\` ${h.count} − \`_bucket{le="${part.bound}"}\` ${part.bucket.count}, since istiod started` +
          `${h.sum !== undefined ? `; mean ${(h.sum / h.count).toFixed(2)} s` : ''}). More than ${slowShare * 100}% over ${slowSeconds} s: proxies run on outdated configuration for seconds after changes.`,
        commands: commands(record.namespace, record.pod),
      });
    }

    // Push delays from istiod's own log.
    for (const log of inputs['logs.istiod']) {
      const delays = log.summary.pushDelays;
      const part = delays ? slowerThan(delays, slowSeconds) : undefined;
      if (!delays || !part) {
        unanswered.push(`\`${log.path}\` has no \`Push debounce stable\` line`);
        continue;
      }
      answered++;
      if (part.slow <= slowShare * delays.count) continue;
      const { slowest } = delays;
      context.report({
        subject: istiodSubject(log.namespace, log.pod, log.path),
        key: log.previous ? 'push delay (previous container)' : 'push delay',
        title: `${part.slow} of ${delays.count} pushes in istiod ${log.pod ?? log.path}'s log waited over ${part.bound} s`,
        evidence: [evidenceAt({ path: log.path, line: slowest.line }, slowest.text)],
        explanation:
          `In \`${log.path}\`, ${part.slow} of ${plural(delays.count, 'debounced push', 'debounced pushes')} (${percent(part.slow, delays.count)}) waited more than ${part.bound} s after the first ` +
          `change they carry ("since last push"; the slowest ${slowest.seconds.toFixed(1)} s, line ${slowest.line}). istiod is pushing behind continuous configuration churn or behind pushes ` +
          'that take longer than the changes arrive: proxies get each change late.',
        commands: commands(log.namespace, log.pod),
      });
    }

    if (answered === 0) {
      context.notChecked(unanswered.join('; ') || 'the bundle shows neither istiod\'s CPU nor its push times', [shell`kubectl exec deploy/istiod -n ${context.bundle.istioNamespace} -c discovery -- pilot-discovery request GET /metrics`]);
    }
  },
});
