import type { ClusterSummary } from '../../artifacts/envoy/summary-schema.js';
import type { ConfigIndex } from '../../analysis/config-index.js';
import { serviceOfFqdn } from '../../analysis/hosts.js';
import { sidecarFor } from '../../analysis/sidecar-scope.js';
import type { EnvoyStatsRecord, LogRecord, PodRecord, TopRecord } from '../../model/facets.js';
import { envoyProxyContainer } from '../../model/pods.js';
import { sectionPointer, type ProxyConfig } from '../../model/views/proxy-config.js';
import { evidenceAt, plural } from '../evidence.js';
import { defineRule, type Evidence, type RuleContext } from '../rule.js';
import { isGatewayProxy, proxiesHolding } from '../proxy-configs.js';
import { shell } from '../shell.js';
import { sidecarYaml } from './sidecar-resource.js';
import { estimatedProxyBytes, mib, PROXY_MEMORY_ESTIMATE, routeCount, savedBytes } from './proxy-memory-estimate.js';

/** Below this many services a proxy's configuration is small whatever it holds (the playbook's first sizing tier). */
export const MIN_SERVICES_HELD = 100;
/** "Far more than it uses": its access logs show calls to at most this share of the services it holds. */
export const MAX_USED_SHARE = 0.1;

interface Measurement {
  bytes: number;
  by: string;
  evidence: Evidence;
}

interface Candidate {
  proxy: ProxyConfig;
  namespace: string;
  outbound: ClusterSummary[];
  hosts: Set<string>;
  routes: number;
  /** Services its access logs show it calling; undefined when the bundle has no access log of it. */
  used: Set<string> | undefined;
  usedIncomplete: boolean;
  /** The proxy's memory as the bundle measured it: `kubectl top` (its container), Envoy's `server.memory_allocated`. */
  measured: Measurement[];
}

export const mem002 = defineRule({
  id: 'MEM002',
  slug: 'config-for-unused-services',
  title: 'sidecars hold configuration for far more services than they use, and no Sidecar resource scopes them',
  severity: 'medium',
  step: 'scale',
  inputs: { required: ['envoy.configDump'], optional: ['k8s.resources', 'kubectl.pods', 'kubectl.top', 'envoy.stats', 'logs.proxy'], views: ['proxyConfig', 'configuration'] },
  description:
    `Reads each sidecar's config dump: the outbound clusters and routes it holds, and the services they are for. Fires for sidecars holding ${MIN_SERVICES_HELD} services or more ` +
    `when no Sidecar resource scopes them (none selects the pod, none in its namespace, none in the root namespace) and, where the bundle has their access logs, they call at most ${MAX_USED_SHARE * 100}% of those services. ` +
    'Gateways are not checked: they need every service they route to.',
  rationale:
    'Without a Sidecar resource istiod sends every proxy the configuration of every service in the mesh: memory and CPU of each sidecar, and istiod push work, grow with the mesh instead of with what the workload calls. ' +
    'A Sidecar resource listing the hosts a namespace needs removes the rest from its proxies.',
  remediation:
    'Apply the generated Sidecar resource to the namespace: it keeps the namespace itself and istio-system and, where access logs show calls elsewhere, those services. Check it against the workloads\' real dependencies first: ' +
    'a host the Sidecar does not list is no longer routed by the mesh (with outboundTrafficPolicy ALLOW_ANY it leaves as plain passthrough traffic, with REGISTRY_ONLY it fails).',
  threshold: {
    value: `${MIN_SERVICES_HELD} services or more held; at most ${MAX_USED_SHARE * 100}% of them called (when access logs are in the bundle); estimate ${mib(PROXY_MEMORY_ESTIMATE.baseBytes)} + 1 KiB per route + 10 KiB per cluster`,
    source: `rule catalogue (\`istio-bundle explain MEM002\`), after the Istio production debugging guide ("receiving config for 500 services when only needs 5"; ${PROXY_MEMORY_ESTIMATE.source})`,
  },
  docs: ['https://istio.io/latest/docs/reference/config/networking/sidecar/', 'https://istio.io/latest/docs/ops/best-practices/performance/'],
  check(inputs, context) {
    const index = inputs.configuration.index;
    const resourcesCollected = inputs['k8s.resources'].length > 0;
    const byNamespace = new Map<string, Candidate[]>();
    for (const proxy of proxiesHolding('clusters', inputs.proxyConfig, context)) {
      const candidate = candidateOf(proxy, index, inputs['logs.proxy'], measurementsOf(proxy, inputs['kubectl.top'], inputs['envoy.stats']));
      if (!candidate) continue;
      byNamespace.set(candidate.namespace, [...(byNamespace.get(candidate.namespace) ?? []), candidate]);
    }
    for (const [namespace, candidates] of [...byNamespace].sort(([a], [b]) => (a < b ? -1 : 1))) {
      reportNamespace(namespace, candidates, { index, istioNamespace: context.bundle.istioNamespace, resourcesCollected, sidecarPods: sidecarPodsIn(inputs['kubectl.pods'], namespace) }, context.report);
    }
  },
});

function candidateOf(proxy: ProxyConfig, index: ConfigIndex, logs: readonly LogRecord[], measured: Measurement[]): Candidate | undefined {
  const summary = proxy.sections.clusters!.summary;
  const namespace = proxy.namespace ?? summary.node?.namespace;
  if (!namespace || isGatewayProxy(proxy)) return undefined;
  const labels = proxy.podRecord?.pod.metadata?.labels ?? {};
  if (sidecarFor(index, namespace, labels)) return undefined;
  const outbound = summary.clusters.filter((c) => c.direction === 'outbound' && c.host);
  const hosts = new Set(outbound.map((c) => c.host!));
  if (hosts.size < MIN_SERVICES_HELD) return undefined;
  const ownLogs = logs.filter((log) => log.pod === proxy.pod && log.namespace === namespace && log.summary.access.requests > 0);
  const used = ownLogs.length > 0 ? new Set(ownLogs.flatMap((log) => Object.keys(log.summary.access.byUpstreamHost ?? {}))) : undefined;
  if (used && used.size > hosts.size * MAX_USED_SHARE) return undefined;
  const routeTables = proxy.sections.routes?.summary.routeTables ?? [];
  return {
    proxy,
    namespace,
    outbound,
    hosts,
    routes: routeCount(routeTables),
    used,
    usedIncomplete: ownLogs.some((log) => log.summary.access.upstreamHostsDropped !== undefined),
    measured,
  };
}

/** Only the istio-proxy container's own rows: a pod row of `kubectl top` adds the application's memory. */
function measurementsOf(proxy: ProxyConfig, top: readonly TopRecord[], stats: readonly EnvoyStatsRecord[]): Measurement[] {
  const mine = (r: { pod?: string; namespace?: string }) => r.pod === proxy.pod && (r.namespace === undefined || r.namespace === proxy.namespace);
  const fromTop = top
    .filter((row) => mine(row) && row.container === 'istio-proxy')
    .map((row) => ({ bytes: row.memoryBytes, by: '`kubectl top`', evidence: evidenceAt({ path: row.path, line: row.line }, row.text ?? `${row.pod} ${mib(row.memoryBytes)}`) }));
  const fromStats = stats.filter(mine).flatMap((record) => {
    const allocated = record.summary.stats['server.memory_allocated'];
    return allocated ? [{ bytes: allocated.value, by: "Envoy's `server.memory_allocated`", evidence: evidenceAt({ path: record.path, line: allocated.line }, allocated.text) }] : [];
  });
  return [...fromTop, ...fromStats];
}

function sidecarPodsIn(pods: readonly PodRecord[], namespace: string): number {
  return pods.filter((p) => p.namespace === namespace && envoyProxyContainer(p.pod)).length;
}

/** The namespace a host lives in: a Kubernetes Service's, or the ServiceEntry's that defines it. */
function namespaceOfHost(index: ConfigIndex, host: string): string | undefined {
  const service = serviceOfFqdn(host, index.clusterDomain);
  if (service) return service.namespace;
  const known = index.knownHosts().find((k) => k.host === host);
  return known ? index.namespaceOf(known.record) : undefined;
}

interface NamespaceFacts {
  index: ConfigIndex;
  istioNamespace: string;
  resourcesCollected: boolean;
  sidecarPods: number;
}

function reportNamespace(namespace: string, candidates: Candidate[], facts: NamespaceFacts, report: RuleContext['report']): void {
  const kept = new Set([namespace, facts.istioNamespace]);
  const allUsed = candidates.every((c) => c.used !== undefined) && !candidates.some((c) => c.usedIncomplete);
  const extraHosts = new Set<string>();
  if (allUsed) {
    for (const c of candidates) for (const host of c.used!) if (!kept.has(namespaceOfHost(facts.index, host) ?? '')) extraHosts.add(host);
  }
  const egress = ['./*', `${facts.istioNamespace}/*`, ...[...extraHosts].map((host) => `${namespaceOfHost(facts.index, host) ?? '*'}/${host}`).sort()];
  const keeps = (host: string) => kept.has(namespaceOfHost(facts.index, host) ?? '') || extraHosts.has(host);
  const perProxy = candidates.map((c) => {
    const removedClusters = c.outbound.filter((cluster) => !keeps(cluster.host!)).length;
    const removedRoutes = removedRouteCount(c, keeps);
    return { candidate: c, removedClusters, removedRoutes, saving: savedBytes(removedClusters, removedRoutes), estimate: estimatedProxyBytes(c.proxy.sections.clusters!.summary.clusters.length, c.routes) };
  });
  const largest = perProxy.reduce((a, b) => (b.candidate.hosts.size > a.candidate.hosts.size ? b : a));
  const namespaces = new Set([...largest.candidate.hosts].map((h) => namespaceOfHost(facts.index, h) ?? h));
  const proxies = plural(candidates.length, 'sidecar');
  const podCount = Math.max(facts.sidecarPods, candidates.length);
  const namespaceSaving = Math.round(perProxy.reduce((s, p) => s + p.saving, 0) / perProxy.length) * podCount;
  const evidence: Evidence[] = perProxy.flatMap(({ candidate: c }) => {
    const record = c.proxy.sections.clusters!;
    const items: Evidence[] = [evidenceAt({ path: record.path, pointer: sectionPointer(c.outbound[0]!.pointer) }, `${c.proxy.id}: ${plural(c.outbound.length, 'outbound cluster')} for ${plural(c.hosts.size, 'service')}, ${plural(c.routes, 'route')}`)];
    items.push(...c.measured.map((m) => m.evidence));
    return items;
  });
  const usedText = allUsed
    ? ` ${candidates.length === 1 ? 'Its' : 'Their'} access logs show calls to ${plural(new Set(candidates.flatMap((c) => [...c.used!])).size, 'service')}.`
    : candidates.some((c) => c.used)
      ? ' Only some of them have an access log in the bundle, so the Sidecar below keeps their own namespace and istio-system only; add the hosts the others call.'
      : ' The bundle has no access log of them, so what they call is not known: the Sidecar below keeps their own namespace and istio-system; add the hosts they call elsewhere.';
  const scopeText = facts.resourcesCollected
    ? `no Sidecar resource scopes them (none selects them, none in \`${namespace}\`, none in the root namespace \`${facts.index.mesh.rootNamespace}\`)`
    : 'the bundle has no Istio resources, so no Sidecar resource is known to scope them';
  const measuredText = perProxy
    .filter((p) => p.candidate.measured.length > 0)
    .map((p) => `\`${p.candidate.proxy.pod}\` measured ${p.candidate.measured.map((m) => `${mib(m.bytes)} (${m.by})`).join(' and ')} against an estimate of ≈ ${mib(p.estimate)}`)
    .join('; ');
  report({
    subject: { kind: 'Namespace', name: namespace },
    key: namespace,
    title: `${proxies} in ${namespace} ${candidates.length === 1 ? 'holds' : 'hold'} configuration for ${plural(largest.candidate.hosts.size, 'service')}${allUsed ? ` and ${candidates.length === 1 ? 'calls' : 'call'} ${new Set(candidates.flatMap((c) => [...c.used!])).size}` : ''}; a Sidecar resource would drop ${plural(largest.removedClusters, 'cluster')} from each`,
    evidence,
    explanation:
      `${proxies} in \`${namespace}\` (${perProxy.map((p) => `\`${p.candidate.proxy.id}\``).join(', ')}) ${candidates.length === 1 ? 'holds' : 'hold'} outbound configuration for up to ${plural(largest.candidate.hosts.size, 'service')} in ${plural(namespaces.size, 'namespace')}, and ${scopeText}.${usedText} ` +
      `Estimated memory (≈ ${mib(PROXY_MEMORY_ESTIMATE.baseBytes)} + 1 KiB per route + 10 KiB per cluster): ≈ ${mib(largest.estimate)} for \`${largest.candidate.proxy.id}\` (${plural(largest.candidate.proxy.sections.clusters!.summary.clusters.length, 'cluster')}, ${plural(largest.candidate.routes, 'route')})` +
      `${measuredText ? `; ${measuredText}` : ''}. The Sidecar below removes ${plural(largest.removedClusters, 'cluster')} and ${plural(largest.removedRoutes, 'route')} from it: ≈ ${mib(largest.saving)} less per proxy and ≈ ${mib(namespaceSaving)} for the namespace's ${plural(podCount, 'sidecar')} (estimates).`,
    yaml: sidecarYaml(namespace, egress),
    commands: [shell`kubectl apply -f sidecar-${namespace}.yaml`, shell`istioctl proxy-config cluster ${candidates[0]!.proxy.pod ?? '<pod>'} -n ${namespace}`],
  });
}

function removedRouteCount(candidate: Candidate, keeps: (host: string) => boolean): number {
  const tables = candidate.proxy.sections.routes?.summary.routeTables ?? [];
  let removed = 0;
  for (const table of tables) {
    for (const vh of table.virtualHosts) {
      // Sidecar virtual hosts are named `<host>:<port>`; `allow_any` and the like are kept.
      const host = vh.name.replace(/:\d+$/, '');
      if (candidate.hosts.has(host) && !keeps(host)) removed += vh.routes;
    }
  }
  return removed;
}
