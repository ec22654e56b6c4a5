import type { LogRecord, ResourceRecord } from '../../model/facets.js';
import { evidenceAt, namedList, plural } from '../evidence.js';
import type { Evidence } from '../rule.js';

/**
 * Whether the bundle shows that a namespace without sidecar injection matters to the mesh: it is
 * what turns istioctl's Info-level IST0102 (NamespaceNotInjected) into something to act on. The
 * signs: mesh proxies call its services (their access logs), mesh-wide STRICT mTLS (its pods,
 * having no sidecar, cannot call mesh services), or Istio configuration aimed at its hosts.
 */
export interface NamespaceRelevance {
  reasons: string[];
  evidence: Evidence[];
}

const MAX_CALLERS_NAMED = 3;

export function namespaceRelevance(namespace: string, resources: readonly ResourceRecord[], logs: readonly LogRecord[], rootNamespace: string): NamespaceRelevance {
  const reasons: string[] = [];
  const evidence: Evidence[] = [];

  const callers = logs.filter((log) => (log.summary.access.byUpstreamNamespace?.[namespace] ?? 0) > 0 && log.namespace !== namespace);
  if (callers.length > 0) {
    const requests = callers.reduce((sum, log) => sum + log.summary.access.byUpstreamNamespace![namespace]!, 0);
    const named = namedList(callers, MAX_CALLERS_NAMED, (log) => `\`${log.namespace ? `${log.namespace}/` : ''}${log.pod ?? log.path}\``);
    reasons.push(`mesh proxies call its services: ${plural(requests, 'request')} from ${named} in the access logs`);
    for (const log of callers.slice(0, MAX_CALLERS_NAMED)) evidence.push({ path: log.path, excerpt: `${log.summary.access.byUpstreamNamespace![namespace]} outbound requests to *.${namespace}.svc` });
  }

  const strict = resources.find((r) => r.object.kind === 'PeerAuthentication' && (r.object.metadata.namespace ?? 'default') === rootNamespace && !hasSelector(r) && mtlsMode(r) === 'STRICT');
  if (strict) {
    reasons.push(`mesh-wide STRICT mTLS (PeerAuthentication \`${rootNamespace}/${strict.object.metadata.name}\`): its pods, without a sidecar, cannot call mesh services at all`);
    evidence.push(evidenceAt(strict.source, 'mtls.mode: STRICT', '/spec/mtls/mode'));
  }

  const aimed = resources.filter(
    (r) => (r.object.kind === 'VirtualService' || r.object.kind === 'DestinationRule') && hostsOf(r).some((host) => hostInNamespace(host, namespace, r.object.metadata.namespace ?? 'default')),
  );
  if (aimed.length > 0) {
    reasons.push(`Istio configuration routes to its hosts (${namedList(aimed, MAX_CALLERS_NAMED, (r) => `${r.object.kind} \`${r.object.metadata.namespace ?? 'default'}/${r.object.metadata.name}\``)})`);
    evidence.push(evidenceAt(aimed[0]!.source, undefined, '/spec'));
  }
  return { reasons, evidence };
}

function spec(record: ResourceRecord): Record<string, unknown> {
  const value = record.object.spec;
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

function hasSelector(record: ResourceRecord): boolean {
  const selector = spec(record).selector as { matchLabels?: Record<string, unknown> } | undefined;
  return selector?.matchLabels !== undefined && Object.keys(selector.matchLabels).length > 0;
}

function mtlsMode(record: ResourceRecord): unknown {
  return (spec(record).mtls as { mode?: unknown } | undefined)?.mode;
}

function hostsOf(record: ResourceRecord): string[] {
  const s = spec(record);
  const hosts = record.object.kind === 'DestinationRule' ? [s.host] : Array.isArray(s.hosts) ? s.hosts : [];
  return hosts.filter((h): h is string => typeof h === 'string');
}

/**
 * A host of a Service in the namespace: `<svc>.<ns>.svc[.<domain>]`, or a short name (no dot) in a
 * resource of that namespace, which Istio expands there. `shop.com` is a name, not namespace `com`.
 */
function hostInNamespace(host: string, namespace: string, resourceNamespace: string): boolean {
  const parts = host.split('.');
  if (parts.length === 1) return resourceNamespace === namespace && host !== '*';
  return parts.length >= 3 && parts[1] === namespace && parts[2] === 'svc';
}
