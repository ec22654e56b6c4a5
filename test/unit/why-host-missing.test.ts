import { describe, expect, it } from 'vitest';
import { buildConfigIndex } from '../../src/analysis/config-index.js';
import type { ResourceRecord } from '../../src/model/facets.js';
import { whySubsetMissing } from '../../src/rules/traffic-path/why-host-missing.js';

// DestinationRules as `kubectl get destinationrules -A -o json` lists them (the pointer is the item's place in that List).
const record = (object: Record<string, unknown>, i: number): ResourceRecord => ({ object: object as ResourceRecord['object'], source: { path: 'istio/resources/destinationrules.json', pointer: `/items/${i}` } });
const HOST = 'reviews.catalog.svc.cluster.local';
const reviewsDr = (subsets: Record<string, unknown>[]) =>
  record({ apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'reviews', namespace: 'catalog' }, spec: { host: HOST, subsets } }, 0);

describe('whySubsetMissing: the subset a route names and no DestinationRule defines', () => {
  it('a subset the DestinationRule defines is no cause', () => {
    const index = buildConfigIndex([reviewsDr([{ name: 'v1', labels: { version: 'v1' } }, { name: 'v3', labels: { version: 'v3' } }])], []);
    expect(whySubsetMissing(index, HOST, 'v3', 'shop')).toBeUndefined();
  });

  // istiod builds a cluster per named subset only; an entry without `name` (the validating webhook refuses one, but its
  // failurePolicy is Ignore until istiod is up, so one can get in) gives the route no cluster and is no subset to offer.
  it('a subset entry without a name is not among the subsets it defines', () => {
    const index = buildConfigIndex([reviewsDr([{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }, { labels: { version: 'v3' } }])], []);
    const cause = whySubsetMissing(index, HOST, 'v3', 'shop');
    expect(cause?.text).toBe(
      'the route names subset `v3` of `reviews.catalog.svc.cluster.local`, which DestinationRule `catalog/reviews` does not define (it defines `v1`, `v2`): istiod builds no cluster for it (CFG003)',
    );
    expect(cause?.fix).toBe('Define subset `v3` in DestinationRule `catalog/reviews` (with the labels of the pods meant to serve it), or route to a subset it defines (`v1`, `v2`).');
    expect(cause?.evidence).toEqual([{ path: 'istio/resources/destinationrules.json', pointer: '/items/0/spec/subsets', excerpt: 'v1, v2' }]);
  });

  it('when its only subset has no name, it defines none, and the fix offers no subset to route to', () => {
    const index = buildConfigIndex([reviewsDr([{ labels: { version: 'v3' } }])], []);
    const cause = whySubsetMissing(index, HOST, 'v3', 'shop');
    expect(cause?.text).toBe('the route names subset `v3` of `reviews.catalog.svc.cluster.local`, which DestinationRule `catalog/reviews` does not define (it defines none): istiod builds no cluster for it (CFG003)');
    expect(cause?.fix).toBe('Define subset `v3` in DestinationRule `catalog/reviews` (with the labels of the pods meant to serve it), or route to a subset it defines.');
  });
});
