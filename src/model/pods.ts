import type { ContainerStatus, Pod } from '../artifacts/k8s/pod-schema.js';

/** Container statuses of a pod, native sidecars (`initContainerStatuses`, Istio ≥ 1.27) included. */
export function containerStatuses(pod: Pod): Array<ContainerStatus & { pointer: string }> {
  const regular = (pod.status?.containerStatuses ?? []).map((s, i) => ({ ...s, pointer: `/status/containerStatuses/${i}` }));
  const init = (pod.status?.initContainerStatuses ?? []).map((s, i) => ({ ...s, pointer: `/status/initContainerStatuses/${i}` }));
  return [...regular, ...init];
}

export function containerNames(pod: Pod): string[] {
  return [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].map((c) => c.name);
}

/** `istiod-<replicaset hash>-<pod suffix>`, revisions included (`istiod-1-22-3-…`). */
export const ISTIOD_POD_NAME = /^istiod(?:-[a-z0-9-]+)?-[a-z0-9]{5,10}-[a-z0-9]{5}$/;

/** istiod pods as the Helm charts label them (`app=istiod`, older `istio=pilot`), or by name. */
export function isIstiod(pod: Pod): boolean {
  const labels = pod.metadata.labels ?? {};
  return labels.app === 'istiod' || labels.istio === 'pilot' || ISTIOD_POD_NAME.test(pod.metadata.name);
}

/** Running and not being deleted (`metadata.deletionTimestamp`, which the pod schema does not type): it will stay. */
export function isRunningToStay(pod: Pod): boolean {
  return pod.status?.phase === 'Running' && !(pod.metadata as Record<string, unknown>).deletionTimestamp;
}

/** Running, Ready, and no container crashlooping: the pod serves now, whatever happened before. */
export function isServing(pod: Pod): boolean {
  return pod.status?.phase === 'Running' && podCondition(pod, 'Ready') === 'True' && !containerStatuses(pod).some((s) => s.state?.waiting?.reason === 'CrashLoopBackOff');
}

export function podCondition(pod: Pod, type: string): 'True' | 'False' | 'Unknown' | undefined {
  return pod.status?.conditions?.find((c) => c.type === type)?.status;
}

/** Longest Kubernetes message quoted: the scheduler's lists every node group and can run to kilobytes. */
const MAX_MESSAGE_CHARS = 300;

export interface PhaseCause {
  /** `Failed (Evicted: The node was low on resource: memory. …)`, `Pending (Unschedulable: 0/3 nodes are available: …)`, `Pending`. */
  text: string;
  /** Where Kubernetes says why: `status.message`, or the `PodScheduled=False` condition of a pod never scheduled. */
  evidence?: { pointer: string; excerpt: string };
}

/**
 * A pod's phase with what Kubernetes says about it: the kubelet's `status.reason` and `status.message`
 * (an evicted pod: `Evicted`, which resource ran low and which container used it), or, for a Pending
 * pod the scheduler could not place, its `PodScheduled=False` condition (`Unschedulable: 0/3 nodes are
 * available: 2 Insufficient memory…`). The message names the cause; the phase alone does not.
 */
export function phaseCause(pod: Pod, phase: string): PhaseCause {
  const status = pod.status;
  const message = quoted(status?.message);
  if (status?.reason || message) {
    const said = [status?.reason, message].filter(Boolean).join(': ');
    return { text: `${phase} (${said})`, ...(message ? { evidence: { pointer: '/status/message', excerpt: `status.message: ${message}` } } : {}) };
  }
  const at = status?.conditions?.findIndex((c) => c.type === 'PodScheduled' && c.status === 'False') ?? -1;
  const unscheduled = status?.conditions?.[at];
  if (phase === 'Pending' && unscheduled) {
    const said = [unscheduled.reason, quoted(unscheduled.message)].filter(Boolean).join(': ');
    if (said) return { text: `${phase} (${said})`, evidence: { pointer: `/status/conditions/${at}`, excerpt: `condition PodScheduled=False (${said})` } };
  }
  return { text: phase };
}

/** The message trimmed, without its closing full stop (it is quoted inside parentheses), cut at MAX_MESSAGE_CHARS; '' for none. */
function quoted(message: string | undefined): string {
  const sentence = (message ?? '').trim().replace(/\.$/, '');
  return sentence.length > MAX_MESSAGE_CHARS ? `${sentence.slice(0, MAX_MESSAGE_CHARS)}…` : sentence;
}

/**
 * The pod's Envoy proxy container: `istio-proxy` in `spec.containers` (classic sidecar, gateway,
 * waypoint) or a native sidecar (Istio ≥ 1.27: an init container with `restartPolicy: Always`).
 * ztunnel's container is also named `istio-proxy` but is no Envoy proxy: undefined for it.
 */
export function envoyProxyContainer(pod: Pod): { native: boolean } | undefined {
  if (pod.metadata.labels?.app === 'ztunnel') return undefined;
  if (pod.spec?.containers?.some((c) => c.name === 'istio-proxy')) return { native: false };
  return pod.spec?.initContainers?.some((c) => c.name === 'istio-proxy' && c.restartPolicy === 'Always') ? { native: true } : undefined;
}

/**
 * The Istio revision a pod belongs to: its `istio.io/rev` label or annotation (the injector sets
 * one, istiod's chart labels istiod), else the injector's record (`sidecar.istio.io/status`
 * `revision`), else `default`.
 */
export function revisionOf(pod: Pod): string {
  const marked = pod.metadata.labels?.['istio.io/rev'] ?? pod.metadata.annotations?.['istio.io/rev'];
  if (marked) return marked;
  try {
    const status = JSON.parse(pod.metadata.annotations?.['sidecar.istio.io/status'] ?? '{}') as { revision?: unknown };
    if (typeof status.revision === 'string' && status.revision !== '') return status.revision;
  } catch {
    // a malformed annotation says nothing about the revision
  }
  return 'default';
}
