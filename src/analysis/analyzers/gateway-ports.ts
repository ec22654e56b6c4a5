import { defineAnalyzer } from '../analyzer.js';
import type { ConfigIndex } from '../config-index.js';
import type { IstioMessage } from '../messages.js';
import { asArray, asNumber, asRecord, asString, selectorMatches, stringMap } from '../object-access.js';
import type { ResourceRecord } from '../../model/facets.js';
import { compareText } from '../../order.js';
import { formatSelector, gatewaySelector, gatewayServers, gatewayWorkloads, podLabels, qualifiedName } from '../gateway-workloads.js';
import { containerPortOf } from '../workloads.js';

/**
 * A Gateway's workload and the ports its Services offer (Istio's `gateway.IngressGatewayPortAnalyzer`;
 * istio.io IST0101, IST0162): a selector that matches no pod (IST0101), and a server port that no
 * Service selecting those pods offers (IST0162), so traffic sent through the gateway Service never
 * reaches the listener.
 */
export const gatewayPortAnalyzer = defineAnalyzer({
  name: 'gateway.IngressGatewayPortAnalyzer',
  codes: ['IST0101', 'IST0162'],
  analyze(index) {
    const messages: Omit<IstioMessage, 'analyzer'>[] = [];
    const workloads = gatewayWorkloads(index);
    for (const gateway of index.ofKind('Gateway')) {
      const selector = gatewaySelector(gateway);
      const selectorText = formatSelector(selector);
      const pods = workloads.pods.filter((pod) => selectorMatches(selector, podLabels(pod)));
      if (pods.length === 0) {
        messages.push({
          code: 'IST0101',
          resource: gateway,
          field: '/spec/selector',
          text: `Gateway selector \`${selectorText}\` matches no pod in any namespace${workloads.assumed ? ' (the bundle lists no pods; istioctl\'s default `istio: ingressgateway` workload was assumed)' : ''}: no gateway proxy serves this Gateway.`,
          details: { reference: 'selector', selector: selectorText, ...(workloads.assumed ? { assumedDefaultIngress: true } : {}) },
        });
        continue;
      }
      const { ports, services } = offeredPorts(index, pods, workloads.services);
      gatewayServers(gateway).forEach(({ port }, i) => {
        if (port === undefined || ports.has(port)) return;
        const offered = [...ports].sort((a, b) => a - b);
        messages.push({
          code: 'IST0162',
          resource: gateway,
          field: `/spec/servers/${i}/port/number`,
          text:
            services.length === 0
              ? `Gateway server port ${port} cannot be reached through a Service: no Service selects the pods of selector \`${selectorText}\`.`
              : `Gateway server port ${port} is neither a port nor a targetPort of the Services selecting the pods of selector \`${selectorText}\` (${services.map((svc) => qualifiedName(index, svc)).join(', ')} ${services.length === 1 ? 'offers' : 'offer'} ${offered.join(', ') || 'no TCP port'}${workloads.assumed ? '; the bundle lists no pods, so istioctl\'s default ingress gateway was assumed' : ''}).`,
          details: { port, selector: selectorText, offeredPorts: offered, related: services, ...(workloads.assumed ? { assumedDefaultIngress: true } : {}) },
        });
      });
    }
    return messages;
  },
});

function offeredPorts(index: ConfigIndex, pods: readonly ResourceRecord[], services: readonly ResourceRecord[]): { ports: Set<number>; services: ResourceRecord[] } {
  const ports = new Set<number>();
  const selecting = new Set<ResourceRecord>();
  for (const pod of pods) {
    for (const service of services) {
      if (!selectsPod(index, service, pod)) continue;
      selecting.add(service);
      for (const entry of asArray(asRecord(service.object.spec)?.ports)) {
        const port = asRecord(entry);
        // Kubernetes defaults `protocol` to TCP; a gateway listener never serves UDP or SCTP.
        if (!port || (asString(port.protocol) ?? 'TCP') !== 'TCP') continue;
        const number = asNumber(port.port);
        if (number !== undefined) ports.add(number);
        const target = containerPortOf(port.targetPort, pod);
        if (target !== undefined) ports.add(target);
      }
    }
  }
  const sorted = [...selecting].sort((a, b) => compareText(qualifiedName(index, a), qualifiedName(index, b)));
  return { ports, services: sorted };
}

function selectsPod(index: ConfigIndex, service: ResourceRecord, pod: ResourceRecord): boolean {
  if (index.namespaceOf(service) !== index.namespaceOf(pod)) return false;
  const selector = stringMap(asRecord(service.object.spec)?.selector);
  return Object.keys(selector).length > 0 && selectorMatches(selector, podLabels(pod));
}

