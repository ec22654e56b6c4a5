import { GiB, MiB } from '../../artifacts/quantity.js';
import type { IstiodMemory } from '../../model/views/control-plane.js';
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
  /** OOMKilled with no limit known: at least 4 GiB, the line above which CP004 calls istiod too big. */
  floorBytes: 4 * GiB,
} as const;

export interface MemoryAdvice {
  /** The limit to set, in whole GiB; undefined when the current one has the headroom, or none is set or known. */
  limitGi?: number;
  /** With no limit known: the least it should be. */
  minimumLimitGi?: number;
  /** A request to set: at least the measured use and the current request, never above the limit. */
  requestGi?: number;
  command?: string;
}

/**
 * A limit is raised only where one is set (an unlimited container is never capped) and only
 * upwards; where the pod spec is not in the bundle the least limit is said, not set. A request is
 * never lowered either.
 */
export function memoryAdvice(memory: IstiodMemory): MemoryAdvice {
  const { limitBytes, requestBytes, usedBytes, oomKilled } = memory;
  const needed = Math.max(
    oomKilled ? (limitBytes !== undefined ? limitBytes * ISTIOD_SIZING.oomLimitFactor : ISTIOD_SIZING.floorBytes) : 0,
    usedBytes !== undefined ? usedBytes * ISTIOD_SIZING.headroomFactor : 0,
  );
  const neededGi = Math.ceil(needed / GiB);
  const advice: MemoryAdvice = {};
  if (limitBytes !== undefined && neededGi > limitBytes / GiB) advice.limitGi = neededGi;
  if (!memory.specKnown && neededGi > 0) advice.minimumLimitGi = neededGi;
  const ceiling = advice.limitGi ?? (limitBytes !== undefined ? Math.floor(limitBytes / GiB) : Infinity);
  if (usedBytes !== undefined) {
    const wanted = Math.min(Math.ceil(usedBytes / GiB), ceiling);
    if (wanted > 0 && (requestBytes === undefined || wanted * GiB > requestBytes)) advice.requestGi = wanted;
  }
  const settings = [...(advice.limitGi !== undefined ? [`--limits=memory=${advice.limitGi}Gi`] : []), ...(advice.requestGi !== undefined ? [`--requests=memory=${advice.requestGi}Gi`] : [])];
  if (settings.length > 0) advice.command = `${shell`kubectl -n ${memory.namespace} set resources ${`deploy/${memory.deployment}`} -c discovery`} ${settings.join(' ')}`;
  return advice;
}

/**
 * What istiod needs for the Services it watches (CP005). "4 GB" is read as 4 × 10⁹ bytes, the lower
 * of its two readings, so that `4G` and `4Gi` both meet it (CP004 reads its ">4 GB" of use as 4 GiB,
 * the higher one: each line is drawn where it flags less).
 */
export const SERVICE_SIZING = {
  /** Below this many Services istiod's default resources are enough. */
  defaultUpTo: 100,
  /** From `defaultUpTo` Services on: the memory and CPU istiod must be given (request, else limit). */
  memoryBytes: 4e9,
  cpuCores: 2,
  /** Above this many: nodes of its own and several replicas. */
  largeAbove: 1000,
  /** "Several": more than one. */
  minReplicas: 2,
  /** Expected memory: a base plus so much per 1000 Services (MiB). */
  baseMiB: 200,
  perThousandMiB: 200,
  /** "Far above the expected memory": at least this many times it. */
  overFactor: 2,
} as const;

/** The memory istiod is expected to use for this many Services, in bytes. */
export function expectedIstiodMemoryBytes(services: number): number {
  return (SERVICE_SIZING.baseMiB + (SERVICE_SIZING.perThousandMiB * services) / 1000) * MiB;
}

/** Replicas to run istiod with when it is too small for its load. */
export const ISTIOD_REPLICAS = 3;

/**
 * More istiod replicas. The default install scales istiod with an HPA (`autoscaleEnabled`), which
 * would undo a manual `kubectl scale`: its `minReplicas` is what to raise; without an HPA, scale.
 */
export function moreReplicasCommands(namespace: string, deployment: string): string[] {
  return [
    `${shell`kubectl -n ${namespace} patch hpa ${deployment} --type merge -p ${`{"spec":{"minReplicas":${ISTIOD_REPLICAS}}}`}`}   # with an HPA (the default install; Helm: pilot.autoscaleMin)`,
    `${shell`kubectl -n ${namespace} scale ${`deploy/${deployment}`} --replicas=${ISTIOD_REPLICAS}`}   # without one (kubectl -n ${namespace} get hpa)`,
  ];
}
