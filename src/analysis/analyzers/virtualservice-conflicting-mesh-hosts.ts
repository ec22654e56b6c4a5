import { defineAnalyzer } from '../analyzer.js';
import { EXPORT_TO_ALL, exportScopes, hostsOverlap, toFqdn } from '../hosts.js';
import type { IstioMessage } from '../messages.js';
import { appliesToMesh, vsExportTo, vsHosts } from '../virtual-service.js';
import type { ResourceRecord } from '../../model/facets.js';

interface MeshVirtualService {
  vs: ResourceRecord;
  name: string;
  hosts: string[];
  scopes: string[];
}

/**
 * Sidecar-bound VirtualServices (no `gateways`, or `mesh` listed) whose hosts overlap — wildcards
 * on either side — and that are exported to a common namespace: which one a sidecar applies is
 * undefined (Istio's `virtualservice.ConflictingMeshGatewayHostsAnalyzer`). Gateway-bound
 * VirtualServices for one host are merged by Istio and are not a conflict. One message per
 * VirtualService, naming every other one it conflicts with.
 */
export const conflictingMeshHostsAnalyzer = defineAnalyzer({
  name: 'virtualservice.ConflictingMeshGatewayHostsAnalyzer',
  codes: ['IST0109'],
  analyze(index) {
    const mesh: MeshVirtualService[] = index
      .ofKind('VirtualService')
      .filter(appliesToMesh)
      .map((vs) => {
        const namespace = index.namespaceOf(vs);
        return {
          vs,
          name: `${namespace}/${vs.object.metadata.name}`,
          hosts: vsHosts(vs).map((h) => toFqdn(h, namespace, index.clusterDomain)),
          scopes: exportScopes(vsExportTo(vs), namespace, index.mesh.defaultVirtualServiceExportTo),
        };
      });
    // Candidates share an exact host or hold a wildcard: comparing every pair is quadratic in large meshes.
    const byHost = new Map<string, MeshVirtualService[]>();
    for (const v of mesh) for (const h of v.hosts) if (!h.startsWith('*')) byHost.set(h, [...(byHost.get(h) ?? []), v]);
    const withWildcards = mesh.filter((v) => v.hosts.some((h) => h.startsWith('*')));
    const order = new Map(mesh.map((v, i) => [v, i] as const));
    const messages: Omit<IstioMessage, 'analyzer'>[] = [];
    for (const a of mesh) {
      const candidates = new Set([...a.hosts.flatMap((h) => byHost.get(h) ?? []), ...(a.hosts.some((h) => h.startsWith('*')) ? mesh : withWildcards)]);
      const conflicts = [...candidates].sort((x, y) => order.get(x)! - order.get(y)!).filter((b) => b !== a && scopesIntersect(a.scopes, b.scopes) && sharedHosts(a, b).length > 0);
      if (conflicts.length === 0) continue;
      const hosts = [...new Set(conflicts.flatMap((b) => sharedHosts(a, b)))];
      const hostIndex = a.hosts.findIndex((h) => hosts.includes(h));
      messages.push({
        code: 'IST0109',
        resource: a.vs,
        field: `/spec/hosts/${Math.max(hostIndex, 0)}`,
        text: `VirtualServices ${[a, ...conflicts].map((v) => v.name).join(', ')} all apply to sidecars and claim ${hosts.map((h) => `\`${h}\``).join(', ')}: which rules a sidecar uses is undefined.`,
        details: { host: hosts[0], hosts, related: conflicts.map((c) => c.vs) },
      });
    }
    return messages;
  },
});

function sharedHosts(a: MeshVirtualService, b: MeshVirtualService): string[] {
  return a.hosts.filter((h) => b.hosts.some((o) => hostsOverlap(h, o)));
}

function scopesIntersect(a: readonly string[], b: readonly string[]): boolean {
  return a.includes(EXPORT_TO_ALL) || b.includes(EXPORT_TO_ALL) || a.some((ns) => b.includes(ns));
}
