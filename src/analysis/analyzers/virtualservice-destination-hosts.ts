import { defineAnalyzer } from '../analyzer.js';
import type { ConfigIndex, KnownHost } from '../config-index.js';
import { toFqdn } from '../hosts.js';
import type { IstioMessage } from '../messages.js';
import { mirrorDestinations, routeDestinations, vsExportTo, vsGateways, vsHosts, type RouteDestination } from '../virtual-service.js';
import type { ResourceRecord } from '../../model/facets.js';

type Message = Omit<IstioMessage, 'analyzer'>;

/**
 * Route and mirror destinations that name no Service or ServiceEntry the VirtualService can see,
 * a port the service does not expose, or no port where the service has several (Istio's
 * `virtualservice.DestinationHostAnalyzer`).
 */
export const destinationHostAnalyzer = defineAnalyzer({
  name: 'virtualservice.DestinationHostAnalyzer',
  codes: ['IST0101', 'IST0112', 'IST0140'],
  analyze(index) {
    const messages: Message[] = [];
    const virtualServices = index.ofKind('VirtualService');
    const subsetRoutesByVs = virtualServices.map((vs) => ({ vs, hosts: subsetDestinationsToOwnHosts(index, vs) })).filter((r) => r.hosts.length > 0);
    for (const vs of virtualServices) {
      const namespace = index.namespaceOf(vs);
      for (const d of routeDestinations(vs)) messages.push(...checkDestination(index, vs, namespace, d, 'host'));
      for (const d of mirrorDestinations(vs)) messages.push(...checkDestination(index, vs, namespace, d, 'mirror host'));
      messages.push(...ingressSubsetsIgnored(index, vs, subsetRoutesByVs));
    }
    return messages;
  },
});

function checkDestination(index: ConfigIndex, vs: ResourceRecord, namespace: string, d: RouteDestination, reference: 'host' | 'mirror host'): Message[] {
  const target = index.resolveHost(d.host, namespace, vsExportTo(vs));
  if (!target) {
    const near = index.caseInsensitiveHost(d.host, namespace);
    // Found from the VirtualService's own namespace, not from every namespace it is exported to: broken for clients there only.
    const ownNamespaceOnly = d.host !== '' && vsExportTo(vs).length > 0 && index.resolveHost(d.host, namespace) !== undefined;
    return [
      {
        code: 'IST0101',
        resource: vs,
        // A destination without a host: point at the destination itself, not at a field that is not there.
        field: d.host === '' ? d.pointer : `${d.pointer}/host`,
        text:
          d.host === ''
            ? `${reference === 'host' ? 'A route' : 'A mirror'} has no destination host.`
            : ownNamespaceOnly
              ? `${reference === 'host' ? 'Route destination' : 'Mirror destination'} host \`${d.host}\` is visible from namespace \`${namespace}\` but not from every namespace the VirtualService is exported to.`
              : `${reference === 'host' ? 'Route destination' : 'Mirror destination'} host \`${d.host}\` matches no Service or ServiceEntry visible from namespace \`${namespace}\`.`,
        details: { reference, host: d.host, ...(near ? { caseInsensitiveMatch: near } : {}), ...(ownNamespaceOnly ? { ownNamespaceOnly: true } : {}) },
      },
    ];
  }
  return checkPort(vs, d, target);
}

function checkPort(vs: ResourceRecord, d: RouteDestination, target: KnownHost): Message[] {
  const ports = target.ports.map((p) => p.number);
  if (d.port === undefined) {
    if (ports.length <= 1) return [];
    return [
      {
        code: 'IST0112',
        resource: vs,
        field: d.pointer,
        text: `Destination \`${d.host}\` exposes ports ${ports.join(', ')} and the route names none, so Istio cannot tell which to use.`,
        details: { host: d.host, ports },
      },
    ];
  }
  if (ports.includes(d.port)) return [];
  return [
    {
      code: 'IST0101',
      resource: vs,
      field: `${d.pointer}/port/number`,
      text: `Destination \`${d.host}\` has no port ${d.port} (${target.kind} ${target.record.object.metadata.name} exposes ${ports.length > 0 ? ports.join(', ') : 'no ports'}).`,
      details: { reference: 'host:port', host: d.host, port: d.port, ports },
    },
  ];
}

/** The destinations with a subset that route to one of the VirtualService's own hosts, as FQDNs. */
function subsetDestinationsToOwnHosts(index: ConfigIndex, vs: ResourceRecord): string[] {
  const namespace = index.namespaceOf(vs);
  const fqdn = (h: string) => toFqdn(h, namespace, index.clusterDomain);
  const hosts = new Set(vsHosts(vs).map(fqdn));
  return routeDestinations(vs)
    .filter((d) => d.section === 'http' && d.subset && hosts.has(fqdn(d.host)))
    .map((d) => fqdn(d.host));
}

/**
 * IST0140: a gateway-bound route without subset to a host that another VirtualService splits by
 * subset: the subset rules apply to sidecar traffic only, not to requests entering at the gateway.
 */
function ingressSubsetsIgnored(index: ConfigIndex, vs: ResourceRecord, subsetRoutes: readonly { vs: ResourceRecord; hosts: string[] }[]): Message[] {
  if (vsGateways(vs).length === 0) return [];
  const messages: Message[] = [];
  const namespace = index.namespaceOf(vs);
  for (const d of routeDestinations(vs)) {
    if (d.section !== 'http' || d.subset) continue;
    const target = toFqdn(d.host, namespace, index.clusterDomain);
    for (const other of subsetRoutes) {
      for (const host of other.hosts) {
        if (host !== target) continue;
        const otherName = `${other.vs.object.metadata.namespace ?? ''}/${other.vs.object.metadata.name}`;
        messages.push({
          code: 'IST0140',
          resource: vs,
          field: `${d.pointer}/host`,
          text: `The subset routing of VirtualService ${otherName} for \`${host}\` does not apply to requests entering through this VirtualService's gateways.`,
          details: { host, related: [other.vs] },
        });
      }
    }
  }
  return messages;
}
