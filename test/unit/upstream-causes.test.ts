import { describe, expect, it } from 'vitest';
import { buildConfigIndex } from '../../src/analysis/config-index.js';
import type { ResourceRecord } from '../../src/model/facets.js';
import { endpointsFinding } from '../../src/rules/sidecar-logs/upstream-causes.js';

// Bookinfo's ratings Service, sent on its own (`kubectl get service ratings -n bookinfo -o json`: one object, not a
// List, so the record has no pointer), and the namespace's endpoint listings after the ratings pods went away.
const ratings = {
  object: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ratings', namespace: 'bookinfo', labels: { app: 'ratings', service: 'ratings' } }, spec: { selector: { app: 'ratings' }, ports: [{ name: 'http', port: 9080, protocol: 'TCP', targetPort: 9080 }], type: 'ClusterIP' } },
  source: { path: 'ratings-service.json' },
} as ResourceRecord;
const listed = (path: string, object: Record<string, unknown>, i: number): ResourceRecord => ({ object: object as ResourceRecord['object'], source: { path, pointer: `/items/${i}` } });
const SLICES = 'kubernetes/resources/bookinfo-endpointslices.json';
// The EndpointSlice controller keeps an empty slice for a Service whose selector matches no pod: `"endpoints": null`.
const slice = (service: string, name: string, endpoints: unknown, i: number) =>
  listed(SLICES, { addressType: 'IPv4', apiVersion: 'discovery.k8s.io/v1', endpoints, kind: 'EndpointSlice', metadata: { name, namespace: 'bookinfo', labels: { 'kubernetes.io/service-name': service } }, ports: [{ name: 'http', port: 9080, protocol: 'TCP' }] }, i);
const detailsSlice = slice('details', 'details-x7k2p', [{ addresses: ['10.244.2.14'], conditions: { ready: true, serving: true, terminating: false }, targetRef: { kind: 'Pod', name: 'details-v1-65cfcf56f9-r2l8c', namespace: 'bookinfo' } }], 0);
const HOST = 'ratings.bookinfo.svc.cluster.local';

describe('endpointsFinding: a Service whose selector matches no pod', () => {
  it('cites the selector of a Service sent as a single object at /spec/selector, and its empty EndpointSlice', () => {
    const finding = endpointsFinding(buildConfigIndex([ratings, detailsSlice, slice('ratings', 'ratings-r2v8n', null, 1)], []), HOST);
    expect(finding).toMatchObject({ decisive: true, allReady: false });
    expect(finding!.text).toBe("The cause: Service `bookinfo/ratings` has no endpoints in the bundle's EndpointSlices: its selector `app=ratings` matches no running pod.");
    expect(finding!.evidence).toEqual([
      { path: 'ratings-service.json', pointer: '/spec/selector', excerpt: 'app=ratings' },
      { path: SLICES, pointer: '/items/1', excerpt: 'no endpoints' },
    ]);
  });

  it('cites a v1 Endpoints object without subsets when the namespace has no EndpointSlices', () => {
    // `kubectl get endpoints -n bookinfo -o json`: an Endpoints object with no address prints no `subsets` at all.
    const ENDPOINTS = 'kubernetes/resources/bookinfo-endpoints.json';
    const details = listed(ENDPOINTS, { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'details', namespace: 'bookinfo' }, subsets: [{ addresses: [{ ip: '10.244.2.14', targetRef: { kind: 'Pod', name: 'details-v1-65cfcf56f9-r2l8c', namespace: 'bookinfo' } }], ports: [{ name: 'http', port: 9080, protocol: 'TCP' }] }] }, 0);
    const empty = listed(ENDPOINTS, { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'ratings', namespace: 'bookinfo', labels: { app: 'ratings', service: 'ratings' } } }, 1);
    const finding = endpointsFinding(buildConfigIndex([ratings, details, empty], []), HOST);
    expect(finding).toMatchObject({ decisive: true });
    expect(finding!.evidence).toEqual([
      { path: 'ratings-service.json', pointer: '/spec/selector', excerpt: 'app=ratings' },
      { path: ENDPOINTS, pointer: '/items/1', excerpt: 'no endpoints' },
    ]);
  });
});
