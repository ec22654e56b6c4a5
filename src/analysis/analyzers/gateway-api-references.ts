import { defineAnalyzer } from '../analyzer.js';
import type { ConfigIndex } from '../config-index.js';
import type { IstioMessage } from '../messages.js';
import { asArray, asNumber, asRecord, asString } from '../object-access.js';
import type { ResourceRecord } from '../../model/facets.js';

const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';

/**
 * Gateway API routes (HTTPRoute, GRPCRoute) with the faults CFG002/CFG004 find in VirtualServices:
 * a `backendRefs` Service that does not exist or lacks the port, and a `parentRefs` Gateway (or, for
 * mesh routes, Service) that does not exist (gateway-api.sigs.k8s.io "HTTPRoute"; the route's
 * status would say `ResolvedRefs: False`, which a bundle may not carry). Only core Services are
 * resolved; other backend kinds are left alone. Cross-namespace references also need a
 * ReferenceGrant, which is not checked here.
 */
export const gatewayApiReferenceAnalyzer = defineAnalyzer({
  name: 'gatewayapi.RouteReferences',
  beyondIstio: true,
  codes: ['IST0101'],
  analyze(index) {
    const messages: Omit<IstioMessage, 'analyzer'>[] = [];
    for (const route of [...index.ofKind('HTTPRoute'), ...index.ofKind('GRPCRoute')]) {
      messages.push(...parentRefs(index, route), ...backendRefs(index, route));
    }
    return messages;
  },
});

function parentRefs(index: ConfigIndex, route: ResourceRecord): Omit<IstioMessage, 'analyzer'>[] {
  const namespace = index.namespaceOf(route);
  return asArray(asRecord(route.object.spec)?.parentRefs).flatMap((value, i) => {
    const ref = asRecord(value);
    const name = asString(ref?.name);
    if (!name) return [];
    const kind = asString(ref?.kind) ?? 'Gateway';
    const group = asString(ref?.group) ?? GATEWAY_API_GROUP;
    const target = asString(ref?.namespace) ?? namespace;
    const pool = kind === 'Gateway' && group === GATEWAY_API_GROUP ? index.ofKind('KubernetesGateway') : kind === 'Service' && group === '' ? index.ofKind('Service') : undefined;
    if (!pool || pool.some((r) => r.object.metadata.name === name && index.namespaceOf(r) === target)) return [];
    return [
      {
        code: 'IST0101' as const,
        resource: route,
        field: `/spec/parentRefs/${i}`,
        text: `Parent ${kind} \`${target}/${name}\` does not exist: the route is attached to nothing there.`,
        details: { reference: 'parentRef', gateway: `${target}/${name}`, gatewayNamespace: target },
      },
    ];
  });
}

function backendRefs(index: ConfigIndex, route: ResourceRecord): Omit<IstioMessage, 'analyzer'>[] {
  const namespace = index.namespaceOf(route);
  const messages: Omit<IstioMessage, 'analyzer'>[] = [];
  asArray(asRecord(route.object.spec)?.rules).forEach((rule, r) => {
    asArray(asRecord(rule)?.backendRefs).forEach((value, b) => {
      const ref = asRecord(value);
      const name = asString(ref?.name);
      if (!name || (asString(ref?.kind) ?? 'Service') !== 'Service' || (asString(ref?.group) ?? '') !== '') return;
      const target = asString(ref?.namespace) ?? namespace;
      const field = `/spec/rules/${r}/backendRefs/${b}`;
      const service = index.ofKind('Service').find((s) => s.object.metadata.name === name && index.namespaceOf(s) === target);
      const host = `${name}.${target}.${index.clusterDomain}`;
      if (!service) {
        messages.push({ code: 'IST0101', resource: route, field: `${field}/name`, text: `Backend Service \`${target}/${name}\` does not exist.`, details: { reference: 'backendRef', host } });
        return;
      }
      const port = asNumber(ref?.port);
      const ports = asArray(asRecord(service.object.spec)?.ports).map((p) => asNumber(asRecord(p)?.port)).filter((p): p is number => p !== undefined);
      if (port !== undefined && !ports.includes(port)) {
        messages.push({
          code: 'IST0101',
          resource: route,
          field: `${field}/port`,
          text: `Backend Service \`${target}/${name}\` has no port ${port} (it exposes ${ports.join(', ') || 'no ports'}).`,
          details: { reference: 'host:port', host, port, ports },
        });
      }
    });
  });
  return messages;
}
