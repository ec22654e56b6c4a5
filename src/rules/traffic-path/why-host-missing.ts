import type { ConfigIndex, KnownHost } from '../../analysis/config-index.js';
import { destinationRulesFor } from '../../analysis/destination-rules.js';
import { serviceOfFqdn, visibleIn } from '../../analysis/hosts.js';
import { asArray, asRecord, asString } from '../../analysis/object-access.js';
import { egressAllows, egressHosts, sidecarFor } from '../../analysis/sidecar-scope.js';
import { evidenceAt, namedList } from '../evidence.js';
import type { Evidence } from '../rule.js';

export interface MissingCause {
  text: string;
  evidence: Evidence[];
  /** The fix when it is not the rule's general one (making the host visible to the proxy). */
  fix?: string;
  /** A Sidecar's egress leaving the host out: causes of one Sidecar read as one sentence naming every host. */
  sidecarGap?: { sidecar: string; egress: string[]; host: string };
}

/**
 * Why istiod would not send a proxy in `proxyNamespace` the configuration of `host`, as far as the
 * bundle shows: a Sidecar resource whose egress hosts leave it out, or the Service or ServiceEntry
 * not exported to that namespace. Undefined when the bundle's configuration explains nothing.
 */
/** Hosts a Sidecar's egress leaves out named in its sentence; the rest are counted. */
const GAP_HOSTS_NAMED = 5;

/** `the Sidecar \`shop/default\` scopes this proxy and its egress hosts (…) do not include \`a\`, \`b\`: add them to …`. */
export function sidecarGapText(sidecar: string, egress: readonly string[], hosts: readonly string[]): string {
  return (
    `the Sidecar \`${sidecar}\` scopes this proxy and its egress hosts (${egress.map((h) => `\`${h}\``).join(', ') || 'none'}) do not include ` +
    `${namedList(hosts, GAP_HOSTS_NAMED, (h) => `\`${h}\``)}: add ${hosts.length === 1 ? 'it' : 'them'} to \`spec.egress[].hosts\``
  );
}

export function whyHostMissing(index: ConfigIndex, host: string, known: KnownHost | undefined, proxyNamespace: string, labels: Record<string, string>): MissingCause | undefined {
  const sidecar = sidecarFor(index, proxyNamespace, labels);
  const hostNamespace = serviceOfFqdn(host, index.clusterDomain)?.namespace ?? (known ? index.namespaceOf(known.record) : undefined);
  if (sidecar && hostNamespace !== undefined) {
    const hosts = egressHosts(sidecar);
    if (!egressAllows(hosts, host, hostNamespace, index.namespaceOf(sidecar))) {
      const name = `${index.namespaceOf(sidecar)}/${sidecar.object.metadata?.name ?? ''}`;
      return {
        text: sidecarGapText(name, hosts, [`${hostNamespace}/${host}`]),
        evidence: [evidenceAt({ ...sidecar.source, pointer: `${sidecar.source.pointer ?? ''}/spec/egress` }, hosts.join(', '))],
        sidecarGap: { sidecar: name, egress: hosts, host: `${hostNamespace}/${host}` },
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

/**
 * Why a subset's cluster (`outbound|<port>|<subset>|<host>`) is missing though its host is known:
 * no DestinationRule the proxy applies to the host defines that subset, so istiod builds no cluster
 * for it (what CFG003 reports about the route). Undefined when one does define it.
 */
export function whySubsetMissing(index: ConfigIndex, host: string, subset: string, proxyNamespace: string): MissingCause | undefined {
  const rules = destinationRulesFor(index, host, proxyNamespace);
  const subsetsOf = (rule: (typeof rules)[number]) => asArray(asRecord(rule.object.spec)?.subsets).map((s) => asString(asRecord(s)?.name)).filter((n): n is string => n !== undefined);
  if (rules.some((rule) => subsetsOf(rule).includes(subset))) return undefined;
  if (rules.length === 0) {
    return {
      text: `the route names subset \`${subset}\` of \`${host}\`, and no DestinationRule for that host defines subsets: istiod builds no cluster for it (CFG003)`,
      evidence: [],
      fix: `Define subset \`${subset}\` of \`${host}\` in a DestinationRule (with the labels of the pods meant to serve it), or route without a subset.`,
    };
  }
  const rule = rules[0]!;
  const name = `${index.namespaceOf(rule)}/${rule.object.metadata.name}`;
  const defined = subsetsOf(rule);
  return {
    text: `the route names subset \`${subset}\` of \`${host}\`, which DestinationRule \`${name}\` does not define (it defines ${defined.map((d) => `\`${d}\``).join(', ') || 'none'}): istiod builds no cluster for it (CFG003)`,
    evidence: [evidenceAt({ ...rule.source, pointer: `${rule.source.pointer ?? ''}/spec/subsets` }, defined.join(', '))],
    fix: `Define subset \`${subset}\` in DestinationRule \`${name}\` (with the labels of the pods meant to serve it), or route to a subset it defines${defined.length > 0 ? ` (${defined.map((d) => `\`${d}\``).join(', ')})` : ''}.`,
  };
}
