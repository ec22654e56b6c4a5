import type { Pod } from '../../artifacts/k8s/pod-schema.js';
import { GiB, parseQuantity } from '../../artifacts/quantity.js';
import { containerStatuses, isIstiod, podCondition } from '../../model/pods.js';
import { evidenceAt } from '../evidence.js';
import { defineRule, severityRank, type Evidence, type Severity } from '../rule.js';
import { shell } from '../shell.js';

export const cp003 = defineRule({
  id: 'CP003',
  slug: 'istiod-not-healthy',
  title: 'istiod is not Running/Ready, crashlooping, OOMKilled or restarting',
  severity: 'critical',
  step: 'control-plane',
  inputs: { required: ['kubectl.pods'] },
  description:
    'Looks at every istiod pod (label `app=istiod`, or `istio=pilot` on old installs) in the collected pods. Critical when a pod is not Running, not Ready, ' +
    'in CrashLoopBackOff, or its container was OOMKilled (now or as its last termination). A pod that restarted but is Running and Ready now, with no OOM, is reported as medium, ' +
    'and so is a Failed (evicted) replica left behind while another replica is Running and Ready.',
  rationale:
    'istiod serves configuration and certificates to every proxy. While it is down, new pods do not start (no certificate), proxies go STALE, and configuration changes stop. ' +
    'A crashlooping istiod is usually memory: the mesh outgrew its resources.',
  remediation:
    'Read why it died: `kubectl describe pod` and `kubectl logs --previous -c discovery`. For OOMKilled or memory pressure, raise the discovery container memory ' +
    '(`kubectl -n istio-system set resources deploy/istiod -c discovery --limits=memory=<2× the current limit>` or the Helm value `pilot.resources`) ' +
    'and run several replicas (`pilot.autoscaleMin`). Reduce what istiod must compute with Sidecar resources and `discoverySelectors`.',
  threshold: { value: 'not Ready, CrashLoopBackOff, OOMKilled; restarts > 0 (medium)', source: 'playbook CP003; seed: "istiod crashlooping = immediate scaling required"' },
  docs: ['https://istio.io/latest/docs/ops/deployment/performance-and-scalability/', 'https://istio.io/latest/docs/ops/diagnostic-tools/istioctl/'],
  check(inputs, context) {
    const istiods = inputs['kubectl.pods'].filter((p) => isIstiod(p.pod));
    if (istiods.length === 0) {
      const count = inputs['kubectl.pods'].length;
      context.notChecked(
        count === 0 ? 'the pod listings in the bundle are empty' : `no istiod pod among the ${count} pods collected (pods of other namespaces only?)`,
        ['kubectl get pods -n istio-system -o json'],
      );
      return;
    }
    for (const record of istiods) {
      const { pod } = record;
      const problems: string[] = [];
      const evidence: Evidence[] = [];
      let severity = 'info' as Severity;
      /** The most telling problem, for the title: crashlooping, then down, then OOMKilled. */
      let headline: string | undefined;
      const headlineIf = (text: string) => {
        headline ??= text;
      };
      const raise = (to: Severity) => {
        if (severityRank(to) < severityRank(severity)) severity = to;
      };
      const phase = pod.status?.phase;
      const readySibling = istiods.some((other) => other !== record && other.pod.status?.phase === 'Running' && podCondition(other.pod, 'Ready') === 'True');
      if ((phase === 'Failed' || phase === 'Succeeded') && readySibling) {
        // An evicted or finished replica stays listed until cleaned up; the control plane runs on.
        raise('medium');
        problems.push(`the pod is ${phase}${pod.status?.reason ? ` (${pod.status.reason})` : ''}, a replica left behind while another istiod replica is Running and Ready`);
        evidence.push(evidenceAt(record.source, `status.phase: ${phase}`, '/status/phase'));
      } else if (phase && phase !== 'Running') {
        raise('critical');
        headlineIf(`is ${phase}`);
        problems.push(`the pod is ${phase}${pod.status?.reason ? ` (${pod.status.reason})` : ''}`);
        evidence.push(evidenceAt(record.source, `status.phase: ${phase}`, '/status/phase'));
      } else if (podCondition(pod, 'Ready') === 'False') {
        raise('critical');
        headlineIf('is not Ready');
        problems.push('the pod is not Ready');
        const index = pod.status?.conditions?.findIndex((c) => c.type === 'Ready') ?? -1;
        evidence.push(evidenceAt(record.source, 'condition Ready=False', `/status/conditions/${index}`));
      }
      for (const status of containerStatuses(pod)) {
        const waiting = status.state?.waiting?.reason;
        const oom = status.state?.terminated?.reason === 'OOMKilled' ? 'state' : status.lastState?.terminated?.reason === 'OOMKilled' ? 'lastState' : undefined;
        const restarts = status.restartCount ?? 0;
        if (waiting === 'CrashLoopBackOff') {
          raise('critical');
          headline = `is crashlooping (${restarts} restarts)`;
          problems.push(`container \`${status.name}\` is in CrashLoopBackOff after ${restarts} restarts`);
          evidence.push(evidenceAt(record.source, `${status.name}: waiting CrashLoopBackOff, restartCount ${restarts}`, `${status.pointer}/state/waiting/reason`));
        }
        if (oom) {
          raise('critical');
          headlineIf(`was OOMKilled${restarts > 0 ? ` (${restarts} restarts)` : ''}`);
          const exit = (oom === 'state' ? status.state : status.lastState)?.terminated?.exitCode;
          problems.push(`container \`${status.name}\` was OOMKilled${exit !== undefined ? ` (exit code ${exit})` : ''}: it ran out of its memory limit`);
          evidence.push(evidenceAt(record.source, `${status.name}: ${oom}.terminated.reason OOMKilled`, `${status.pointer}/${oom}/terminated/reason`));
        }
        if (restarts > 0 && waiting !== 'CrashLoopBackOff') {
          raise('medium');
          const last = status.lastState?.terminated;
          problems.push(`container \`${status.name}\` restarted ${restarts} time${restarts === 1 ? '' : 's'}${last?.reason ? ` (last exit: ${last.reason}${last.finishedAt ? ` at ${last.finishedAt}` : ''})` : ''}`);
          evidence.push(evidenceAt(record.source, `${status.name}: restartCount ${restarts}`, `${status.pointer}/restartCount`));
        }
      }
      if (problems.length === 0) continue;
      const crashing = severity === 'critical';
      const oomKilled = containerStatuses(pod).some((st) => st.state?.terminated?.reason === 'OOMKilled' || st.lastState?.terminated?.reason === 'OOMKilled');
      const leftBehind = !crashing && (phase === 'Failed' || phase === 'Succeeded');
      context.report({
        severity,
        subject: { kind: 'Pod', namespace: record.namespace, name: record.name },
        title: crashing ? `istiod ${record.name} ${headline ?? 'is down'}` : leftBehind ? `istiod replica ${record.name} was ${pod.status?.reason === 'Evicted' ? 'evicted' : phase}` : `istiod ${record.name} has restarted`,
        evidence,
        explanation:
          `In \`${record.source.path}\`: ${problems.join('; ')}. ` +
          (crashing
            ? 'While istiod is unavailable proxies cannot receive configuration or certificates: expect STALE proxies and pods that fail to start.'
            : leftBehind
              ? 'Another replica serves the mesh, so this is a warning: find out why this one was evicted (node memory or disk pressure?) before it happens to all of them.'
              : 'It is Running and Ready now, so this is a warning: find out why it restarted before it happens under load.'),
        commands: [
          shell`kubectl describe pod ${record.name} -n ${record.namespace}`,
          shell`kubectl logs ${record.name} -n ${record.namespace} -c discovery --previous --tail=200`,
          shell`kubectl top pod ${record.name} -n ${record.namespace} --containers`,
          ...(oomKilled ? [shell`kubectl -n ${record.namespace} set resources deploy/istiod -c discovery --limits=memory=${doubledLimit(pod)}`] : []),
        ],
      });
    }
  },
});

/** Twice the discovery container's memory limit (at least 4Gi), for an OOMKilled istiod. */
function doubledLimit(pod: Pod): string {
  const limit = pod.spec?.containers?.find((c) => c.name === 'discovery')?.resources?.limits?.memory;
  const bytes = limit !== undefined ? parseQuantity(limit) : undefined;
  const gi = Math.max(4, bytes ? Math.ceil((2 * bytes) / GiB) : 4);
  return `${gi}Gi`;
}
