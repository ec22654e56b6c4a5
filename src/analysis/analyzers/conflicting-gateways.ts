import { defineAnalyzer } from '../analyzer.js';
import type { ConfigIndex } from '../config-index.js';
import type { IstioMessage } from '../messages.js';
import { selectorMatches } from '../object-access.js';
import type { ResourceRecord } from '../../model/facets.js';
import { compareText } from '../../order.js';
import { formatSelector, gatewaySelector, gatewayServers, gatewayWorkloads, podLabels, qualifiedName, type GatewayServer } from '../gateway-workloads.js';

/**
 * Gateways that claim the same host on the same port of the same gateway workload (Istio's
 * `gateway.ConflictingGatewayAnalyzer`; istio.io IST0145): istiod merges every Gateway that selects
 * a proxy into one listener per port, and of two servers naming the same host there it applies
 * only one, so half of the configuration silently does nothing.
 */
export const conflictingGatewaysAnalyzer = defineAnalyzer({
  name: 'gateway.ConflictingGatewayAnalyzer',
  codes: ['IST0145'],
  analyze(index) {
    const gateways = describeGateways(index);
    const messages: Omit<IstioMessage, 'analyzer'>[] = [];
    for (const gateway of gateways) {
      gateway.servers.forEach((server, i) => {
        if (server.port === undefined) return;
        const conflicts = gateways.filter((other) => other.name !== gateway.name && sameWorkload(gateway, other)).flatMap((other) => {
          const shared = sharedHosts(server, gateway.compared[i] ?? [], other);
          return shared.length > 0 ? [{ other, shared }] : [];
        });
        if (conflicts.length === 0) return;
        const related = [...new Map(conflicts.map((c) => [c.other.name, c.other] as const)).values()].sort((a, b) => compareText(a.name, b.name));
        const shared = [...new Set(conflicts.flatMap((c) => c.shared))].sort(compareText);
        messages.push({
          code: 'IST0145',
          resource: gateway.record,
          field: `/spec/servers/${i}`,
          text: `Server ${i} (port ${server.port}, hosts ${server.hosts.map((h) => `\`${h}\``).join(', ')}) conflicts with ${related.map((g) => `Gateway ${g.name}`).join(', ')} on the same gateway workload (selector \`${gateway.selectorText}\`): ${shared.map((h) => `\`${h}\``).join(', ')} on port ${server.port} is claimed more than once and istiod applies only one claim.`,
          details: { port: server.port, selector: gateway.selectorText, hosts: server.hosts, conflictingHosts: shared, related: related.map((g) => g.record) },
        });
      });
    }
    return messages;
  },
});

interface GatewayFacts {
  record: ResourceRecord;
  /** `namespace/name`: Istio's identity of a Gateway (a duplicate listing of one object never conflicts with itself). */
  name: string;
  selectorText: string;
  servers: GatewayServer[];
  /** Per server, its hosts as istiod compares them (see `listenerHosts`). */
  compared: string[][];
  /** Indices of the workload pods the selector matches. */
  pods: Set<number>;
}

function describeGateways(index: ConfigIndex): GatewayFacts[] {
  const { pods } = gatewayWorkloads(index);
  const labels = pods.map(podLabels);
  return index.ofKind('Gateway').map((record) => {
    const selector = gatewaySelector(record);
    const namespace = index.namespaceOf(record);
    const servers = gatewayServers(record);
    const matched = new Set<number>();
    labels.forEach((podLabelSet, i) => {
      if (selectorMatches(selector, podLabelSet)) matched.add(i);
    });
    return {
      record,
      name: qualifiedName(index, record),
      selectorText: formatSelector(selector),
      servers,
      compared: servers.map((server) => listenerHosts(server.hosts, namespace)),
      pods: matched,
    };
  });
}

/**
 * Two Gateways land on the same proxy when their selectors are equal, or when some pod matches
 * both (`istio: ingressgateway` and `istio: ingressgateway, app: x` on a pod carrying both labels).
 * Namespaces do not separate them: a gateway proxy takes Gateways from every namespace unless
 * istiod runs with `PILOT_SCOPE_GATEWAY_TO_NAMESPACE` (default off).
 */
function sameWorkload(a: GatewayFacts, b: GatewayFacts): boolean {
  if (a.selectorText === b.selectorText) return true;
  for (const pod of a.pods) if (b.pods.has(pod)) return true;
  return false;
}

/**
 * Hosts of `server` (`hosts`: as compared) that a server of the other Gateway claims on the same port and bind address.
 * Hosts compare as written, as istiod's duplicate check does: `*` and `foo.example.com` are two
 * different virtual hosts (the most specific one wins a request), not a conflict.
 */
function sharedHosts(server: GatewayServer, hosts: readonly string[], other: GatewayFacts): string[] {
  const claimed = new Set(other.servers.flatMap((o, j) => (o.port === server.port && o.bind === server.bind ? (other.compared[j] ?? []) : [])));
  return hosts.filter((host) => claimed.has(host));
}

/**
 * Server hosts as istiod compares them: the namespace part `.` is the Gateway's own namespace, the
 * namespace part `*` is dropped, and `*` in both parts stands for every host.
 */
function listenerHosts(hosts: readonly string[], namespace: string): string[] {
  if (hosts.includes('*/*')) return ['*'];
  return hosts.map((host) => {
    const slash = host.indexOf('/');
    if (slash < 0) return host;
    const scope = host.slice(0, slash);
    const name = host.slice(slash + 1);
    return scope === '.' ? `${namespace}/${name}` : scope === '*' ? name : host;
  });
}
