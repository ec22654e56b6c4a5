import { defineAnalyzer } from '../analyzer.js';
import type { IstioMessage } from '../messages.js';
import { asArray, asRecord, asString } from '../object-access.js';
import { vsSpec } from '../virtual-service.js';

/**
 * `http[].delegate` naming a VirtualService that does not exist (istio.io VirtualService
 * `Delegate`: the namespace defaults to the root VirtualService's). Istio's analyzers do not
 * check delegates; the proxies then get no routes for that part of the host.
 */
export const delegateAnalyzer = defineAnalyzer({
  name: 'virtualservice.DelegateReferences',
  beyondIstio: true,
  codes: ['IST0101'],
  analyze(index) {
    const messages: Omit<IstioMessage, 'analyzer'>[] = [];
    for (const vs of index.ofKind('VirtualService')) {
      const namespace = index.namespaceOf(vs);
      asArray(vsSpec(vs).http).forEach((rule, i) => {
        const delegate = asRecord(asRecord(rule)?.delegate);
        const name = asString(delegate?.name);
        if (!name) return;
        const target = asString(delegate?.namespace) ?? namespace;
        const found = index.ofKind('VirtualService').some((other) => other.object.metadata.name === name && index.namespaceOf(other) === target);
        if (found) return;
        messages.push({
          code: 'IST0101',
          resource: vs,
          field: `/spec/http/${i}/delegate`,
          text: `HTTP rule ${i} delegates to VirtualService \`${target}/${name}\`, which does not exist: requests it matches get no route (404 \`NR\`).`,
          details: { reference: 'delegate', host: `${target}/${name}` },
        });
      });
    }
    return messages;
  },
});
