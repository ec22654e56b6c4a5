import type { PodRecord } from '../../model/facets.js';
import { defineRule } from '../rule.js';
import { shell } from '../shell.js';
import { isServing } from '../../model/pods.js';
import { istiodHealth, servingReplicas } from './istiod-health.js';
import { memoryAdvice } from './istiod-sizing.js';

export const cp003 = defineRule({
  id: 'CP003',
  slug: 'istiod-not-healthy',
  title: 'istiod is not Running/Ready, crashlooping, OOMKilled or restarting',
  severity: 'critical',
  step: 'control-plane',
  inputs: { required: ['kubectl.pods'], optional: ['kubectl.top'], views: ['controlPlane'] },
  description:
    'Looks at every istiod pod (label `app=istiod`, or `istio=pilot` on old installs) in the collected pods. Critical when a pod is not Running, not Ready, ' +
    'in CrashLoopBackOff, or its container was OOMKilled (now or as its last termination). A pod that restarted but is Running and Ready now, with no OOM, is reported as medium, ' +
    'and so is a Failed (evicted) replica left behind while another replica is Running and Ready.',
  rationale:
    'istiod serves configuration and certificates to every proxy. While it is down, new pods do not start (no certificate), proxies go STALE, and configuration changes stop. ' +
    'A crashlooping istiod is usually memory: the mesh outgrew its resources.',
  remediation:
    'Read why it died: `kubectl describe pod` and `kubectl logs --previous -c discovery` (for a Pending or evicted pod, its events). For OOMKilled or memory pressure, raise the discovery container memory ' +
    '(`kubectl -n istio-system set resources deploy/istiod -c discovery --limits=memory=<2× the current limit, never less than 1.5× measured use>` or the Helm value `pilot.resources`) ' +
    'and run several replicas (`pilot.autoscaleMin`). Reduce what istiod must compute with Sidecar resources and `discoverySelectors`.',
  threshold: { value: 'not Ready, CrashLoopBackOff, OOMKilled; restarts > 0 (medium)', source: 'rule catalogue (`istio-bundle explain CP003`); Istio docs: Performance and Scalability (istiod resources)' },
  docs: ['https://istio.io/latest/docs/ops/deployment/performance-and-scalability/', 'https://istio.io/latest/docs/ops/diagnostic-tools/istioctl/'],
  check(inputs, context) {
    const { istiods } = inputs.controlPlane;
    if (istiods.length === 0) {
      const count = inputs['kubectl.pods'].length;
      context.notChecked(
        count === 0 ? 'the pod listings in the bundle are empty' : `no istiod pod among the ${count} pods collected (pods of other namespaces only?)`,
        [shell`kubectl get pods -n ${context.bundle.istioNamespace} -o json`],
      );
      return;
    }
    for (const record of istiods) {
      const health = istiodHealth(record, istiods);
      if (!health) continue;
      const { pod } = record;
      const crashing = health.severity === 'critical';
      const advice = health.oomKilled ? memoryAdvice(inputs.controlPlane.memory(record.namespace, record.name)) : undefined;
      context.report({
        severity: health.severity,
        subject: { kind: 'Pod', namespace: record.namespace, name: record.name },
        title: crashing
          ? `istiod ${record.name} ${health.headline ?? 'is down'}`
          : health.leftBehind
            ? `istiod replica ${record.name} was ${pod.status?.reason === 'Evicted' ? 'evicted' : pod.status?.phase}`
            : `istiod ${record.name} has restarted`,
        evidence: health.evidence,
        explanation:
          `In \`${record.source.path}\`: ${health.problems.join('; ')}. ` +
          (crashing
            ? crashingImpact(record, istiods)
            : health.leftBehind
              ? 'Another replica serves the mesh, so this is a warning: find out why this one was evicted (node memory or disk pressure?) before it happens to all of them.'
              : 'It is Running and Ready now, so this is a warning: find out why it restarted before it happens under load.'),
        commands: [
          shell`kubectl describe pod ${record.name} -n ${record.namespace}`,
          // A Pending pod never ran and an evicted one has no containers left: nothing to read logs or usage from.
          ...(hasRun(record)
            ? [shell`kubectl logs ${record.name} -n ${record.namespace} -c discovery --previous --tail=200`, shell`kubectl top pod ${record.name} -n ${record.namespace} --containers`]
            : [shell`kubectl get events -n ${record.namespace} --field-selector ${`involvedObject.name=${record.name}`}`]),
          ...(advice?.command ? [advice.command] : []),
        ],
      });
    }
  },
});

/** Whether the pod has containers that ran: a Pending or evicted pod has none to read logs or usage from. */
function hasRun(record: PodRecord): boolean {
  const phase = record.pod.status?.phase;
  return phase !== 'Pending' && record.pod.status?.reason !== 'Evicted';
}

/** What a down replica means for the mesh: nothing while another serves, everything when it is the only one. */
function crashingImpact(record: PodRecord, istiods: readonly PodRecord[]): string {
  if (isServing(record.pod)) {
    return 'It is Running and Ready again, but it failed once and will again under the same load; while it is down, the proxies it serves cannot receive configuration or certificates.';
  }
  const serving = servingReplicas(record, istiods);
  if (serving.length > 0) {
    return `Another replica (${serving.map((other) => `\`${other.name}\``).join(', ')}) is Running and Ready and serves the mesh for now, with less capacity; whatever brought this one down may bring it down too.`;
  }
  return 'While istiod is unavailable proxies cannot receive configuration or certificates: expect STALE proxies and pods that fail to start.';
}
