import { describe, expect, it } from 'vitest';
import { buildConfigIndex } from '../../src/analysis/config-index.js';
import { serviceEndpoints } from '../../src/analysis/service-endpoints.js';
import type { ResourceRecord } from '../../src/model/facets.js';

const record = (object: Record<string, unknown>, pointer: string): ResourceRecord => ({ object: object as ResourceRecord['object'], source: { path: 'kubernetes/resources/shop.json', pointer } });
const service = record({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'cart', namespace: 'shop' }, spec: { selector: { app: 'cart' }, ports: [{ port: 8080 }] } }, '/items/0');
// EndpointSlice fields as https://kubernetes.io/docs/reference/kubernetes-api/service-resources/endpoint-slice-v1/ defines them.
const slice = (name: string, endpoints: unknown, serviceName = 'cart') =>
  record(
    { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', addressType: 'IPv4', metadata: { name, namespace: 'shop', labels: { 'kubernetes.io/service-name': serviceName } }, endpoints, ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] },
    `/items/${name.length}`,
  );
const endpoint = (ip: string, pod: string, conditions?: Record<string, boolean>) => ({ addresses: [ip], ...(conditions ? { conditions } : {}), targetRef: { kind: 'Pod', name: pod, namespace: 'shop' } });
const endpointsOf = (...resources: ResourceRecord[]) => serviceEndpoints(buildConfigIndex([service, ...resources], []), service);

describe('the endpoints Kubernetes lists for a Service', () => {
  it('joins every slice of the Service, ready unset counting as ready, and leaves other Services\' slices out', () => {
    const result = endpointsOf(
      slice('cart-b2', [endpoint('10.0.0.3', 'cart-3', { ready: false, serving: true, terminating: true })]),
      slice('cart-a1', [endpoint('10.0.0.1', 'cart-1', { ready: true }), endpoint('10.0.0.2', 'cart-2')]),
      slice('frontend-x', [endpoint('10.0.0.9', 'frontend-1', { ready: false })], 'frontend'),
    )!;
    expect(result.records.map((r) => r.object.metadata.name)).toEqual(['cart-a1', 'cart-b2']);
    expect(result.ready.map((e) => e.pod)).toEqual(['cart-1', 'cart-2']);
    expect(result.notReady).toEqual([expect.objectContaining({ address: '10.0.0.3', pod: 'cart-3', terminating: true, pointer: '/endpoints/0' })]);
  });

  it('a slice with `endpoints: null` (the selector matches no pod) has none; no listing of the namespace says nothing', () => {
    expect(endpointsOf(slice('cart-a1', null))).toEqual({ records: [expect.anything()], ready: [], notReady: [] });
    expect(endpointsOf()).toBeUndefined();
  });

  it('slices of the namespace but none of the Service: no endpoints at all', () => {
    expect(endpointsOf(slice('frontend-x', [endpoint('10.0.0.9', 'frontend-1')], 'frontend'))).toEqual({ records: [], ready: [], notReady: [] });
  });

  it('reads v1 Endpoints where the namespace has no EndpointSlice: addresses ready, notReadyAddresses not', () => {
    const legacy = record(
      { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'cart', namespace: 'shop' }, subsets: [{ addresses: [{ ip: '10.0.0.1', targetRef: { kind: 'Pod', name: 'cart-1' } }], notReadyAddresses: [{ ip: '10.0.0.2', targetRef: { kind: 'Pod', name: 'cart-2' } }], ports: [{ port: 8080 }] }] },
      '/items/1',
    );
    const result = endpointsOf(legacy)!;
    expect(result.ready.map((e) => [e.address, e.pod, e.pointer])).toEqual([['10.0.0.1', 'cart-1', '/subsets/0/addresses/0']]);
    expect(result.notReady.map((e) => [e.address, e.pod, e.pointer])).toEqual([['10.0.0.2', 'cart-2', '/subsets/0/notReadyAddresses/0']]);
  });
});
