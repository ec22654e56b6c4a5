import { describe, expect, it } from 'vitest';
import { buildConfigIndex, configKind } from '../../src/analysis/config-index.js';
import type { ResourceRecord } from '../../src/model/facets.js';

function record(object: Record<string, unknown>, path = 'istio/resources/virtualservices.json'): ResourceRecord {
  return { object: object as ResourceRecord['object'], source: { path } };
}
const service = (namespace: string, name: string, extra: Record<string, unknown> = {}) =>
  record({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace, ...extra }, spec: { ports: [{ name: 'http', port: 9080 }] } }, 'kubernetes/resources/services.json');

describe('config index', () => {
  it('accepts every served networking.istio.io version and tells Istio Gateways from Gateway API ones', () => {
    for (const version of ['v1alpha3', 'v1beta1', 'v1']) expect(configKind({ apiVersion: `networking.istio.io/${version}`, kind: 'VirtualService' })).toBe('VirtualService');
    expect(configKind({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway' })).toBe('KubernetesGateway');
    expect(configKind({ apiVersion: 'networking.istio.io/v1beta1', kind: 'Gateway' })).toBe('Gateway');
    expect(configKind({ apiVersion: 'example.com/v1', kind: 'VirtualService' })).toBeUndefined();
  });

  it('keeps one copy of an object listed twice', () => {
    const index = buildConfigIndex([service('bookinfo', 'reviews'), service('bookinfo', 'reviews'), service('shop', 'reviews')], []);
    expect(index.ofKind('Service').map((s) => `${index.namespaceOf(s)}/${s.object.metadata.name}`)).toEqual(['bookinfo/reviews', 'shop/reviews']);
  });

  it('resolves short names in the referring namespace only, FQDNs anywhere, and honours exportTo', () => {
    const index = buildConfigIndex([service('bookinfo', 'reviews'), service('bookinfo', 'ratings', { annotations: { 'networking.istio.io/exportTo': '.' } })], []);
    expect(index.resolveHost('reviews', 'bookinfo')?.host).toBe('reviews.bookinfo.svc.cluster.local');
    expect(index.resolveHost('reviews', 'frontend')).toBeUndefined();
    expect(index.resolveHost('reviews.bookinfo.svc.cluster.local', 'frontend')?.host).toBe('reviews.bookinfo.svc.cluster.local');
    // `reviews.bookinfo` has a dot, so Istio takes it as written: it names no service.
    expect(index.resolveHost('reviews.bookinfo', 'frontend')).toBeUndefined();
    expect(index.resolveHost('ratings.bookinfo.svc.cluster.local', 'bookinfo')).toBeDefined();
    expect(index.resolveHost('ratings.bookinfo.svc.cluster.local', 'frontend')).toBeUndefined();
    expect(index.caseInsensitiveHost('Reviews', 'bookinfo')).toBe('reviews.bookinfo.svc.cluster.local');
  });

  it('matches wildcard ServiceEntry hosts by DNS suffix, never the bare domain', () => {
    const entry = record({ apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'ext', namespace: 'bookinfo' }, spec: { hosts: ['*.example.com'], ports: [{ number: 443, name: 'tls' }] } });
    const index = buildConfigIndex([entry], []);
    expect(index.resolveHost('api.example.com', 'shop')?.host).toBe('*.example.com');
    expect(index.resolveHost('a.b.example.com', 'shop')?.host).toBe('*.example.com');
    expect(index.resolveHost('example.com', 'shop')).toBeUndefined();
  });

  it('reads the mesh config from the istio ConfigMap: root namespace and export defaults', () => {
    const cm = record({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio', namespace: 'istio-system' }, data: { mesh: 'rootNamespace: mesh-root\ndefaultServiceExportTo:\n- "."\n' } });
    const index = buildConfigIndex([cm, service('bookinfo', 'reviews')], []);
    expect(index.mesh.rootNamespace).toBe('mesh-root');
    expect(index.mesh.defaultServiceExportTo).toEqual(['.']);
    expect(index.resolveHost('reviews.bookinfo.svc.cluster.local', 'frontend')).toBeUndefined();
    expect(buildConfigIndex([service('bookinfo', 'reviews')], []).mesh.rootNamespace).toBe('istio-system');
  });
});

describe('cluster domain', () => {
  const injector = (clusterDomain: string) =>
    record({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio-sidecar-injector', namespace: 'istio-system' }, data: { config: 'policy: enabled', values: JSON.stringify({ global: { proxy: { clusterDomain } } }) } });

  it('is the injector\'s global.proxy.clusterDomain, so FQDNs in a custom domain resolve', () => {
    const index = buildConfigIndex([injector('corp.internal'), service('bookinfo', 'reviews')], []);
    expect(index.clusterDomain).toBe('svc.corp.internal');
    expect(index.resolveHost('reviews.bookinfo.svc.corp.internal', 'shop')?.host).toBe('reviews.bookinfo.svc.corp.internal');
    expect(index.resolveHost('reviews.bookinfo.svc.cluster.local', 'shop')).toBeUndefined();
  });

  it('defaults to cluster.local', () => {
    expect(buildConfigIndex([service('bookinfo', 'reviews')], []).clusterDomain).toBe('svc.cluster.local');
  });
});
