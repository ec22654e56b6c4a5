import type { ResourceRecord } from '../facets.js';
import { defineView } from './types.js';

/**
 * The traffic configuration in the bundle, typed by kind and looked up by host: where host
 * resolution lives, for the log, configuration and certificate rules alike.
 */
export interface RoutingView {
  services: ResourceRecord[];
  virtualServices: ResourceRecord[];
  destinationRules: ResourceRecord[];
  serviceEntries: ResourceRecord[];
  gateways: ResourceRecord[];
  /** The Services of a namespace (empty when the bundle has none of that namespace). */
  servicesIn(namespace: string): ResourceRecord[];
  /** DestinationRules whose host names the service (FQDN, or a short name in the rule's namespace). */
  destinationRulesFor(host: string): ResourceRecord[];
}

export const routingView = defineView({
  id: 'routing',
  reads: ['k8s.resources'],
  build(facets) {
    const resources = facets['k8s.resources'];
    const byKind = (kind: string) => resources.filter((r) => r.object.kind === kind);
    const services = byKind('Service');
    const destinationRules = byKind('DestinationRule');
    return {
      services,
      virtualServices: byKind('VirtualService'),
      destinationRules,
      serviceEntries: byKind('ServiceEntry'),
      gateways: byKind('Gateway'),
      servicesIn: (namespace) => services.filter((s) => (s.object.metadata.namespace ?? 'default') === namespace),
      destinationRulesFor: (host) => destinationRulesFor(destinationRules, host),
    };
  },
});

/** `reviews.bookinfo.svc.cluster.local` → { name: reviews, namespace: bookinfo }. */
export function serviceOfHost(host: string): { name: string; namespace: string } | undefined {
  const m = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc(?:\.|$)/.exec(host);
  return m ? { name: m[1]!, namespace: m[2]! } : undefined;
}

function destinationRulesFor(rules: readonly ResourceRecord[], host: string): ResourceRecord[] {
  const service = serviceOfHost(host);
  return rules.filter((r) => {
    const spec = r.object.spec as { host?: unknown } | undefined;
    const drHost = typeof spec?.host === 'string' ? spec.host : '';
    if (drHost === host) return true;
    if (!service) return false;
    const namespace = r.object.metadata.namespace ?? 'default';
    return drHost === service.name ? namespace === service.namespace : drHost === `${service.name}.${service.namespace}` || drHost === `${service.name}.${service.namespace}.svc`;
  });
}
