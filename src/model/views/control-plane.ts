import type { Pod } from '../../artifacts/k8s/pod-schema.js';
import { parseQuantity } from '../../artifacts/quantity.js';
import type { PodRecord, TopRecord } from '../facets.js';
import { ISTIOD_POD_NAME, containerStatuses, isIstiod } from '../pods.js';
import { defineView } from './types.js';

/** istiod's discovery container: its limit, request and measured use, from whatever the bundle has. */
export interface IstiodMemory {
  namespace: string;
  pod: string;
  /** `istiod`, or the revision's Deployment (`istiod-1-22-3`). */
  deployment: string;
  /** Whether the pod's spec is in the bundle: without it the limit and request are unknown, not absent. */
  specKnown: boolean;
  limit?: string;
  limitBytes?: number;
  requestBytes?: number;
  usedBytes?: number;
  oomKilled: boolean;
}

/** istiod as the bundle shows it: its pods, their memory, the namespace it runs in. */
export interface ControlPlaneView {
  /** The control plane's namespace, Istio's default root namespace (collect.sh `--istio-namespace`). */
  namespace: string;
  istiods: PodRecord[];
  /** `kubectl top` rows of istiod's discovery container, or of its pod when top ran without `--containers`. */
  memoryRows: TopRecord[];
  pod(namespace: string, name: string): PodRecord | undefined;
  /** Its discovery container's memory; `row` is the `kubectl top` row to take the use from (else the first of that pod). */
  memory(namespace: string, name: string, row?: TopRecord): IstiodMemory;
}

export const controlPlaneView = defineView({
  id: 'controlPlane',
  reads: ['kubectl.pods', 'kubectl.top'],
  build(facets, bundle) {
    const istiods = facets['kubectl.pods'].filter((p) => isIstiod(p.pod));
    const isIstiodRow = (row: TopRecord) => istiods.some((p) => p.name === row.pod && (!row.namespace || p.namespace === row.namespace)) || ISTIOD_POD_NAME.test(row.pod);
    const memoryRows = facets['kubectl.top'].filter((row) => isIstiodRow(row) && (row.container === undefined || row.container === 'discovery'));
    const pod = (namespace: string, name: string) => istiods.find((p) => p.namespace === namespace && p.name === name);
    return {
      namespace: bundle.istioNamespace,
      istiods,
      memoryRows,
      pod,
      memory: (namespace, name, row) => memoryOf(namespace, name, pod(namespace, name), row ? [row] : memoryRows),
    };
  },
});

function memoryOf(namespace: string, podName: string, record: PodRecord | undefined, rows: readonly TopRecord[]): IstiodMemory {
  const resources = record ? discoveryResources(record.pod) : undefined;
  const row = rows.find((r) => r.pod === podName && (r.namespace === undefined || r.namespace === namespace));
  const limitBytes = resources?.limit !== undefined ? parseQuantity(resources.limit) : undefined;
  const requestBytes = resources?.request !== undefined ? parseQuantity(resources.request) : undefined;
  return {
    namespace,
    pod: podName,
    deployment: deploymentOf(podName),
    specKnown: record !== undefined,
    ...(resources?.limit !== undefined ? { limit: resources.limit } : {}),
    ...(limitBytes !== undefined ? { limitBytes } : {}),
    ...(requestBytes !== undefined ? { requestBytes } : {}),
    ...(row ? { usedBytes: row.memoryBytes } : {}),
    oomKilled: record ? discoveryOomKilled(record.pod) : false,
  };
}

function discoveryResources(pod: Pod): { limit?: string; request?: string } {
  const resources = pod.spec?.containers?.find((c) => c.name === 'discovery')?.resources;
  const limit = resources?.limits?.memory;
  const request = resources?.requests?.memory;
  return { ...(limit !== undefined ? { limit: String(limit) } : {}), ...(request !== undefined ? { request: String(request) } : {}) };
}

function discoveryOomKilled(pod: Pod): boolean {
  return containerStatuses(pod).some((s) => s.name === 'discovery' && (s.state?.terminated?.reason === 'OOMKilled' || s.lastState?.terminated?.reason === 'OOMKilled'));
}

/** `istiod-7c4d8d6d7b-9mzt4` → `istiod`; `istiod-1-22-3-7c4d8d6d7b-9mzt4` → `istiod-1-22-3`. */
export function deploymentOf(podName: string): string {
  return ISTIOD_POD_NAME.test(podName) ? podName.replace(/-[a-z0-9]{5,10}-[a-z0-9]{5}$/, '') : 'istiod';
}
