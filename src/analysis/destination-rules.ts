import type { ResourceRecord } from '../model/facets.js';
import type { ConfigIndex } from './config-index.js';
import { toFqdn, visibleIn, exportScopes, wildcardCovers } from './hosts.js';
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
 * The DestinationRules that apply to `host` for a client in `fromNamespace`, as the proxies choose
 * them (istio.io "DestinationRule", "Destination rule merging"): rules whose host is exactly the
 * service's FQDN win and are merged; only without one does the most specific wildcard host apply.
 * Rules not exported to the client's namespace do not count.
 */
export function destinationRulesFor(index: ConfigIndex, host: string, fromNamespace: string): ResourceRecord[] {
  const fqdn = toFqdn(host, fromNamespace, index.clusterDomain);
  const rules = ruleTable(index);
  const visible = (r: IndexedRule) => visibleIn(r.scopes, fromNamespace);
  const exact = (rules.byHost.get(fqdn) ?? []).filter(visible).map((r) => r.dr);
  if (exact.length > 0) return exact;
  const wildcards = rules.wildcards.filter((r) => visible(r) && wildcardCovers(r.host, fqdn)).sort((a, b) => b.host.length - a.host.length);
  const best = wildcards[0]?.host;
  return wildcards.filter((r) => r.host === best).map((r) => r.dr);
}

interface IndexedRule {
  dr: ResourceRecord;
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
      const rule = { dr, host: toFqdn(drHost(dr), ns, index.clusterDomain), scopes: exportScopes(stringList(asRecord(dr.object.spec)?.exportTo), ns, index.mesh.defaultDestinationRuleExportTo) };
      if (rule.host.startsWith('*')) table.wildcards.push(rule);
      else table.byHost.set(rule.host, [...(table.byHost.get(rule.host) ?? []), rule]);
    }
    tables.set(index, table);
  }
  return table;
}
