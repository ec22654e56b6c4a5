import type { ConfigIndex } from '../../analysis/config-index.js';
import { serviceOfFqdn } from '../../analysis/hosts.js';
import { sectionPointer, type ProxyConfig } from '../../model/views/proxy-config.js';
import { evidenceAt, plural } from '../evidence.js';
import { defineRule, type Evidence, type RuleContext } from '../rule.js';
import { proxiesHolding } from '../proxy-configs.js';
import { shell } from '../shell.js';
import { sidecarGapText, whyHostMissing, whySubsetMissing, type MissingCause } from './why-host-missing.js';

/** Clusters named per finding; the rest are counted. */
const MAX_NAMED = 10;

interface Missing {
  cluster: string;
  host: string;
  /** Where the proxy is told to send traffic there: its own route table, or a VirtualService. */
  wantedBy: Evidence;
  /** `<name>.<namespace>` of the VirtualServices the routes came from, when the dump says. */
  virtualServices: string[];
  cause?: string;
  sidecarGap?: MissingCause['sidecarGap'];
  fix?: string;
  causeEvidence: Evidence[];
}

export const tp001 = defineRule({
  id: 'TP001',
  slug: 'cluster-missing-from-proxy',
  title: 'a proxy has no cluster for a service its own routes send traffic to',
  severity: 'high',
  step: 'traffic-path',
  inputs: { required: ['envoy.configDump'], optional: ['k8s.resources', 'kubectl.pods'], views: ['proxyConfig', 'configuration'] },
  description:
    'Reads each proxy\'s clusters and route tables from its config dump. Fires when a route (the VirtualService routes istiod turned into its route table) sends traffic to an `outbound|port|subset|host` cluster the proxy does not have, ' +
    'naming the likely cause the bundle supports: a Sidecar resource whose egress hosts leave the service out (the VirtualService is imported, the Service is not), or the Service or ServiceEntry not exported to the proxy\'s namespace.',
  rationale:
    'A proxy without the cluster does not know the target service exists: a route naming it answers 503 with flag NC (`cluster_not_found`), and traffic the mesh should route leaves as passthrough or is dropped. ' +
    'VirtualService and DestinationRule look right in the cluster, yet this proxy never received them.',
  remediation:
    'Make the service visible to the proxy: add its host to the Sidecar resource\'s `egress[].hosts`, or export the Service, ServiceEntry or DestinationRule to the proxy\'s namespace. Then check the proxy has it: `istioctl proxy-config cluster <pod> -n <namespace> --fqdn <host>`.',
  threshold: { value: 'any route of the proxy whose cluster the proxy does not have', source: 'rule catalogue (`istio-bundle explain TP001`), after the Istio production debugging guide, step 3 ("the sidecar doesn\'t know the target service exists")' },
  docs: ['https://istio.io/latest/docs/ops/diagnostic-tools/proxy-cmd/', 'https://istio.io/latest/docs/reference/config/networking/sidecar/'],
  check(inputs, context) {
    const index = inputs.configuration.index;
    const lacking = proxiesHolding('clusters', inputs.proxyConfig, context).flatMap((proxy) => {
      const missing = missingClusters(proxy, index);
      return missing.length > 0 ? [{ proxy, missing }] : [];
    });
    // Proxies lacking the same clusters for the same reason are one finding about that destination:
    // a subset no DestinationRule defines leaves every caller without its cluster, and that is one fault.
    const groups = new Map<string, Lacking[]>();
    for (const item of lacking) {
      const key = item.missing.map((m) => `${m.cluster} ${m.cause ?? ''}`).join('\n');
      groups.set(key, [...(groups.get(key) ?? []), item]);
    }
    for (const group of groups.values()) {
      if (group.length === 1) reportProxy(group[0]!, context);
      else reportGroup(group, context);
    }
  },
});

function missingClusters(proxy: ProxyConfig, index: ConfigIndex): Missing[] {
  const summary = proxy.sections.clusters!.summary;
  const have = new Set(summary.clusters.map((c) => c.name));
  const namespace = proxy.namespace ?? summary.node?.namespace;
  const labels = proxy.podRecord?.pod.metadata?.labels ?? {};
  const missing = new Map<string, Missing>();
  const add = (cluster: string, host: string, wantedBy: Evidence, virtualServices: string[]) => {
    if (have.has(cluster) || missing.has(cluster)) return;
    // Looked up from the host's own namespace: from the proxy's, a Service not exported there is not found at all.
    const known = index.resolveHost(host, serviceOfFqdn(host, index.clusterDomain)?.namespace ?? namespace ?? index.istioNamespace);
    const subset = cluster.split('|')[2];
    const why = namespace ? whyHostMissing(index, host, known, namespace, labels) ?? (known && subset ? whySubsetMissing(index, host, subset, namespace) : undefined) : undefined;
    missing.set(cluster, { cluster, host, wantedBy, virtualServices, ...(why ? { cause: why.text } : {}), ...(why?.sidecarGap ? { sidecarGap: why.sidecarGap } : {}), ...(why?.fix ? { fix: why.fix } : {}), causeEvidence: why?.evidence ?? [] });
  };
  // The proxy's own route table names clusters it must have.
  const routes = proxy.sections.routes;
  for (const table of routes?.summary.routeTables ?? []) {
    for (const vh of table.virtualHosts) {
      for (const cluster of vh.clusters ?? []) {
        const host = cluster.split('|')[3];
        if (cluster.startsWith('outbound|') && host) add(cluster, host, evidenceAt({ path: routes!.path, pointer: table.pointer }, `route table ${table.name}, virtual host ${vh.name} → ${cluster}`), vh.virtualServices ?? []);
      }
    }
  }
  return [...missing.values()];
}

type Lacking = { proxy: ProxyConfig; missing: Missing[] };

/** Each distinct cause once; the hosts one Sidecar's egress leaves out, in one sentence. */
/**
 * One sentence per cause, in the order the causes are first met. The clusters one Sidecar leaves out
 * share one sentence that names every host it lacks (a Sidecar of eleven missing Services is one
 * sentence, not eleven).
 */
function causeSentences(caused: readonly Missing[]): string[] {
  const sentences = new Map<string, { text: string } | { sidecar: string; egress: readonly string[]; hosts: Set<string> }>();
  for (const m of caused) {
    if (!m.sidecarGap) {
      if (!sentences.has(m.cause!)) sentences.set(m.cause!, { text: m.cause! });
      continue;
    }
    const { sidecar, egress, host } = m.sidecarGap;
    const key = `\0Sidecar ${sidecar}`; // no cause text starts with NUL
    const gap = sentences.get(key) ?? { sidecar, egress, hosts: new Set<string>() };
    if ('hosts' in gap) gap.hosts.add(host);
    sentences.set(key, gap);
  }
  return [...sentences.values()].map((s) => ('text' in s ? s.text : sidecarGapText(s.sidecar, s.egress, [...s.hosts])));
}

function whyText(missing: readonly Missing[], oneProxy: boolean): string {
  const caused = missing.filter((m) => m.cause);
  if (caused.length > 0) return `Why: ${causeSentences(caused).join('; ')}.`;
  return `Nothing in the bundle's configuration explains it: istiod may not have pushed it yet (compare \`istioctl proxy-status\` for ${oneProxy ? 'this proxy' : 'these proxies'}), or the configuration changed after the dump was taken.`;
}

/** The causes' own fixes when every missing cluster has one (a subset to define); otherwise the rule's general fix. */
function fixOf(missing: readonly Missing[]): { remediation?: string } {
  const fixes = [...new Set(missing.map((m) => m.fix))];
  return fixes.every((f): f is string => f !== undefined) ? { remediation: fixes.join(' ') } : {};
}

function missingEvidence(missing: readonly Missing[]): Evidence[] {
  return missing.filter((m) => m.cause).flatMap((m) => m.causeEvidence).slice(0, MAX_NAMED);
}

function reportProxy({ proxy, missing }: Lacking, context: RuleContext): void {
  const record = proxy.sections.clusters!;
  const named = missing.slice(0, MAX_NAMED);
  context.report({
    subject: proxy.pod && proxy.namespace ? { kind: 'Pod', namespace: proxy.namespace, name: proxy.pod } : { kind: 'File', name: record.path },
    title: `${proxy.pod ?? record.path} has no cluster ${missing.length === 1 ? `\`${missing[0]!.cluster}\`` : `for ${plural(missing.length, 'destination')}`} its routes send traffic to`,
    evidence: [evidenceAt({ path: record.path, pointer: sectionPointer(record.summary.clusters[0]?.pointer) }, `${plural(record.summary.clusters.length, 'cluster')}, none of ${named.map((m) => m.cluster).join(', ')}`), ...named.map((m) => m.wantedBy), ...missingEvidence(missing)],
    explanation:
      `The config dump of \`${proxy.id}\` has no ${named.map((m) => `\`${m.cluster}\``).join(', ')}${missing.length > named.length ? ` (and ${missing.length - named.length} more)` : ''}, ` +
      `yet its route table sends traffic there${virtualServicesOf(missing)}: requests to ${missing.length === 1 ? 'it' : 'them'} fail with 503 NC (\`cluster_not_found\`) or are not routed. ${whyText(missing, true)}`,
    key: proxy.id,
    ...fixOf(missing),
    commands: [shell`istioctl proxy-config cluster ${proxy.pod ?? '<pod>'} -n ${proxy.namespace ?? '<namespace>'} --fqdn ${missing[0]!.host}`, shell`istioctl proxy-status ${proxy.id}`],
  });
}

/** Several proxies lacking the same clusters for the same reason: one finding about the destination, each proxy an occurrence. */
function reportGroup(group: readonly Lacking[], context: RuleContext): void {
  const { missing } = group[0]!;
  const named = missing.slice(0, MAX_NAMED);
  const hosts = [...new Set(missing.map((m) => m.host))];
  const service = hosts.length === 1 ? serviceOfFqdn(hosts[0]!) : undefined;
  const first = group[0]!.proxy;
  const proxies = group.map((g) => g.proxy.id);
  context.report({
    subject: service ? { kind: 'Service', namespace: service.namespace, name: service.name } : { kind: 'Host', name: hosts.join(', ') },
    title: `${plural(group.length, 'proxy', 'proxies')} have no cluster ${missing.length === 1 ? `\`${missing[0]!.cluster}\`` : `for ${plural(missing.length, 'destination')}`} their routes send traffic to`,
    evidence: [...group.slice(0, 3).map(({ proxy }) => evidenceAt({ path: proxy.sections.clusters!.path, pointer: sectionPointer(proxy.sections.clusters!.summary.clusters[0]?.pointer) }, `${proxy.id}: none of ${named.map((m) => m.cluster).join(', ')}`)), ...named.map((m) => m.wantedBy), ...missingEvidence(missing)],
    explanation:
      `The config dumps of ${plural(group.length, 'proxy', 'proxies')} (${proxies.slice(0, 5).map((p) => `\`${p}\``).join(', ')}${proxies.length > 5 ? ', …' : ''}) have no ${named.map((m) => `\`${m.cluster}\``).join(', ')}${missing.length > named.length ? ` (and ${missing.length - named.length} more)` : ''}, ` +
      `yet their route tables send traffic there${virtualServicesOf(missing)}: requests to ${missing.length === 1 ? 'it' : 'them'} fail with 503 NC (\`cluster_not_found\`) or are not routed. ${whyText(missing, false)}`,
    key: missing.map((m) => m.cluster).join(' '),
    ...fixOf(missing),
    commands: [shell`istioctl proxy-config cluster ${first.pod ?? '<pod>'} -n ${first.namespace ?? '<namespace>'} --fqdn ${missing[0]!.host}`],
    occurrences: group.map(({ proxy, missing: m }) => ({ subject: proxy.pod && proxy.namespace ? { kind: 'Pod', namespace: proxy.namespace, name: proxy.pod } : { kind: 'File', name: proxy.sections.clusters!.path }, count: m.length, evidence: m[0]!.wantedBy })),
  });
}

function virtualServicesOf(missing: readonly Missing[]): string {
  const names = [...new Set(missing.flatMap((m) => m.virtualServices))];
  return names.length > 0 ? ` (routes of VirtualService ${names.map((n) => `\`${n}\``).join(', ')})` : '';
}
