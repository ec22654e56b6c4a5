import type { ConfigIndex, KnownHost } from '../../analysis/config-index.js';
import { serviceOfFqdn, visibleIn } from '../../analysis/hosts.js';
import { egressAllows, egressHosts, sidecarFor } from '../../analysis/sidecar-scope.js';
import { evidenceAt } from '../evidence.js';
import type { Evidence } from '../rule.js';

export interface MissingCause {
  text: string;
  evidence: Evidence[];
}

/**
 * Why istiod would not send a proxy in `proxyNamespace` the configuration of `host`, as far as the
 * bundle shows: a Sidecar resource whose egress hosts leave it out, or the Service or ServiceEntry
 * not exported to that namespace. Undefined when the bundle's configuration explains nothing.
 */
export function whyHostMissing(index: ConfigIndex, host: string, known: KnownHost | undefined, proxyNamespace: string, labels: Record<string, string>): MissingCause | undefined {
  const sidecar = sidecarFor(index, proxyNamespace, labels);
  const hostNamespace = serviceOfFqdn(host, index.clusterDomain)?.namespace ?? (known ? index.namespaceOf(known.record) : undefined);
  if (sidecar && hostNamespace !== undefined) {
    const hosts = egressHosts(sidecar);
    if (!egressAllows(hosts, host, hostNamespace, index.namespaceOf(sidecar))) {
      const name = `${index.namespaceOf(sidecar)}/${sidecar.object.metadata?.name ?? ''}`;
      return {
        text: `the Sidecar \`${name}\` scopes this proxy and its egress hosts (${hosts.map((h) => `\`${h}\``).join(', ') || 'none'}) do not include \`${hostNamespace}/${host}\`: add it to \`spec.egress[].hosts\``,
        evidence: [evidenceAt({ ...sidecar.source, pointer: `${sidecar.source.pointer ?? ''}/spec/egress` }, hosts.join(', '))],
      };
    }
  }
  if (known && !visibleIn(known.scopes, proxyNamespace)) {
    const what = known.kind === 'Service' ? 'the Service’s `networking.istio.io/exportTo` annotation' : 'the ServiceEntry’s `exportTo`';
    return {
      text: `${what} (${known.scopes.map((s) => `\`${s}\``).join(', ')}) does not export \`${host}\` to \`${proxyNamespace}\``,
      evidence: [evidenceAt(known.record.source, `${known.kind} ${known.host} exported to ${known.scopes.join(', ')}`)],
    };
  }
  return undefined;
}
