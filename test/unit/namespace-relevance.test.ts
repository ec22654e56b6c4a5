import { describe, expect, it } from 'vitest';
import type { ResourceRecord } from '../../src/model/facets.js';
import { namespaceRelevance } from '../../src/rules/configuration/namespace-relevance.js';

const vs = (namespace: string, hosts: string[]): ResourceRecord => ({
  object: { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'routes', namespace }, spec: { hosts } },
  source: { path: 'istio/resources/virtualservices.json', pointer: '/items/0' },
});
const reasons = (resources: ResourceRecord[]) => namespaceRelevance('legacy', resources, [], 'istio-system').reasons;

describe('namespaceRelevance: Istio configuration aimed at the namespace', () => {
  it('a Service FQDN in the namespace, from anywhere', () => {
    expect(reasons([vs('shop', ['billing.legacy.svc.cluster.local'])])).toEqual(['Istio configuration routes to its hosts (VirtualService `shop/routes`)']);
    expect(reasons([vs('shop', ['billing.legacy.svc'])])).toHaveLength(1);
  });

  it('a short name only in a resource of that namespace (Istio expands it there)', () => {
    expect(reasons([vs('legacy', ['billing'])])).toHaveLength(1);
    expect(reasons([vs('shop', ['billing'])])).toEqual([]);
  });

  it('not a dotted name whose second label happens to be the namespace', () => {
    expect(namespaceRelevance('com', [vs('shop', ['shop.com'])], [], 'istio-system').reasons).toEqual([]);
    expect(reasons([vs('shop', ['billing.legacy'])])).toEqual([]);
  });
});
