import type { ResourceRecord } from '../../model/facets.js';
import { gatewayHosts } from '../analyzers/virtualservice-gateways.js';
import type { ConfigIndex } from '../config-index.js';
import { DEFAULT_CLUSTER_DOMAIN, exportScopes, toFqdn, visibleIn, wildcardCovers } from '../hosts.js';
import { asArray, asRecord, selectorMatches, stringMap } from '../object-access.js';
import { MESH_GATEWAY, stringList, vsExportTo, vsGateways, vsHosts } from '../virtual-service.js';
import { type ProxyContext, type ProxyKind, splitAuthority } from './request.js';
import { gatewayRef } from './match-evaluation.js';

/** Which VirtualServices a proxy applies to a request's authority: hosts, exportTo, gateway or mesh binding. */

/**
 * How a proxy's pod says what it is: a gateway has `istio=ingressgateway` / `istio=egressgateway`
 * or runs `pilot-agent proxy router`; a sidecar runs `proxy sidecar` (a classic container or an
 * Istio ≥ 1.27 native sidecar in initContainers) or carries the injector's `sidecar.istio.io/status`.
 * A pod the bundle does not list, or that says neither, is `unknown`.
 */
export function proxyKindOf(pod: ResourceRecord | undefined): ProxyKind {
  if (!pod) return 'unknown';
  const labels = stringMap(pod.object.metadata.labels);
  if (labels.istio === 'ingressgateway' || labels.istio === 'egressgateway') return 'gateway';
  const spec = asRecord(pod.object.spec);
  const containers = [...asArray(spec?.containers), ...asArray(spec?.initContainers)].map(asRecord);
  const args = containers.flatMap((c) => [...stringList(c?.args), ...stringList(c?.command)]);
  if (args.includes('router')) return 'gateway';
  if (args.includes('sidecar')) return 'sidecar';
  // Injection records itself; a gateway deployment is not injected as a sidecar.
  if (stringMap(pod.object.metadata.annotations)['sidecar.istio.io/status'] !== undefined) return 'sidecar';
  return 'unknown';
}

/** The proxy context of a pod: its kind, labels and, for a gateway, the Gateways that select it. */
export function proxyContext(index: ConfigIndex, namespace: string | undefined, pod: ResourceRecord | undefined): ProxyContext {
  const kind = proxyKindOf(pod);
  const labels = pod ? stringMap(pod.object.metadata.labels) : undefined;
  const context: ProxyContext = { kind, ...(namespace !== undefined ? { namespace } : {}), ...(labels ? { labels } : {}) };
  if (kind === 'gateway' && labels) {
    const gateways = index.ofKind('Gateway');
    if (gateways.length > 0) {
      const selecting = gateways.filter((g) => {
        const selector = stringMap(asRecord(g.object.spec)?.selector);
        return Object.keys(selector).length > 0 && selectorMatches(selector, labels);
      });
      context.gateways = new Set(selecting.map((g) => `${index.namespaceOf(g)}/${g.object.metadata.name}`));
    }
  }
  return context;
}

/**
 * The host names a request's authority can stand for at a proxy. At a sidecar the outbound virtual
 * hosts of a Kubernetes service also answer to its short forms (`reviews`, `reviews.bookinfo`,
 * `reviews.bookinfo.svc`, from the proxy's namespace); a gateway answers only to the names written.
 * The port is stripped (Istio adds `host:port` and `host:*` domains); DNS names compare lower-case.
 */
export function authorityHosts(authority: string, proxy: ProxyContext, domain = DEFAULT_CLUSTER_DOMAIN): string[] {
  const host = splitAuthority(authority).host.toLowerCase().replace(/\.$/, '');
  const hosts = [host];
  if (proxy.kind !== 'gateway' && !host.startsWith('[') && !/^\d+(\.\d+){3}$/.test(host)) {
    const labels = host.split('.');
    if (labels.length === 1 && proxy.namespace) hosts.push(`${host}.${proxy.namespace}.${domain}`);
    if (labels.length === 2) hosts.push(`${host}.${domain}`);
    if (labels.length === 3 && labels[2] === 'svc') hosts.push(`${host}.${domain.replace(/^svc\./, '')}`);
  }
  return [...new Set(hosts)];
}

/** How specific a VirtualService host is for a request host: exact beats a longer wildcard beats a shorter one. */
function hostSpecificity(pattern: string, host: string): number | undefined {
  const p = pattern.toLowerCase();
  if (p === host) return Number.MAX_SAFE_INTEGER;
  return p.startsWith('*') && wildcardCovers(p, host) ? p.length : undefined;
}

export interface Applicable {
  record: ResourceRecord;
  /** The VirtualService host that claims the authority (as written). */
  host: string;
  /** Bound to the mesh (sidecars) or to a gateway; `assumed` when the bundle cannot confirm it. */
  binding: 'mesh' | 'gateway';
  assumed: boolean;
}

/**
 * The VirtualServices whose routes a proxy uses for a request authority: hosts that claim it (short
 * names resolve in the VirtualService's namespace, wildcards cover, the most specific host wins as
 * in Envoy's virtual-host choice), exported to the proxy's namespace, and bound to the proxy: mesh
 * VirtualServices at a sidecar, those whose `gateways` name a Gateway selecting the pod (whose
 * servers admit the host) at a gateway. For a proxy of unknown kind both bindings are considered.
 */
export function applicableVirtualServices(index: ConfigIndex, authority: string, proxy: ProxyContext): Applicable[] {
  const hosts = authorityHosts(authority, proxy, index.clusterDomain);
  const candidates: (Applicable & { specificity: number })[] = [];
  for (const record of index.ofKind('VirtualService')) {
    const vsNamespace = index.namespaceOf(record);
    if (proxy.namespace !== undefined && !visibleIn(exportScopes(vsExportTo(record), vsNamespace, index.mesh.defaultVirtualServiceExportTo), proxy.namespace)) continue;
    let best: { host: string; specificity: number } | undefined;
    for (const written of vsHosts(record)) {
      const fqdn = toFqdn(written, vsNamespace, index.clusterDomain);
      for (const host of hosts) {
        const specificity = hostSpecificity(fqdn, host);
        if (specificity !== undefined && (!best || specificity > best.specificity)) best = { host: written, specificity };
      }
    }
    if (!best) continue;
    const binding = bindingFor(index, record, proxy, hosts);
    if (binding) candidates.push({ record, host: best.host, ...binding, specificity: best.specificity });
  }
  const top = Math.max(...candidates.map((c) => c.specificity));
  return candidates.filter((c) => c.specificity === top).map(({ specificity: _, ...rest }) => rest);
}

function bindingFor(index: ConfigIndex, record: ResourceRecord, proxy: ProxyContext, hosts: readonly string[]): Pick<Applicable, 'binding' | 'assumed'> | undefined {
  const vsNamespace = index.namespaceOf(record);
  const gateways = vsGateways(record);
  const mesh = gateways.length === 0 || gateways.includes(MESH_GATEWAY);
  const named = gateways.filter((g) => g !== MESH_GATEWAY).map((g) => gatewayRef(g, vsNamespace));
  if (proxy.kind === 'sidecar') return mesh ? { binding: 'mesh', assumed: false } : undefined;
  if (named.length > 0) {
    if (proxy.kind === 'gateway' && proxy.gateways) {
      const bound = named.some((ref) => proxy.gateways!.has(ref) && gatewayAdmits(index, ref, vsNamespace, hosts));
      if (bound) return { binding: 'gateway', assumed: false };
    } else {
      // The pod's labels (or the Gateways) are not in the bundle: the binding cannot be confirmed.
      const known = index.ofKind('Gateway').length === 0 || named.some((ref) => gatewayAdmits(index, ref, vsNamespace, hosts));
      if (known) return { binding: 'gateway', assumed: true };
    }
  }
  if (proxy.kind === 'unknown' && mesh) return { binding: 'mesh', assumed: true };
  return undefined;
}

/** A Gateway's servers admit a VirtualService host: `hosts` entries `[namespace/]host`, `*` or `.` namespaces. */
function gatewayAdmits(index: ConfigIndex, ref: string, vsNamespace: string, hosts: readonly string[]): boolean {
  const [namespace, name] = ref.split('/') as [string, string];
  const gateway = index.ofKind('Gateway').find((g) => g.object.metadata.name === name && index.namespaceOf(g) === namespace);
  // Authorities compare case-insensitively (Envoy virtual host domains), hence the lower-casing.
  return gateway !== undefined && gatewayHosts(index, gateway, vsNamespace).some((pattern) => hosts.some((h) => wildcardCovers(pattern.toLowerCase(), h)));
}
