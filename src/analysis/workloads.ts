import type { ResourceRecord } from '../model/facets.js';
import type { ConfigIndex } from './config-index.js';
import { serviceOfFqdn, toFqdn } from './hosts.js';
import { asRecord, selectorMatches, stringMap } from './object-access.js';

/** The Service a cluster-local host names (`reviews` in `bookinfo`, or its FQDN). */
export function serviceForHost(index: ConfigIndex, host: string, fromNamespace: string): ResourceRecord | undefined {
  const target = serviceOfFqdn(toFqdn(host, fromNamespace, index.clusterDomain), index.clusterDomain);
  if (!target) return undefined;
  return index.ofKind('Service').find((s) => s.object.metadata.name === target.name && index.namespaceOf(s) === target.namespace);
}

/** The pods a Service selects (none for a Service without selector). */
export function podsOfService(index: ConfigIndex, service: ResourceRecord): ResourceRecord[] {
  const selector = stringMap(asRecord(service.object.spec)?.selector);
  if (Object.keys(selector).length === 0) return [];
  const namespace = index.namespaceOf(service);
  return index.pods().filter((p) => index.namespaceOf(p) === namespace && selectorMatches(selector, stringMap(p.object.metadata.labels)));
}
