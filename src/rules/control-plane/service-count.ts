import type { ConfigIndex } from '../../analysis/config-index.js';
import { labelSelectorMatches, stringMap } from '../../analysis/object-access.js';
import type { ServiceNamesRecord } from '../../model/facets.js';
import { evidenceAt, plural } from '../evidence.js';
import type { Evidence } from '../rule.js';

/** How many Services istiod watches, as far as the bundle can tell. */
export type ServiceCount =
  | {
      count: number;
      /** False: only some namespaces' Services are in the bundle, so `count` is a lower bound. */
      complete: boolean;
      /** Where the count comes from, in words: `the cluster-wide Service listing (…)`. */
      basis: string;
      /** What it counts in, when not every namespace: ` in the 2 namespaces MeshConfig \`discoverySelectors\` select`. */
      scope: string;
      evidence: Evidence[];
    }
  | { unknown: string };

/**
 * The cluster-wide name listing (`kubectl get services -A`) gives the exact count; without it the
 * Services of the bundle's per-namespace listings are a lower bound (a namespace the bundle did not
 * collect, or whose listing failed, cannot be told from one without Services). MeshConfig
 * `discoverySelectors` narrow what istiod watches to the namespaces they select, which takes the
 * Namespace listing's labels to know.
 */
export function serviceCount(index: ConfigIndex, listings: readonly ServiceNamesRecord[]): ServiceCount {
  const names = new Map<string, string>(); // `namespace/name` → namespace
  const evidence: Evidence[] = [];
  // Every cluster has `default/kubernetes`: a listing without any Service is a command that failed
  // into its file (`kubectl get services -A … > service-names.txt`), not a cluster without Services.
  const usable = listings.filter((listing) => listing.services.length > 0);
  const empty = listings.find((listing) => listing.services.length === 0);
  if (usable.length > 0) {
    for (const listing of usable) {
      for (const s of listing.services) names.set(`${s.namespace}/${s.name}`, s.namespace);
      evidence.push(evidenceAt({ path: listing.path }, `${plural(listing.services.length, 'Service')} in ${new Set(listing.services.map((s) => s.namespace)).size} namespaces`));
    }
  } else {
    const services = index.ofKind('Service');
    for (const record of services) names.set(`${index.namespaceOf(record)}/${record.object.metadata.name}`, index.namespaceOf(record));
    for (const path of [...new Set(services.map((s) => s.source.path))].slice(0, 3)) evidence.push(evidenceAt({ path }, 'Service listing'));
  }
  if (names.size === 0) {
    return { unknown: empty ? `\`${empty.path}\` lists no Service, though every cluster has \`default/kubernetes\`: the command that wrote it failed or was cut short` : 'the bundle has no Service listing' };
  }
  const complete = usable.length > 0;
  const where = complete
    ? `the cluster-wide Service listing (\`${usable[0]!.path}\`)`
    : empty
      ? `the bundle's Service listings (the cluster-wide one, \`${empty.path}\`, is empty)`
      : "the bundle's Service listings (no cluster-wide `kubectl get services -A`)";

  const selectors = index.mesh.discoverySelectors;
  if (selectors.length === 0) return { count: names.size, complete, basis: where, scope: '', evidence };
  const namespaces = index.ofKind('Namespace');
  if (namespaces.length === 0) return { unknown: 'MeshConfig `discoverySelectors` limit the namespaces istiod watches, and the bundle has no Namespace listing to tell which' };
  const selected = new Set(namespaces.filter((ns) => selectors.some((s) => labelSelectorMatches(s, stringMap(ns.object.metadata.labels)))).map((ns) => ns.object.metadata.name));
  const count = [...names.values()].filter((ns) => selected.has(ns)).length;
  const meshSource = index.mesh.source ? [evidenceAt(index.mesh.source.source, 'discoverySelectors')] : [];
  return { count, complete, basis: where, scope: ` in the ${plural(selected.size, 'namespace')} MeshConfig \`discoverySelectors\` select`, evidence: [...evidence, ...meshSource] };
}
