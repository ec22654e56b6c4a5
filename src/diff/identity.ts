import { workloadOf } from '../analysis/workloads.js';
import { deploymentOf } from '../model/views/control-plane.js';
import { compareText } from '../order.js';

/**
 * Pod names change on every restart (a new ReplicaSet/pod hash), so the diff matches what
 * survives it: a proxy by namespace and workload, an istiod by namespace and Deployment.
 */
export interface Identified<T> {
  /** `<namespace>/<workload>`: what both bundles have in common. */
  key: string;
  /** The pod as the report names it. */
  pod: string;
  value: T;
}

/** `bookinfo/productpage-v1-54bb874995-9xq7d` → `bookinfo/productpage-v1`; a pod nothing groups stays itself. */
export function proxyWorkloadKey(namespace: string, pod: string): string {
  return `${namespace}/${workloadOf(pod).name}`;
}

/** `istio-system/istiod-6b9c8d7f5-kx2vq` → `istio-system/istiod`. */
export function istiodKey(namespace: string, pod: string): string {
  return `${namespace}/${deploymentOf(pod)}`;
}

/** `<namespace>/<pod>` (metrics.memory) split; with no slash or more than one (a file path: nothing named the pod) it is kept whole. */
export function splitNamespaced(id: string): { namespace: string; pod: string } | undefined {
  const slash = id.indexOf('/');
  if (slash <= 0 || id.indexOf('/', slash + 1) >= 0) return undefined;
  return { namespace: id.slice(0, slash), pod: id.slice(slash + 1) };
}

/** `<pod>.<namespace>` (proxy-status and certificate ids); undefined when it has no dot. */
export function splitDotted(id: string): { namespace: string; pod: string } | undefined {
  const dot = id.lastIndexOf('.');
  if (dot <= 0 || dot === id.length - 1) return undefined;
  return { namespace: id.slice(dot + 1), pod: id.slice(0, dot) };
}

export interface Pair<T> {
  key: string;
  before?: Identified<T>;
  after?: Identified<T>;
  /** Both sides are there under different pod names: the pod was replaced between the bundles. */
  restarted: boolean;
}

/**
 * Pairs two sides' items: the same pod first, then, per key, the one pod left on each side (a
 * restart). Replicas that cannot be told apart stay unpaired (in one bundle only). Ordered by key, then pod.
 */
export function pairUp<T>(before: readonly Identified<T>[], after: readonly Identified<T>[]): Pair<T>[] {
  const pairs: Pair<T>[] = [];
  const afterByPod = new Map(after.map((a) => [`${a.key}\n${a.pod}`, a]));
  const restBefore: Identified<T>[] = [];
  for (const b of before) {
    const same = afterByPod.get(`${b.key}\n${b.pod}`);
    if (same) {
      pairs.push({ key: b.key, before: b, after: same, restarted: false });
      afterByPod.delete(`${b.key}\n${b.pod}`);
    } else restBefore.push(b);
  }
  const restAfter = [...afterByPod.values()];
  const keys = [...new Set([...restBefore, ...restAfter].map((i) => i.key))].sort(compareText);
  for (const key of keys) {
    const b = restBefore.filter((i) => i.key === key);
    const a = restAfter.filter((i) => i.key === key);
    if (b.length === 1 && a.length === 1) pairs.push({ key, before: b[0]!, after: a[0]!, restarted: true });
    else {
      for (const one of b) pairs.push({ key, before: one, restarted: false });
      for (const one of a) pairs.push({ key, after: one, restarted: false });
    }
  }
  const podOf = (p: Pair<T>) => (p.after ?? p.before)!.pod;
  return pairs.sort((x, y) => compareText(x.key, y.key) || compareText(podOf(x), podOf(y)) || compareText(x.before?.pod ?? '', y.before?.pod ?? ''));
}
