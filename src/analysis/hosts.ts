/**
 * Istio's host-name semantics for configuration (istio.io "VirtualService: hosts", "exportTo"):
 * a short name resolves in the namespace of the resource that names it, a name with a dot is taken
 * as written, `*` prefixes are DNS-suffix wildcards, and names are case-sensitive.
 */

export const DEFAULT_CLUSTER_DOMAIN = 'svc.cluster.local';
export const EXPORT_TO_ALL = '*';
export const EXPORT_TO_OWN_NAMESPACE = '.';

/**
 * `reviews` in `bookinfo` → `reviews.bookinfo.svc.cluster.local`. Names containing a dot
 * (`reviews.bookinfo`) and wildcards are not expanded: Istio does not expand them either, which is
 * why `reviews.bookinfo` names no service.
 */
export function toFqdn(host: string, namespace: string, domain = DEFAULT_CLUSTER_DOMAIN): string {
  if (host.startsWith('*') || host.includes('.')) return host;
  return `${host}.${namespace}.${domain}`;
}

/** `*.example.com` covers `a.example.com` and `a.b.example.com`; `*` covers everything. */
export function wildcardCovers(pattern: string, host: string): boolean {
  if (pattern === '*') return true;
  if (!pattern.startsWith('*')) return pattern === host;
  const suffix = pattern.slice(1);
  return host.endsWith(suffix) && host.length > suffix.length;
}

/** Two host patterns overlap when some host matches both (wildcards on either side). */
export function hostsOverlap(a: string, b: string): boolean {
  if (a === b) return true;
  if (a.startsWith('*') && b.startsWith('*')) {
    const sa = a.slice(1);
    const sb = b.slice(1);
    return sa.endsWith(sb) || sb.endsWith(sa);
  }
  if (a.startsWith('*')) return wildcardCovers(a, b);
  if (b.startsWith('*')) return wildcardCovers(b, a);
  return false;
}

/** `reviews.bookinfo.svc.cluster.local` → { name: reviews, namespace: bookinfo }. */
export function serviceOfFqdn(host: string, domain = DEFAULT_CLUSTER_DOMAIN): { name: string; namespace: string } | undefined {
  const suffix = `.${domain}`;
  if (!host.endsWith(suffix)) return undefined;
  const parts = host.slice(0, -suffix.length).split('.');
  return parts.length === 2 && parts[0] && parts[1] ? { name: parts[0], namespace: parts[1] } : undefined;
}

/**
 * The namespaces a resource is visible in, from its `exportTo` list (or a Service's
 * `networking.istio.io/exportTo` annotation). Empty means the mesh default, which is everywhere
 * unless the mesh config says otherwise.
 */
export function exportScopes(exportTo: readonly string[], ownNamespace: string, meshDefault: readonly string[] = [EXPORT_TO_ALL]): string[] {
  const list = exportTo.length > 0 ? exportTo : meshDefault.length > 0 ? meshDefault : [EXPORT_TO_ALL];
  if (list.includes(EXPORT_TO_ALL)) return [EXPORT_TO_ALL];
  return [...new Set(list.map((ns) => (ns === EXPORT_TO_OWN_NAMESPACE ? ownNamespace : ns)))];
}

export function visibleIn(scopes: readonly string[], namespace: string): boolean {
  return scopes.includes(EXPORT_TO_ALL) || scopes.includes(namespace);
}
