import { defineAnalyzer } from '../analyzer.js';
import type { IstioMessage } from '../messages.js';
import { asArray, asRecord, asString } from '../object-access.js';
import { MESH_GATEWAY, vsSpec } from '../virtual-service.js';
import { findGateway } from './virtualservice-gateways.js';

/**
 * `match[].gateways` of http, tls and tcp rules (istio.io HTTPMatchRequest `gateways`: the rule
 * applies only on those gateways) naming a Gateway that does not exist. Istio's GatewayAnalyzer
 * checks `spec.gateways` only; a typo here silently turns the rule off.
 */
export const matchGatewayAnalyzer = defineAnalyzer({
  name: 'virtualservice.MatchGatewayReferences',
  beyondIstio: true,
  codes: ['IST0101'],
  analyze(index) {
    const messages: Omit<IstioMessage, 'analyzer'>[] = [];
    for (const vs of index.ofKind('VirtualService')) {
      const namespace = index.namespaceOf(vs);
      for (const section of ['http', 'tls', 'tcp'] as const) {
        asArray(vsSpec(vs)[section]).forEach((rule, r) => {
          asArray(asRecord(rule)?.match).forEach((match, m) => {
            const listPointer = `/spec/${section}/${r}/match/${m}/gateways`;
            const list = asArray(asRecord(match)?.gateways);
            list.forEach((entry, g) => {
              const reference = asString(entry);
              if (reference === undefined || reference === MESH_GATEWAY) return;
              const [gwNamespace, gwName] = reference.includes('/') ? (reference.split('/', 2) as [string, string]) : [namespace, reference];
              if (findGateway(index, gwNamespace, gwName)) return;
              messages.push({
                code: 'IST0101',
                resource: vs,
                field: `${listPointer}/${g}`,
                text: `${section} rule ${r} match ${m} applies only on Gateway \`${reference}\`, which does not exist${reference.includes('/') ? '' : ` in namespace \`${namespace}\``}: the rule never applies.`,
                details: { reference: 'gateway', gateway: reference, gatewayNamespace: gwNamespace, listPointer, list: list.map((x) => asString(x) ?? '') },
              });
            });
          });
        });
      }
    }
    return messages;
  },
});
