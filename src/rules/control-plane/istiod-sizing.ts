import type { Pod } from '../../artifacts/k8s/pod-schema.js';
import { GiB, parseQuantity } from '../../artifacts/quantity.js';
import type { PodRecord, TopRecord } from '../../model/facets.js';
import { ISTIOD_POD_NAME, containerStatuses, isIstiod } from '../../model/pods.js';
import { shell } from '../shell.js';

/**
 * One memory recommendation for an istiod Deployment, whichever rule gives it (CP003 after an
 * OOMKill, CP004 on high use): derived from the discovery container's limit and its measured use,
 * so two findings about the same Deployment never suggest two numbers, and never a lower limit.
 */
export const ISTIOD_SIZING = {
  /** An OOMKilled container needs more than it had: twice its limit. */
  oomLimitFactor: 2,
  /** Headroom over measured use (`kubectl top`), as Istio's performance guidance leaves room for push spikes. */
  headroomFactor: 1.5,
  /** No limit known and OOMKilled: start from 4 GiB, the line above which CP004 calls istiod too big. */
  floorBytes: 4 * GiB,
} as const;

export interface IstiodMemory {
  namespace: string;
  pod: string;
  /** `deploy/istiod`, or the revision's Deployment (`istiod-1-22-3`). */
  deployment: string;
  limit?: string;
  limitBytes?: number;
  usedBytes?: number;
  oomKilled: boolean;
}

export interface MemoryAdvice {
  /** The limit to set, in whole GiB; undefined when the current limit already has the headroom. */
  limitGi?: number;
  /** A request that does not exceed the limit, when use was measured. */
  requestGi?: number;
  command?: string;
}

/** The discovery container's limit and use, from whatever the bundle has of the two. */
export function istiodMemory(namespace: string, podName: string, pods: readonly PodRecord[], top: readonly TopRecord[]): IstiodMemory {
  const record = pods.find((p) => p.namespace === namespace && p.name === podName && isIstiod(p.pod));
  const limit = record ? discoveryLimit(record.pod) : undefined;
  const row = top.find((r) => r.pod === podName && (r.namespace === undefined || r.namespace === namespace) && (r.container === undefined || r.container === 'discovery'));
  const limitBytes = limit !== undefined ? parseQuantity(limit) : undefined;
  return {
    namespace,
    pod: podName,
    deployment: deploymentOf(podName),
    ...(limit !== undefined ? { limit } : {}),
    ...(limitBytes !== undefined ? { limitBytes } : {}),
    ...(row ? { usedBytes: row.memoryBytes } : {}),
    oomKilled: record ? discoveryOomKilled(record.pod) : false,
  };
}

export function memoryAdvice(memory: IstiodMemory): MemoryAdvice {
  const { limitBytes, usedBytes, oomKilled } = memory;
  const candidates = [limitBytes ?? 0];
  if (oomKilled) candidates.push(limitBytes !== undefined ? limitBytes * ISTIOD_SIZING.oomLimitFactor : ISTIOD_SIZING.floorBytes);
  if (usedBytes !== undefined) candidates.push(usedBytes * ISTIOD_SIZING.headroomFactor);
  const wanted = Math.ceil(Math.max(...candidates) / GiB);
  const current = limitBytes !== undefined ? limitBytes / GiB : undefined;
  const limitGi = wanted > 0 && (current === undefined || wanted > current) ? wanted : undefined;
  const ceiling = limitGi ?? (current !== undefined ? Math.floor(current) : undefined);
  const requestGi = usedBytes !== undefined ? Math.min(Math.ceil(usedBytes / GiB), ceiling ?? Infinity) : undefined;
  if (limitGi === undefined && requestGi === undefined) return {};
  const settings = [...(limitGi !== undefined ? [`--limits=memory=${limitGi}Gi`] : []), ...(requestGi !== undefined && requestGi > 0 ? [`--requests=memory=${requestGi}Gi`] : [])];
  return {
    ...(limitGi !== undefined ? { limitGi } : {}),
    ...(requestGi !== undefined ? { requestGi } : {}),
    ...(settings.length > 0 ? { command: `${shell`kubectl -n ${memory.namespace} set resources ${`deploy/${memory.deployment}`} -c discovery`} ${settings.join(' ')}` } : {}),
  };
}

function discoveryLimit(pod: Pod): string | undefined {
  const memory = pod.spec?.containers?.find((c) => c.name === 'discovery')?.resources?.limits?.memory;
  return memory === undefined ? undefined : String(memory);
}

function discoveryOomKilled(pod: Pod): boolean {
  return containerStatuses(pod).some((s) => s.name === 'discovery' && (s.state?.terminated?.reason === 'OOMKilled' || s.lastState?.terminated?.reason === 'OOMKilled'));
}

/** `istiod-7c4d8d6d7b-9mzt4` → `istiod`; `istiod-1-22-3-7c4d8d6d7b-9mzt4` → `istiod-1-22-3`. */
export function deploymentOf(podName: string): string {
  return ISTIOD_POD_NAME.test(podName) ? podName.replace(/-[a-z0-9]{5,10}-[a-z0-9]{5}$/, '') : 'istiod';
}
