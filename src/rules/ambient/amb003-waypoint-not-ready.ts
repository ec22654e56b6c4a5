import { AMBIENT_LABELS, GUIDE_WAYPOINT_VALUE, usersOfWaypoint, waypointPodMark, waypoints, type Waypoint } from '../../analysis/ambient.js';
import type { ConfigIndex } from '../../analysis/config-index.js';
import { asArray, asRecord, asString } from '../../analysis/object-access.js';
import { workloadOf } from '../../analysis/workloads.js';
import type { KubernetesObject } from '../../artifacts/k8s/resource-schema.js';
import type { PodRecord } from '../../model/facets.js';
import { containerStatuses, phaseCause, podCondition } from '../../model/pods.js';
import { compareText } from '../../order.js';
import { evidenceAt, plural } from '../evidence.js';
import { defineRule, type Evidence, type RuleContext, type Severity } from '../rule.js';
import { shell } from '../shell.js';

export const amb003 = defineRule({
  id: 'AMB003',
  slug: 'waypoint-not-ready',
  title: 'a waypoint pod is not ready: crashlooping, not Ready, not Running or restarting',
  severity: 'critical',
  step: 'ambient',
  inputs: { required: ['kubectl.pods'], optional: ['k8s.resources'], views: ['configuration'] },
  description:
    'Looks at every waypoint pod in the pod listings: pods the mesh controller creates for a Gateway of class `istio-waypoint` (labels ' +
    '`gateway.istio.io/managed=istio.io-mesh-controller`, `gateway.networking.k8s.io/gateway-class-name=istio-waypoint`), and pods labelled ' +
    '`gateway.istio.io/managed=istio.io-waypoint` by hand. Critical when a pod is not Running, not Ready or in CrashLoopBackOff (or was OOMKilled) and no other ' +
    'pod of the same waypoint is Running and Ready (high when the bundle lists the Namespaces and none is enrolled to it); medium when another replica serves, or when ' +
    'the pod restarted but is Running and Ready now. Pods being deleted ' +
    'are left out, and so are other gateways\' pods (`istio.io-gateway-controller`). Names the namespaces and Services enrolled to the waypoint.',
  rationale:
    'ztunnel sends all traffic of the namespaces and Services enrolled to a waypoint through it. With no Ready waypoint pod those connections fail: every call to ' +
    'those Services fails, not only their L7 features.',
  remediation:
    'Find out why it is not ready: `kubectl describe pod`, `kubectl logs --previous -c istio-proxy`, `istioctl waypoint status`; a waypoint that cannot reach istiod ' +
    'on port 15012 never becomes ready, an OOMKilled one needs more memory (Helm value `global.waypoint.resources`). As a last resort, move the namespace to sidecars: ' +
    'remove `istio.io/dataplane-mode` and `istio.io/use-waypoint`, label it `istio-injection=enabled` (or `istio.io/rev=<revision>`) and restart its workloads — not ' +
    '`istio.io/dataplane-mode=sidecar`, a value Istio does not know.',
  threshold: {
    value: 'not Running, not Ready, CrashLoopBackOff or OOMKilled with no Ready replica critical (high when nothing is enrolled to it); with a Ready replica, or restarts > 0 while Ready, medium',
    source: 'rule catalogue AMB003; Istio docs: waypoints, troubleshooting waypoints, ambient data plane labels',
  },
  docs: [
    'https://istio.io/latest/docs/ambient/usage/troubleshoot-waypoint/',
    'https://istio.io/latest/docs/ambient/usage/waypoint/',
    'https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/',
  ],
  check(inputs, context) {
    const { index } = inputs.configuration;
    const pods = inputs['kubectl.pods'].filter((p) => waypointPodMark(p.pod.metadata.labels ?? {}) !== undefined && !terminating(p));
    const seen = new Set<string>();
    for (const record of pods) {
      const id = `${record.namespace}/${record.name}`;
      if (seen.has(id)) continue;
      seen.add(id);
      const siblings = pods.filter((p) => p.namespace === record.namespace && gatewayName(p) === gatewayName(record));
      const health = waypointHealth(record, siblings);
      if (health) report(index, record, health, context);
    }
  },
});

function gatewayName(record: PodRecord): string {
  return record.pod.metadata.labels?.[AMBIENT_LABELS.gatewayName] ?? record.pod.metadata.labels?.['service.istio.io/canonical-name'] ?? record.name;
}

const restarted = (record: PodRecord) => containerStatuses(record.pod).some((s) => (s.restartCount ?? 0) > 0);

function terminating(record: PodRecord): boolean {
  return (record.pod.metadata as Record<string, unknown>).deletionTimestamp !== undefined;
}

const serving = (record: PodRecord) => record.pod.status?.phase === 'Running' && podCondition(record.pod, 'Ready') === 'True' && !containerStatuses(record.pod).some((s) => s.state?.waiting?.reason === 'CrashLoopBackOff');

interface Health {
  severity: Severity;
  headline: string;
  problems: string[];
  evidence: Evidence[];
  oomKilled: boolean;
  /** Another pod of the same waypoint is Running and Ready. */
  replicaServes: boolean;
}

function waypointHealth(record: PodRecord, siblings: readonly PodRecord[]): Health | undefined {
  const { pod, source } = record;
  const problems: string[] = [];
  const evidence: Evidence[] = [];
  let headline: string | undefined;
  let down = false;
  const phase = pod.status?.phase;
  if (phase && phase !== 'Running') {
    down = true;
    headline = `is ${phase}`;
    const cause = phaseCause(pod, phase);
    problems.push(`the pod is ${cause.text}`);
    evidence.push(evidenceAt(source, `status.phase: ${phase}`, '/status/phase'));
    if (cause.evidence) evidence.push(evidenceAt(source, cause.evidence.excerpt, cause.evidence.pointer));
  } else if (podCondition(pod, 'Ready') === 'False') {
    down = true;
    headline = 'is not Ready';
    const at = pod.status?.conditions?.findIndex((c) => c.type === 'Ready') ?? -1;
    const condition = pod.status?.conditions?.[at];
    const reason = (condition as Record<string, unknown> | undefined)?.reason;
    problems.push(`the pod is not Ready${typeof reason === 'string' ? ` (${reason})` : ''}`);
    evidence.push(evidenceAt(source, `condition Ready=False${typeof reason === 'string' ? ` (${reason})` : ''}`, `/status/conditions/${at}`));
  }
  let oomKilled = false;
  for (const status of containerStatuses(pod)) {
    const waiting = status.state?.waiting?.reason;
    const restarts = status.restartCount ?? 0;
    const last = status.lastState?.terminated;
    if (waiting === 'CrashLoopBackOff') {
      down = true;
      headline = `is crashlooping (${plural(restarts, 'restart')})`;
      problems.push(`container \`${status.name}\` is in CrashLoopBackOff after ${plural(restarts, 'restart')}${last?.exitCode !== undefined ? ` (last exit code ${last.exitCode}${last.reason ? `, ${last.reason}` : ''})` : ''}`);
      evidence.push(evidenceAt(source, `${status.name}: waiting CrashLoopBackOff, restartCount ${restarts}`, `${status.pointer}/state/waiting/reason`));
    } else if (waiting && status.ready === false) {
      problems.push(`container \`${status.name}\` is waiting: ${waiting}${status.state?.waiting?.message ? ` (${status.state.waiting.message})` : ''}`);
      evidence.push(evidenceAt(source, `${status.name}: waiting ${waiting}`, `${status.pointer}/state/waiting/reason`));
    }
    const oom = status.state?.terminated?.reason === 'OOMKilled' ? 'state' : last?.reason === 'OOMKilled' ? 'lastState' : undefined;
    if (oom) {
      oomKilled = true;
      down = true;
      headline ??= 'was OOMKilled';
      problems.push(`container \`${status.name}\` was OOMKilled: it ran out of its memory limit`);
      evidence.push(evidenceAt(source, `${status.name}: ${oom}.terminated.reason OOMKilled`, `${status.pointer}/${oom}/terminated/reason`));
    }
    if (restarts > 0 && waiting !== 'CrashLoopBackOff' && !oom) {
      problems.push(`container \`${status.name}\` restarted ${restarts === 1 ? 'once' : `${restarts} times`}${last?.reason ? ` (last exit: ${last.reason}${last.finishedAt ? ` at ${last.finishedAt}` : ''})` : ''}`);
      evidence.push(evidenceAt(source, `${status.name}: restartCount ${restarts}`, `${status.pointer}/restartCount`));
    }
  }
  if (problems.length === 0) return undefined;
  const replicaServes = siblings.some((s) => s !== record && serving(s));
  return { severity: down && !replicaServes ? 'critical' : 'medium', headline: headline ?? 'has restarted', problems, evidence, oomKilled, replicaServes: replicaServes };
}

function report(index: ConfigIndex, record: PodRecord, health: Health, context: RuleContext): void {
  const name = gatewayName(record);
  const waypoint = waypoints(index).find((w) => w.namespace === record.namespace && w.name === name);
  const users = waypoint ? usersOfWaypoint(index, waypoint) : [];
  const namespaces = users.filter((u) => u.object.kind === 'Namespace').map((u) => u.object.metadata.name);
  const services = users.filter((u) => u.object.kind === 'Service');
  const moving = namespaces.length > 0 ? namespaces : [record.namespace];
  const guideLabel = record.pod.metadata.labels?.[AMBIENT_LABELS.managed] === GUIDE_WAYPOINT_VALUE;
  // Down with no replica serving is critical for what is enrolled to it; with Namespaces listed and nothing enrolled, high.
  const severity: Severity = health.severity === 'critical' && users.length === 0 && index.ofKind('Namespace').length > 0 ? 'high' : health.severity;
  const down = health.severity === 'critical';
  const owner = workloadOf(record.name, { object: record.pod as unknown as KubernetesObject, source: record.source });
  const restart = owner.kind === 'Deployment' ? shell`kubectl rollout restart deployment/${owner.name} -n ${record.namespace}` : shell`kubectl delete pod ${record.name} -n ${record.namespace}`;
  const usedBy =
    users.length > 0
      ? `It carries the traffic of ${[...namespaces.map((n) => `namespace \`${n}\``), ...services.slice(0, 5).map((s) => `Service \`${index.namespaceOf(s)}/${s.object.metadata.name}\``)].join(', ')}${services.length > 5 ? ', …' : ''} (\`${AMBIENT_LABELS.useWaypoint}=${name}\`)`
      : `Nothing in the bundle is labelled \`${AMBIENT_LABELS.useWaypoint}=${name}\`${index.ofKind('Namespace').length > 0 ? ', so no traffic may depend on it yet' : ' (the bundle holds no Namespace listing to tell)'}`;
  const quote =
    'The often-quoted last resort, "label the namespace `istio.io/dataplane-mode=sidecar` and restart", does not work as written: `istio.io/dataplane-mode` ' +
    'takes only `ambient` or `none`, so `sidecar` (which also needs `--overwrite`) just takes the namespace out of ambient mode and no sidecar is injected on restart: its pods ' +
    `leave the mesh (no mTLS, no policy). The working fallback: ${fallback(moving).join(' && ')}.`;
  context.report({
    key: 'waypoint-pod',
    severity,
    subject: { kind: 'Pod', namespace: record.namespace, name: record.name },
    title: `waypoint \`${record.namespace}/${name}\`: pod ${record.name} ${health.headline}${health.replicaServes ? ' (another replica serves)' : ''}`,
    evidence: [...health.evidence, ...gatewayEvidence(waypoint)],
    explanation:
      `In \`${record.source.path}\`: ${health.problems.join('; ')}. ` +
      `It is a pod of waypoint \`${name}\`${waypoint?.gateway ? ` (Gateway of class \`${asString(asRecord(waypoint.gateway.object.spec)?.gatewayClassName) ?? '?'}\`)` : ''}` +
      `${guideLabel ? `, recognised by \`${AMBIENT_LABELS.managed}=${GUIDE_WAYPOINT_VALUE}\`, a label set by hand: Istio labels waypoint pods \`istio.io-mesh-controller\`` : ''}. ` +
      `${usedBy}. ` +
      (down
        ? 'ztunnel sends that traffic to the waypoint; with no Ready waypoint pod the connections fail, so calls to those Services fail, L4 and L7 alike. '
        : health.replicaServes
          ? 'Another pod of the waypoint is Running and Ready, so traffic still flows, on fewer replicas. '
          : 'It is Running and Ready now: find out why it restarted before it happens to every replica. ') +
      quote +
      ' Its cost: every pod of the namespace restarts, each gets an `istio-proxy` sidecar (its CPU and memory), and L7 policy is then enforced by the sidecars — ' +
      'AuthorizationPolicies attached to the waypoint with `targetRefs` do not apply to sidecars and must be rewritten with `selector` first.',
    remediation:
      `Read why it is not ready (\`kubectl describe pod\`, the ${restarted(record) ? 'previous ' : ''}\`istio-proxy\` log, \`istioctl waypoint status\`)${health.oomKilled ? `; it was OOMKilled: raise its memory limit (Helm value \`global.waypoint.resources\`, then \`${restart}\`)` : ''}. ` +
      'A waypoint that cannot reach istiod (port 15012, `CA_ADDR`) for its certificate and configuration never becomes ready: check NetworkPolicies and istiod. ' +
      `Only if the waypoint cannot be brought back and the namespace must keep serving: move it to sidecars (${fallback(moving).join('; ')}).`,
    commands: [
      shell`kubectl describe pod ${record.name} -n ${record.namespace}`,
      restarted(record) ? shell`kubectl logs ${record.name} -n ${record.namespace} -c istio-proxy --previous --tail=200` : shell`kubectl logs ${record.name} -n ${record.namespace} -c istio-proxy --tail=200`,
      shell`istioctl waypoint status -n ${record.namespace}`,
      `${shell`kubectl get pods -n ${record.namespace} -l gateway.istio.io/managed=istio.io-mesh-controller`}   # Istio's label for waypoint pods (not istio.io-waypoint)`,
      ...fallback(moving).map((c, i) => (i === 0 ? `${c}   # last resort: sidecar mode, every pod restarts` : c)),
    ],
  });
}

/** Sidecar mode for the namespaces: off ambient (both labels), on injection, pods restarted. */
function fallback(namespaces: readonly string[]): string[] {
  return [...namespaces]
    .sort(compareText)
    .flatMap((ns) => [
      shell`kubectl label namespace ${ns} istio.io/dataplane-mode- istio.io/use-waypoint-`,
      shell`kubectl label namespace ${ns} istio-injection=enabled`,
      shell`kubectl rollout restart deployment -n ${ns}`,
    ]);
}

function gatewayEvidence(waypoint: Waypoint | undefined): Evidence[] {
  const gateway = waypoint?.gateway;
  if (!gateway) return [];
  const conditions = asArray(asRecord(gateway.object.status)?.conditions);
  const i = conditions.findIndex((c) => asString(asRecord(c)?.type) === 'Programmed');
  if (i < 0) return [];
  const c = asRecord(conditions[i]);
  return [evidenceAt({ ...gateway.source, pointer: `${gateway.source.pointer ?? ''}/status/conditions/${i}` }, `Programmed: ${asString(c?.status)} (${asString(c?.reason) ?? ''}) ${asString(c?.message) ?? ''}`.trim())];
}

