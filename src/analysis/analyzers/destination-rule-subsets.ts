import type { ResourceRecord } from '../../model/facets.js';
import { compareText } from '../../order.js';
import { defineAnalyzer } from '../analyzer.js';
import type { ConfigIndex, KnownHost } from '../config-index.js';
import { EXPORT_TO_ALL, EXPORT_TO_OWN_NAMESPACE, toFqdn } from '../hosts.js';
import { originName, type IstioMessage } from '../messages.js';
import { asArray, asRecord, asString, stringMap } from '../object-access.js';

type Message = Omit<IstioMessage, 'analyzer'>;

/**
 * DestinationRules whose host matches no Service or ServiceEntry (IST0174), and subsets whose labels
 * select no pod (IST0173), as Istio's `destinationrule.SubsetSelectPodAnalyzer` sees them:
 *
 * - the host is looked up exactly (short names in the rule's namespace) where the rule is exported
 *   to, then against wildcard ServiceEntry hosts visible in the rule's namespace; a wildcard rule
 *   host is known only through a ServiceEntry host, never through Kubernetes Services;
 * - a subset selects with its own labels, merged over the `workloadSelector` of a ServiceEntry host;
 *   a Kubernetes Service contributes no selector, so any pod in any namespace with the subset's
 *   labels counts, as in Istio;
 * - endpoints carry the topology labels of their Node (istio.io "Locality Load Balancing"), so pods
 *   are matched with their node's non-empty `topology.kubernetes.io/region`, `…/zone`,
 *   `topology.istio.io/subzone` and `kubernetes.io/hostname` added.
 */
export const subsetSelectPodAnalyzer = defineAnalyzer({
  name: 'destinationrule.SubsetSelectPodAnalyzer',
  codes: ['IST0173', 'IST0174'],
  analyze(index) {
    const messages: Message[] = [];
    const hosts = analyzerHosts(index);
    const pods = endpointLabels(index);
    for (const dr of index.ofKind('DestinationRule')) {
      const spec = asRecord(dr.object.spec);
      const host = asString(spec?.host) ?? '';
      const namespace = index.namespaceOf(dr);
      const exportTo = asArray(spec?.exportTo).map(asString).filter((s): s is string => s !== undefined);
      const target = destinationHost(hosts, host, namespace, exportTo, index.clusterDomain);
      if (!target) {
        messages.push(unknownHost(index, dr, host, namespace));
        continue;
      }
      for (const subset of subsetsByName(spec)) {
        const selector = { ...target.workloadLabels, ...subset.labels };
        if (pods.some((pod) => podMatches(selector, pod))) continue;
        messages.push(subsetSelectsNothing(dr, host, serviceName(index, target), target, subset, selector));
      }
    }
    return messages;
  },
});

/** A host as Istio's analyzers index it: visibility from the resource alone, Services without selector. */
interface AnalyzerHost {
  host: string;
  scopes: string[];
  known: KnownHost;
  /** A ServiceEntry's `workloadSelector.labels`; empty for a Kubernetes Service. */
  workloadLabels: Record<string, string>;
}

/**
 * Istio's analyzer host map takes visibility from `exportTo` (ServiceEntry) or the
 * `networking.istio.io/exportTo` annotation (Service) and, unlike the proxy, ignores the mesh's
 * `defaultServiceExportTo`: nothing set means visible everywhere.
 */
function analyzerHosts(index: ConfigIndex): AnalyzerHost[] {
  return index.knownHosts().map((known) => {
    const namespace = index.namespaceOf(known.record);
    const spec = asRecord(known.record.object.spec);
    const declared =
      known.kind === 'ServiceEntry'
        ? asArray(spec?.exportTo).map(asString).filter((s): s is string => s !== undefined)
        : (stringMap(known.record.object.metadata.annotations)['networking.istio.io/exportTo'] ?? '').split(',').filter(Boolean);
    const scopes = declared.length === 0 || declared.includes(EXPORT_TO_ALL) ? [EXPORT_TO_ALL] : declared.map((ns) => (ns === EXPORT_TO_OWN_NAMESPACE ? namespace : ns));
    const workloadLabels = known.kind === 'ServiceEntry' ? stringMap(asRecord(spec?.workloadSelector)?.labels) : {};
    return { host: known.host, scopes, known, workloadLabels };
  });
}

/**
 * The Service or ServiceEntry a DestinationRule host names (Istio's `util.GetDestinationHost`):
 * the exact FQDN exported to all namespaces, then to the namespaces the rule is exported to (its
 * own by default), then a wildcard ServiceEntry host visible in the rule's namespace whose suffix
 * ends the rule's host as written.
 */
function destinationHost(hosts: readonly AnalyzerHost[], host: string, namespace: string, exportTo: readonly string[], domain: string): AnalyzerHost | undefined {
  const fqdn = toFqdn(host, namespace, domain);
  const lookIn = [EXPORT_TO_ALL, ...(exportTo.length === 0 ? [namespace] : exportTo.map((ns) => (ns === EXPORT_TO_OWN_NAMESPACE ? namespace : ns)))];
  for (const scope of lookIn) {
    const exact = preferService(hosts.filter((h) => h.host === fqdn && h.scopes.includes(scope)));
    if (exact) return exact;
  }
  const written = host.startsWith('*') ? host.slice(1) : host;
  return hosts
    .filter((h) => h.host.startsWith('*') && (h.scopes.includes(EXPORT_TO_ALL) || h.scopes.includes(namespace)) && written.endsWith(h.host.slice(1)))
    .sort((a, b) => b.host.length - a.host.length || compareText(a.host, b.host))[0];
}

/** Istio fills its host map with ServiceEntries first, so a Service with the same host replaces them. */
function preferService(candidates: readonly AnalyzerHost[]): AnalyzerHost | undefined {
  return candidates.find((h) => h.known.kind === 'Service') ?? candidates[0];
}

interface Subset {
  name: string;
  labels: Record<string, string>;
  position: number;
  pointer: string;
}

/** Istio keys subsets by name, so of two subsets with one name the later one is the one checked. */
function subsetsByName(spec: Record<string, unknown> | undefined): Subset[] {
  const byName = new Map<string, Subset>();
  asArray(spec?.subsets).forEach((value, i) => {
    const subset = asRecord(value);
    if (!subset) return;
    const name = asString(subset.name) ?? '';
    byName.set(name, { name, labels: stringMap(subset.labels), position: i, pointer: asRecord(subset.labels) ? `/spec/subsets/${i}/labels` : `/spec/subsets/${i}` });
  });
  return [...byName.values()].sort((a, b) => a.position - b.position);
}

/** The node labels Istio copies onto a pod's endpoints (`AugmentLabels`); empty values are not copied. */
const NODE_TOPOLOGY_LABELS = ['topology.kubernetes.io/region', 'topology.kubernetes.io/zone', 'topology.istio.io/subzone'] as const;
const HOSTNAME_LABEL = 'kubernetes.io/hostname';

interface EndpointLabels {
  labels: Record<string, string>;
  /**
   * The pod runs on a node the bundle does not hold: its topology labels are unknown, and a subset
   * that selects on them is given the benefit of the doubt (a live `istioctl analyze` sees every Node).
   */
  topologyUnknown: boolean;
}

function endpointLabels(index: ConfigIndex): EndpointLabels[] {
  const nodes = new Map(index.ofKind('Node').map((node) => [node.object.metadata.name, stringMap(node.object.metadata.labels)] as const));
  return index.pods().map((pod) => {
    const labels = stringMap(pod.object.metadata.labels);
    const nodeName = asString(asRecord(pod.object.spec)?.nodeName) ?? '';
    // An unscheduled pod has no endpoint yet, hence no node labels either.
    if (!nodeName) return { labels, topologyUnknown: false };
    const nodeLabels = nodes.get(nodeName);
    const augmented: Record<string, string> = { ...labels, [HOSTNAME_LABEL]: nodeName };
    if (!nodeLabels) return { labels: augmented, topologyUnknown: true };
    for (const key of NODE_TOPOLOGY_LABELS) if (nodeLabels[key]) augmented[key] = nodeLabels[key];
    return { labels: augmented, topologyUnknown: false };
  });
}


/** A map selector (every key equal; an empty one selects everything) against a pod's endpoint labels. */
function podMatches(selector: Record<string, string>, pod: EndpointLabels): boolean {
  return Object.entries(selector).every(([key, value]) => pod.labels[key] === value || (pod.topologyUnknown && (NODE_TOPOLOGY_LABELS as readonly string[]).includes(key)));
}

function unknownHost(index: ConfigIndex, dr: ResourceRecord, host: string, namespace: string): Message {
  const near = host.startsWith('*') ? undefined : index.caseInsensitiveHost(host, namespace);
  return {
    code: 'IST0174',
    resource: dr,
    field: '/spec/host',
    text: `DestinationRule host \`${host}\` matches no Service or ServiceEntry visible from namespace \`${namespace}\`.`,
    details: { host, ...(near && near !== toFqdn(host, namespace, index.clusterDomain) ? { caseInsensitiveMatch: near } : {}) },
  };
}

/** `Service default/httpbin`, `ServiceEntry prod/db`: what the rule's host resolved to. */
function serviceName(index: ConfigIndex, target: AnalyzerHost): string {
  const record = target.known.record;
  return originName(target.known.kind, index.namespaceOf(record) || undefined, record.object.metadata.name);
}

function subsetSelectsNothing(dr: ResourceRecord, host: string, service: string, target: AnalyzerHost, subset: Subset, selector: Record<string, string>): Message {
  const shown = Object.entries(selector)
    .sort(([a], [b]) => compareText(a, b))
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  return {
    code: 'IST0173',
    resource: dr,
    field: subset.pointer,
    text: `Subset \`${subset.name}\` of host \`${host}\` selects ${shown ? `pods labelled ${shown}` : 'every pod'}, and no pod matches, so requests routed to it fail with 503 UH (no healthy upstream).`,
    details: { subset: subset.name, labels: subset.labels, selector, host, service, related: [target.known.record] },
  };
}
