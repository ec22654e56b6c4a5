import { defineAnalyzer } from '../analyzer.js';
import { destinationRulesFor, drSubsets } from '../destination-rules.js';
import type { IstioMessage } from '../messages.js';
import { mirrorDestinations, routeDestinations } from '../virtual-service.js';

/**
 * Route and mirror destinations that name a subset no DestinationRule for that host defines
 * (Istio's `virtualservice.DestinationRuleAnalyzer`). A destination without subset needs no
 * DestinationRule. The rules considered are those the client's proxies would apply (exact host
 * first, else the most specific wildcard host), so a subset defined only by a wildcard rule that an
 * exact-host rule shadows is reported too.
 */
export const destinationRuleSubsetAnalyzer = defineAnalyzer({
  name: 'virtualservice.DestinationRuleAnalyzer',
  codes: ['IST0101'],
  analyze(index) {
    const messages: Omit<IstioMessage, 'analyzer'>[] = [];
    for (const vs of index.ofKind('VirtualService')) {
      const namespace = index.namespaceOf(vs);
      for (const d of [...routeDestinations(vs), ...mirrorDestinations(vs)]) {
        if (!d.subset) continue;
        const rules = destinationRulesFor(index, d.host, namespace);
        const defined = rules.flatMap((dr) => drSubsets(dr).map((s) => s.name));
        if (defined.includes(d.subset)) continue;
        const mirror = d.section === 'mirror' || d.section === 'mirrors';
        messages.push({
          code: 'IST0101',
          resource: vs,
          field: `${d.pointer}/subset`,
          text:
            rules.length === 0
              ? `${mirror ? 'Mirror' : 'Route'} destination \`${d.host}\` names subset \`${d.subset}\`, and no DestinationRule exists for that host.`
              : `${mirror ? 'Mirror' : 'Route'} destination \`${d.host}\` names subset \`${d.subset}\`, which DestinationRule ${rules.map((r) => `${index.namespaceOf(r)}/${r.object.metadata.name}`).join(', ')} does not define (it defines ${defined.length > 0 ? defined.map((s) => `\`${s}\``).join(', ') : 'no subsets'}).`,
          details: {
            reference: mirror ? 'mirror+subset' : 'host+subset',
            host: d.host,
            subset: d.subset,
            related: rules,
            ...(defined.find((s) => s.toLowerCase() === d.subset!.toLowerCase()) ? { caseInsensitiveMatch: defined.find((s) => s.toLowerCase() === d.subset!.toLowerCase())! } : {}),
          },
        });
      }
    }
    return messages;
  },
});
