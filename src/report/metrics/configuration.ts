import { createHash } from 'node:crypto';
import { configKind } from '../../analysis/config-index.js';
import type { ResourceRecord } from '../../model/facets.js';
import { compareText } from '../../order.js';
import type { Metrics } from './index.js';

/** Kinds whose change changes what istiod pushes: Istio's own resources, Gateway API routes, Services. */
function isMeshConfiguration(record: ResourceRecord): boolean {
  const apiVersion = String(record.object.apiVersion ?? '');
  if (/^[a-z.]*istio\.io\//.test(apiVersion)) return true;
  const kind = configKind(record.object as Record<string, unknown>);
  return kind === 'Service' || kind === 'KubernetesGateway' || kind === 'HTTPRoute' || kind === 'GRPCRoute';
}

/**
 * One digest of the configuration: by resourceVersion when every resource has one (what the API
 * server bumps on any change), else by content. A bundle read twice gives the same digest.
 */
export function configurationMetrics(resources: readonly ResourceRecord[]): Metrics['configuration'] {
  const mesh = resources.filter(isMeshConfiguration);
  if (mesh.length === 0) return undefined;
  const byVersion = mesh.every((r) => typeof r.object.metadata?.resourceVersion === 'string');
  const lines = mesh.map((r) => {
    const { kind, apiVersion, metadata } = r.object;
    const identity = `${apiVersion} ${kind} ${metadata?.namespace ?? ''}/${metadata?.name ?? ''}`;
    return `${identity} ${byVersion ? String(metadata!.resourceVersion) : JSON.stringify(r.object.spec ?? null)}`;
  });
  // Listed twice (a list and a single get) counts once.
  const unique = [...new Set(lines)].sort(compareText);
  return { resources: unique.length, digest: createHash('sha256').update(unique.join('\n')).digest('hex').slice(0, 16), by: byVersion ? 'resourceVersion' : 'content' };
}
