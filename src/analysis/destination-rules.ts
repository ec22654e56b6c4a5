import type { ResourceRecord } from '../model/facets.js';
import type { ConfigIndex } from './config-index.js';
import { exportScopes, serviceOfFqdn, toFqdn, visibleIn, wildcardCovers } from './hosts.js';
import { asArray, asRecord, asString, stringMap } from './object-access.js';
import { stringList } from './virtual-service.js';

export interface Subset {
  name: string;
  labels: Record<string, string>;
  /** JSON pointer of the subset in its DestinationRule. */
  pointer: string;
}

export function drHost(record: ResourceRecord): string {
  return asString(asRecord(record.object.spec)?.host) ?? '';
}

export function drSubsets(record: ResourceRecord): Subset[] {
  return asArray(asRecord(record.object.spec)?.subsets).flatMap((s, i) => {
    const subset = asRecord(s);
    const name = asString(subset?.name);
    return name ? [{ name, labels: stringMap(subset?.labels), pointer: `/spec/subsets/${i}` }] : [];
  });
}

/**
 * The DestinationRules that apply to `host` for a client in `fromNamespace`, as istiod chooses them
 * (istio.io "DestinationRule" and exportTo; pilot's sidecar scope): the client's own namespace first,
 * then the service's, then the mesh root namespace — the first that has a rule for the host wins,
 * and within it the rules for exactly the host (merged), else the most specific wildcard. Rules of
 * the service's and root namespaces count only when exported to the client's namespace.
 */
export function destinationRulesFor(index: ConfigIndex, host: string, fromNamespace: string): ResourceRecord[] {
  const fqdn = toFqdn(host, fromNamespace, index.clusterDomain);
  const serviceNamespace = serviceOfFqdn(fqdn, index.clusterDomain)?.namespace ?? (() => {
    const known = index.resolveHost(host, fromNamespace);
    return known ? index.namespaceOf(known.record) : undefined;
  })();
  const rules = ruleTable(index);
  for (const namespace of [...new Set([fromNamespace, serviceNamespace, index.mesh.rootNamespace])]) {
    if (namespace === undefined) continue;
    const usable = (r: IndexedRule) => r.namespace === namespace && (namespace === fromNamespace || visibleIn(r.scopes, fromNamespace));
    const exact = (rules.byHost.get(fqdn) ?? []).filter(usable).map((r) => r.dr);
    if (exact.length > 0) return exact;
    const wildcards = rules.wildcards.filter((r) => usable(r) && wildcardCovers(r.host, fqdn)).sort((a, b) => b.host.length - a.host.length);
    const best = wildcards[0]?.host;
    if (best) return wildcards.filter((r) => r.host === best).map((r) => r.dr);
  }
  return [];
}

interface IndexedRule {
  dr: ResourceRecord;
  namespace: string;
  host: string;
  scopes: string[];
}

/** DestinationRules by FQDN host, built once per index: lookups run once per route destination. */
const tables = new WeakMap<ConfigIndex, { byHost: Map<string, IndexedRule[]>; wildcards: IndexedRule[] }>();

function ruleTable(index: ConfigIndex): { byHost: Map<string, IndexedRule[]>; wildcards: IndexedRule[] } {
  let table = tables.get(index);
  if (!table) {
    table = { byHost: new Map(), wildcards: [] };
    for (const dr of index.ofKind('DestinationRule')) {
      const ns = index.namespaceOf(dr);
      const rule = { dr, namespace: ns, host: toFqdn(drHost(dr), ns, index.clusterDomain), scopes: exportScopes(stringList(asRecord(dr.object.spec)?.exportTo), ns, index.mesh.defaultDestinationRuleExportTo) };
      if (rule.host.startsWith('*')) table.wildcards.push(rule);
      else {
        const list = table.byHost.get(rule.host);
        if (list) list.push(rule);
        else table.byHost.set(rule.host, [rule]);
      }
    }
    tables.set(index, table);
  }
  return table;
}
