import { AMBIENT_LABELS, ambientEnrollment } from '../../analysis/ambient.js';
import { stringMap } from '../../analysis/object-access.js';
import type { Pod } from '../../artifacts/k8s/pod-schema.js';
import type { PodRecord, ResourceRecord, Source } from '../../model/facets.js';
import { containerStatuses, envoyProxyContainer, isServing } from '../../model/pods.js';
import { compareText } from '../../order.js';

/**
 * Which pods ambient mode captures, and which nodes run a ztunnel that serves them. Labels are
 * Istio's (istio/api `label/labels.yaml`): `istio.io/dataplane-mode` on the pod wins over its
 * namespace's, `ambient` enrolls and `none` opts out. istio-cni does not capture pods with their own
 * Envoy (sidecar, gateway, waypoint) or on the host network
 * (https://istio.io/latest/docs/ambient/usage/add-workloads/).
 */
/** The label of ztunnel's DaemonSet pods (the Helm chart's, and what `istioctl` recognises ztunnel by). */
export const ZTUNNEL_APP = 'ztunnel';

export interface AmbientPod {
  record: PodRecord;
  node: string;
  /** What enrolls it: its own label, its namespace's label, or only istio-cni's annotation. */
  enrolledBy: 'pod-label' | 'namespace-label' | 'annotation';
  /** The Namespace object whose label enrolls it. */
  namespaceSource?: Source;
}

export function isZtunnelPod(pod: Pod): boolean {
  return pod.metadata.labels?.app === ZTUNNEL_APP;
}

/** Namespaces labelled `istio.io/dataplane-mode`, with the value and where the Namespace object is. */
export function namespaceModes(resources: readonly ResourceRecord[]): Map<string, { mode: string; source: Source; labels: Record<string, string> }> {
  const modes = new Map<string, { mode: string; source: Source; labels: Record<string, string> }>();
  for (const record of resources) {
    if (record.object.kind !== 'Namespace') continue;
    const labels = stringMap(record.object.metadata.labels);
    const mode = labels[AMBIENT_LABELS.dataplaneMode];
    if (mode !== undefined && !modes.has(record.object.metadata.name)) modes.set(record.object.metadata.name, { mode, source: record.source, labels });
  }
  return modes;
}

/**
 * Pods ambient mode captures, scheduled on a node and not finished: pods of an enrolled namespace
 * or labelled themselves, or marked by istio-cni as captured, unless labelled `none`.
 */
export function ambientPods(pods: readonly PodRecord[], namespaces: ReadonlyMap<string, { mode: string; source: Source; labels: Record<string, string> }>): AmbientPod[] {
  const found: AmbientPod[] = [];
  for (const record of pods) {
    const { pod } = record;
    const node = pod.spec?.nodeName;
    if (!node || isZtunnelPod(pod) || isFinished(pod) || onHostNetwork(pod)) continue;
    const namespace = namespaces.get(record.namespace);
    const enrolledBy = ambientEnrollment(pod.metadata.labels ?? {}, pod.metadata.annotations ?? {}, envoyProxyContainer(pod) !== undefined, namespace?.labels);
    if (!enrolledBy) continue;
    found.push({ record, node, enrolledBy, ...(enrolledBy === 'namespace-label' && namespace ? { namespaceSource: namespace.source } : {}) });
  }
  return found.sort((a, b) => compareText(a.node, b.node) || compareText(a.record.namespace, b.record.namespace) || compareText(a.record.name, b.record.name));
}

/** Succeeded or Failed (a finished Job's pod), or being deleted: no traffic of its own to capture. */
function isFinished(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed' || Boolean((pod.metadata as Record<string, unknown>).deletionTimestamp);
}

function onHostNetwork(pod: Pod): boolean {
  return (pod.spec as Record<string, unknown> | undefined)?.hostNetwork === true;
}

/** ztunnel pods by node. */
export function ztunnelsByNode(pods: readonly PodRecord[]): Map<string, PodRecord[]> {
  const byNode = new Map<string, PodRecord[]>();
  for (const record of pods) {
    const node = record.pod.spec?.nodeName;
    if (!node || !isZtunnelPod(record.pod)) continue;
    byNode.set(node, [...(byNode.get(node) ?? []), record]);
  }
  return byNode;
}

/** A ztunnel that serves its node now: Running, Ready, not crashlooping, not being deleted. */
export function ztunnelServes(record: PodRecord): boolean {
  return isServing(record.pod) && !(record.pod.metadata as Record<string, unknown>).deletionTimestamp;
}

/** Why a ztunnel pod does not serve, in the words of its status: `Pending`, `CrashLoopBackOff (14 restarts)`, `not Ready`. */
export function whyNotServing(record: PodRecord): string {
  const { pod } = record;
  if ((pod.metadata as Record<string, unknown>).deletionTimestamp) return 'being deleted';
  const status = containerStatuses(pod).find((s) => s.name === 'istio-proxy') ?? containerStatuses(pod)[0];
  const waiting = status?.state?.waiting?.reason;
  const restarts = status?.restartCount ? ` (${status.restartCount} restarts)` : '';
  if (waiting) return `${waiting}${restarts}`;
  const phase = pod.status?.phase;
  if (phase && phase !== 'Running') return `${phase}${pod.status?.reason ? ` (${pod.status.reason})` : ''}`;
  return `Running but not Ready${restarts}`;
}
