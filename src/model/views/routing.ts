import { buildConfigIndex } from '../../analysis/config-index.js';
import { destinationRulesFor } from '../../analysis/destination-rules.js';
import { serviceOfFqdn } from '../../analysis/hosts.js';
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
  /**
   * The DestinationRules a client in `fromNamespace` applies to `host` (Istio's choice: exact host,
   * else the most specific wildcard; exportTo respected). Without a client namespace, the service's own.
   */
  destinationRulesFor(host: string, fromNamespace?: string): ResourceRecord[];
}

export const routingView = defineView({
  id: 'routing',
  reads: ['k8s.resources'],
  build(facets, bundle) {
    const resources = facets['k8s.resources'];
    const index = buildConfigIndex(resources, [], { istioNamespace: bundle.istioNamespace });
    const services = [...index.ofKind('Service')];
    return {
      services,
      virtualServices: [...index.ofKind('VirtualService')],
      destinationRules: [...index.ofKind('DestinationRule')],
      serviceEntries: [...index.ofKind('ServiceEntry')],
      gateways: [...index.ofKind('Gateway')],
      servicesIn: (namespace) => services.filter((s) => index.namespaceOf(s) === namespace),
      destinationRulesFor: (host, fromNamespace) => destinationRulesFor(index, host, fromNamespace ?? serviceOfFqdn(host)?.namespace ?? 'default'),
    };
  },
});
