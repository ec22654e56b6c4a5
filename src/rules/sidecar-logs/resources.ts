import type { ResourceRecord } from '../../model/facets.js';

/** `reviews.bookinfo.svc.cluster.local` → { name: reviews, namespace: bookinfo }. */
export function serviceOfHost(host: string): { name: string; namespace: string } | undefined {
  const m = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc(?:\.|$)/.exec(host);
  return m ? { name: m[1]!, namespace: m[2]! } : undefined;
}

export function ofKind(resources: readonly ResourceRecord[], kind: string): ResourceRecord[] {
  return resources.filter((r) => r.object.kind === kind);
}

/** DestinationRules whose host names the service (FQDN, or a short name in the rule's namespace). */
export function destinationRulesFor(resources: readonly ResourceRecord[], host: string): ResourceRecord[] {
  const service = serviceOfHost(host);
  return ofKind(resources, 'DestinationRule').filter((r) => {
    const spec = r.object.spec as { host?: unknown } | undefined;
    const drHost = typeof spec?.host === 'string' ? spec.host : '';
    if (drHost === host) return true;
    if (!service) return false;
    const namespace = r.object.metadata.namespace ?? 'default';
    return drHost === service.name ? namespace === service.namespace : drHost === `${service.name}.${service.namespace}` || drHost === `${service.name}.${service.namespace}.svc`;
  });
}
