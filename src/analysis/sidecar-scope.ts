import type { ResourceRecord } from '../model/facets.js';
import type { ConfigIndex } from './config-index.js';
import { wildcardCovers } from './hosts.js';
import { asArray, asRecord, asString, selectorMatches, stringMap } from './object-access.js';

/**
 * Which Sidecar resource scopes a proxy, and which hosts its egress lets through, as istiod decides
 * (istio.io "Sidecar"): a Sidecar in the workload's namespace whose `workloadSelector` matches its
 * labels, else the namespace's Sidecar without a selector, else the root namespace's one.
 * Several candidates: the oldest wins (creationTimestamp, then name).
 */
export function sidecarFor(index: ConfigIndex, namespace: string, labels: Record<string, string>): ResourceRecord | undefined {
  const sidecars = index.ofKind('Sidecar');
  const inNamespace = (ns: string) => sidecars.filter((s) => index.namespaceOf(s) === ns).sort(oldestFirst);
  const own = inNamespace(namespace);
  const selected = own.find((s) => {
    const selector = workloadSelector(s);
    return selector !== undefined && selectorMatches(selector, labels);
  });
  if (selected) return selected;
  const namespaceWide = own.find((s) => workloadSelector(s) === undefined);
  if (namespaceWide) return namespaceWide;
  return inNamespace(index.mesh.rootNamespace).find((s) => workloadSelector(s) === undefined);
}

function workloadSelector(sidecar: ResourceRecord): Record<string, string> | undefined {
  const selector = asRecord(asRecord(asRecord(sidecar.object.spec)?.workloadSelector)?.labels);
  return selector && Object.keys(selector).length > 0 ? stringMap(selector) : undefined;
}

function oldestFirst(a: ResourceRecord, b: ResourceRecord): number {
  const ta = asString(a.object.metadata?.creationTimestamp) ?? '';
  const tb = asString(b.object.metadata?.creationTimestamp) ?? '';
  return ta < tb ? -1 : ta > tb ? 1 : (a.object.metadata?.name ?? '') < (b.object.metadata?.name ?? '') ? -1 : 1;
}

/** Every `egress[].hosts` entry of a Sidecar (`namespace/dnsName`). */
export function egressHosts(sidecar: ResourceRecord): string[] {
  return asArray(asRecord(sidecar.object.spec)?.egress).flatMap((egress) => asArray(asRecord(egress)?.hosts).flatMap((h) => (typeof h === 'string' ? [h] : [])));
}

/**
 * Whether an egress host entry lets a proxy in `sidecarNamespace` see `host`, defined in
 * `hostNamespace`: `*` any namespace, `.` the Sidecar's own, `~` none; the DNS part exact or a
 * `*.` wildcard. An entry without a namespace part matches any namespace.
 */
export function egressEntryAllows(entry: string, host: string, hostNamespace: string, sidecarNamespace: string): boolean {
  const slash = entry.indexOf('/');
  const namespace = slash < 0 ? '*' : entry.slice(0, slash);
  const dnsName = slash < 0 ? entry : entry.slice(slash + 1);
  if (namespace === '~') return false;
  if (namespace !== '*' && (namespace === '.' ? sidecarNamespace : namespace) !== hostNamespace) return false;
  return wildcardCovers(dnsName, host);
}

export function egressAllows(entries: readonly string[], host: string, hostNamespace: string, sidecarNamespace: string): boolean {
  return entries.some((entry) => egressEntryAllows(entry, host, hostNamespace, sidecarNamespace));
}
