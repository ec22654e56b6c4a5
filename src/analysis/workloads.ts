import type { ResourceRecord } from '../model/facets.js';
import type { ConfigIndex } from './config-index.js';
import { serviceOfFqdn, toFqdn } from './hosts.js';
import { asArray, asNumber, asRecord, asString, selectorMatches, stringMap } from './object-access.js';

/** The Service a cluster-local host names (`reviews` in `bookinfo`, or its FQDN). */
export function serviceForHost(index: ConfigIndex, host: string, fromNamespace: string): ResourceRecord | undefined {
  const target = serviceOfFqdn(toFqdn(host, fromNamespace, index.clusterDomain), index.clusterDomain);
  if (!target) return undefined;
  return index.ofKind('Service').find((s) => s.object.metadata.name === target.name && index.namespaceOf(s) === target.namespace);
}

/** The Service a cluster-domain FQDN names (`reviews.bookinfo.svc.cluster.local`); a short name or another domain names none. */
export function serviceOfClusterHost(index: ConfigIndex, host: string): ResourceRecord | undefined {
  const service = serviceOfFqdn(host, index.clusterDomain);
  return service ? serviceForHost(index, host, service.namespace) : undefined;
}

/** The pod a log belongs to, when the bundle holds its record. */
export function podOfLog(index: ConfigIndex, log: { pod?: string; namespace?: string }): ResourceRecord | undefined {
  return log.pod === undefined ? undefined : index.pod(log.pod, log.namespace);
}

/** The pods a Service selects (none for a Service without selector). */
export function podsOfService(index: ConfigIndex, service: ResourceRecord): ResourceRecord[] {
  const selector = stringMap(asRecord(service.object.spec)?.selector);
  if (Object.keys(selector).length === 0) return [];
  const namespace = index.namespaceOf(service);
  return index.pods().filter((p) => index.namespaceOf(p) === namespace && selectorMatches(selector, stringMap(p.object.metadata.labels)));
}

/**
 * What a Deployment's pod is called: `<name>-<pod-template-hash>-<5 characters>`, both suffixes in
 * Kubernetes' alphabet without vowels (`k8s.io/apimachinery/pkg/util/rand`), so `payment-errors-today`
 * is not taken for a pod.
 */
export const REPLICASET_POD = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?-[bcdfghjklmnpqrstvwxz2456789]{5,10}-[bcdfghjklmnpqrstvwxz2456789]{5}$/;

/**
 * The workload a pod belongs to, so its replicas are one subject: the owner the pod record names
 * (a ReplicaSet stands for its Deployment: its name less the `pod-template-hash`), else the shape
 * of a Deployment pod's name; a pod nothing groups stays itself.
 */
export function workloadOf(name: string, record?: ResourceRecord): { kind: string; name: string } {
  const owner = asRecord(asArray(record?.object.metadata.ownerReferences)[0]);
  const ownerKind = asString(owner?.kind);
  const ownerName = asString(owner?.name);
  if (ownerKind && ownerName) {
    const hash = stringMap(record?.object.metadata.labels)['pod-template-hash'];
    if (ownerKind === 'ReplicaSet') return hash && ownerName.endsWith(`-${hash}`) ? { kind: 'Deployment', name: ownerName.slice(0, -hash.length - 1) } : { kind: 'ReplicaSet', name: ownerName };
    return { kind: ownerKind, name: ownerName };
  }
  if (REPLICASET_POD.test(name)) return { kind: 'Deployment', name: name.replace(/-[^-]+-[^-]+$/, '') };
  return { kind: 'Pod', name };
}

/**
 * The container port a Service `targetPort` (IntOrString) means on a pod: a number, a numeric string,
 * or the name of one of its containers' ports; undefined when the pod declares no port of that name.
 */
export function containerPortOf(targetPort: unknown, pod: ResourceRecord): number | undefined {
  const number = asNumber(targetPort);
  if (number !== undefined) return number;
  const name = asString(targetPort);
  if (!name) return undefined;
  if (/^\d+$/.test(name)) return Number(name);
  for (const container of asArray(asRecord(pod.object.spec)?.containers)) {
    for (const entry of asArray(asRecord(container)?.ports)) {
      const port = asRecord(entry);
      if (asString(port?.name) === name) return asNumber(port?.containerPort);
    }
  }
  return undefined;
}
