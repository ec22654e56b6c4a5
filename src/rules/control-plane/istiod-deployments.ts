import type { ConfigIndex } from '../../analysis/config-index.js';
import { asArray, asNumber, asRecord, asString, stringMap } from '../../analysis/object-access.js';
import { parseQuantity } from '../../artifacts/quantity.js';
import type { PodRecord, Source } from '../../model/facets.js';
import { isRunningToStay } from '../../model/pods.js';
import { deploymentOf } from '../../model/views/control-plane.js';
import { compareText } from '../../order.js';

/** One istiod Deployment (a revision) as the bundle shows it: from the Deployment, else from its pods. */
export interface IstiodDeployment {
  namespace: string;
  name: string;
  replicas: number;
  /** The discovery container's requests and limits, in bytes and cores; undefined when not set. */
  memoryRequest?: number;
  memoryLimit?: number;
  cpuRequest?: number;
  cpuLimit?: number;
  /** What places it on nodes of its own: nodeSelector, required node affinity, tolerations of custom taints. */
  placement: string[];
  /** Where its resources were read: the Deployment, or one of its pods. */
  source: Source;
  from: 'Deployment' | 'pods';
}

const ISTIOD_DEPLOYMENT = /^istiod(?:-[a-z0-9-]+)?$/;

/**
 * The istiod Deployments of the control-plane namespace (named `istiod` or `istiod-<revision>`,
 * or labelled `app=istiod`), scaled-down ones left out (nothing runs); where the bundle has no
 * Deployment, the running istiod pods grouped by their Deployment's name stand in.
 */
export function istiodDeployments(index: ConfigIndex, istiodPods: readonly PodRecord[], istioNamespace: string): IstiodDeployment[] {
  const fromDeployments = index
    .ofKind('Deployment')
    .filter((d) => index.namespaceOf(d) === istioNamespace)
    .filter((d) => ISTIOD_DEPLOYMENT.test(d.object.metadata.name) || stringMap(asRecord(asRecord(asRecord(d.object.spec)?.template)?.metadata)?.labels).app === 'istiod')
    .flatMap((d): IstiodDeployment[] => {
      const spec = asRecord(d.object.spec);
      const replicas = asNumber(spec?.replicas) ?? 1;
      const podSpec = asRecord(asRecord(spec?.template)?.spec);
      const i = asArray(podSpec?.containers).findIndex((c) => asRecord(c)?.name === 'discovery');
      if (replicas === 0 || i < 0) return [];
      const pointer = `${d.source.pointer ?? ''}/spec/template/spec/containers/${i}/resources`;
      return [{ namespace: istioNamespace, name: d.object.metadata.name, replicas, ...resources(asArray(podSpec?.containers)[i]), placement: placement(podSpec), source: { ...d.source, pointer }, from: 'Deployment' }];
    });
  if (fromDeployments.length > 0) return fromDeployments.sort((a, b) => compareText(a.name, b.name));

  const byDeployment = new Map<string, PodRecord[]>();
  for (const pod of istiodPods) {
    if (!isRunningToStay(pod.pod)) continue;
    const key = `${pod.namespace}/${deploymentOf(pod.name)}`;
    byDeployment.set(key, [...(byDeployment.get(key) ?? []), pod]);
  }
  return [...byDeployment.values()]
    .map((pods): IstiodDeployment | undefined => {
      const first = pods[0]!;
      const podSpec = asRecord(first.pod.spec as unknown);
      const i = asArray(podSpec?.containers).findIndex((c) => asRecord(c)?.name === 'discovery');
      if (i < 0) return undefined;
      const source = { ...first.source, pointer: `${first.source.pointer ?? ''}/spec/containers/${i}/resources` };
      return { namespace: first.namespace, name: deploymentOf(first.name), replicas: pods.length, ...resources(asArray(podSpec?.containers)[i]), placement: placement(podSpec), source, from: 'pods' };
    })
    .filter((d): d is IstiodDeployment => d !== undefined)
    .sort((a, b) => compareText(a.name, b.name));
}

function resources(container: unknown): Pick<IstiodDeployment, 'memoryRequest' | 'memoryLimit' | 'cpuRequest' | 'cpuLimit'> {
  const r = asRecord(asRecord(container)?.resources);
  const read = (kind: 'requests' | 'limits', resource: 'memory' | 'cpu') => {
    const value = asRecord(r?.[kind])?.[resource];
    return typeof value === 'string' || typeof value === 'number' ? parseQuantity(value) : undefined;
  };
  const values = { memoryRequest: read('requests', 'memory'), memoryLimit: read('limits', 'memory'), cpuRequest: read('requests', 'cpu'), cpuLimit: read('limits', 'cpu') };
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
}

/** Kubernetes adds `node.kubernetes.io/not-ready` and `unreachable` tolerations to every pod: they place nothing. */
function placement(podSpec: Record<string, unknown> | undefined): string[] {
  const found: string[] = [];
  const selector = stringMap(podSpec?.nodeSelector);
  // `kubernetes.io/os: linux` is on every node: it selects nothing of its own.
  const own = Object.entries(selector).filter(([k]) => k !== 'kubernetes.io/os' && k !== 'beta.kubernetes.io/os');
  if (own.length > 0) found.push(`nodeSelector ${own.map(([k, v]) => `${k}=${v}`).join(', ')}`);
  const required = asRecord(asRecord(asRecord(podSpec?.affinity)?.nodeAffinity)?.requiredDuringSchedulingIgnoredDuringExecution);
  if (asArray(required?.nodeSelectorTerms).length > 0) found.push('required node affinity');
  const tolerations = asArray(podSpec?.tolerations).map(asRecord).filter((t) => t && asString(t.key) && !asString(t.key)!.startsWith('node.kubernetes.io/'));
  if (tolerations.length > 0) found.push(`tolerations of ${tolerations.map((t) => `\`${asString(t!.key)}\``).join(', ')}`);
  return found;
}
