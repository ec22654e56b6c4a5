import { describe, expect, it } from 'vitest';
import { conformance, loadGrid } from '../../scripts/conformance/grid.js';
import { conflictingGatewaysAnalyzer } from '../../src/analysis/analyzers/conflicting-gateways.js';
import { gatewayPortAnalyzer } from '../../src/analysis/analyzers/gateway-ports.js';
import { gatewayReferenceAnalyzer, isInternalGatewayReference } from '../../src/analysis/analyzers/virtualservice-gateways.js';
import type { OfflineAnalyzer } from '../../src/analysis/analyzer.js';
import { buildConfigIndex } from '../../src/analysis/config-index.js';
import { readKubernetesObjects } from '../../src/artifacts/k8s/documents.js';
import type { KubernetesObject } from '../../src/artifacts/k8s/resource-schema.js';
import type { ResourceRecord } from '../../src/model/facets.js';

function records(yaml: string): ResourceRecord[] {
  return readKubernetesObjects(yaml).map((o) => ({ object: o.object as KubernetesObject, source: { path: 'inline.yaml', pointer: o.pointer } }));
}

function run(analyzer: OfflineAnalyzer, yaml: string) {
  return analyzer.analyze(buildConfigIndex(records(yaml), []));
}

const names = (list: readonly ResourceRecord[] | undefined) => (list ?? []).map((r) => `${r.object.metadata.namespace ?? ''}/${r.object.metadata.name}`);

/** The usual install: the ingress gateway pod and its Service in istio-system, ports 80/443 forwarded to 8080/8443. */
const INGRESS = `
apiVersion: v1
kind: Pod
metadata:
  name: istio-ingressgateway-5d7f8b9c4-x2k9p
  namespace: istio-system
  labels:
    app: istio-ingressgateway
    istio: ingressgateway
spec:
  containers:
  - name: istio-proxy
    ports:
    - name: http2
      containerPort: 8080
    - name: https
      containerPort: 8443
---
apiVersion: v1
kind: Service
metadata:
  name: istio-ingressgateway
  namespace: istio-system
spec:
  selector:
    istio: ingressgateway
  ports:
  - name: http2
    port: 80
    protocol: TCP
    targetPort: 8080
  - name: https
    port: 443
    protocol: TCP
    targetPort: https
  - name: dns
    port: 5353
    protocol: UDP
    targetPort: 5353
`;

function gateway(name: string, namespace: string, selector: Record<string, string>, servers: string): string {
  const labels = Object.entries(selector).map(([k, v]) => `    ${k}: ${v}`).join('\n');
  return `
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  selector:
${labels}
  servers:
${servers}`;
}

const server = (port: number, hosts: string[], extra = '') => `
  - port:
      number: ${port}
      name: p${port}
      protocol: HTTP
    hosts:
${hosts.map((h) => `    - "${h}"`).join('\n')}${extra}`;

describe('gateway.IngressGatewayPortAnalyzer conformance', () => {
  it.each(conformance([gatewayPortAnalyzer]).map((r) => [r.code, r] as const))('%s: matches Istio\'s grid (0 missed, 0 extra)', (_code, row) => {
    expect(row.cases).toBe(8);
    expect(row.expected).toBeGreaterThan(0);
    expect(row.missed).toEqual([]);
    expect(row.extra).toEqual([]);
    expect(row.matched).toBe(row.expected);
  });
});

describe('gateway.ConflictingGatewayAnalyzer conformance', () => {
  it.each(conformance([conflictingGatewaysAnalyzer]).map((r) => [r.code, r] as const))('%s: matches Istio\'s grid (0 missed, 0 extra)', (_code, row) => {
    expect(row.cases).toBe(6);
    expect(row.expected).toBe(9);
    expect(row.missed).toEqual([]);
    expect(row.extra).toEqual([]);
    expect(row.matched).toBe(row.expected);
  });

  it('claims IST0145 only: Istio\'s grid never expects IST0101 from this analyzer', () => {
    expect(conflictingGatewaysAnalyzer.codes).toEqual(['IST0145']);
    const expected = loadGrid().filter((c) => c.analyzerName === conflictingGatewaysAnalyzer.name).flatMap((c) => c.expected.map((e) => e.code));
    expect(new Set(expected)).toEqual(new Set(['IST0145']));
  });
});

describe('gateway ports (IST0162)', () => {
  const yaml = `${INGRESS}
---
apiVersion: v1
kind: Service
metadata:
  name: decoy
  namespace: bookinfo
spec:
  selector:
    istio: ingressgateway
  ports:
  - port: 9000
    protocol: TCP
${gateway('bookinfo-gateway', 'bookinfo', { istio: 'ingressgateway' }, server(80, ['bookinfo.example.com']) + server(8443, ['bookinfo.example.com']) + server(9000, ['bookinfo.example.com']) + server(5353, ['bookinfo.example.com']))}`;

  it('reports a server port that is neither a port nor a targetPort of the Services selecting the gateway pods', () => {
    const messages = run(gatewayPortAnalyzer, yaml);
    expect(messages.map((m) => [m.code, m.field])).toEqual([
      ['IST0162', '/spec/servers/2/port/number'],
      ['IST0162', '/spec/servers/3/port/number'],
    ]);
    const [first] = messages;
    expect(first?.resource.object.metadata.name).toBe('bookinfo-gateway');
    expect(first?.details).toMatchObject({ port: 9000, selector: 'istio=ingressgateway', offeredPorts: [80, 443, 8080, 8443] });
    expect(first?.text).toContain('9000');
    expect(first?.text).toContain('`istio=ingressgateway`');
    expect(first?.text).toContain('istio-system/istio-ingressgateway');
  });

  it('does not count a Service of another namespace (Services select pods of their own namespace) nor a UDP port', () => {
    const [first, second] = run(gatewayPortAnalyzer, yaml);
    expect(names(first?.details.related)).toEqual(['istio-system/istio-ingressgateway']);
    expect(second?.details.port).toBe(5353);
  });

  it('accepts a Service port (istiod translates it to the targetPort) and a targetPort, named ones resolved on the pod', () => {
    const ok = `${INGRESS}${gateway('gw', 'bookinfo', { istio: 'ingressgateway' }, server(80, ['*']) + server(443, ['*']) + server(8080, ['*']) + server(8443, ['*']))}`;
    expect(run(gatewayPortAnalyzer, ok)).toEqual([]);
  });

  it('ignores a server without a port, and servers that are not objects', () => {
    const odd = `${INGRESS}${gateway('gw', 'bookinfo', { istio: 'ingressgateway' }, `
  - hosts: ["a.example.com"]
  - port: { name: http }
    hosts: ["b.example.com"]
  - "not a server"
  - null`)}`;
    expect(run(gatewayPortAnalyzer, odd)).toEqual([]);
  });

  it('treats a Service without a selector as selecting no pod', () => {
    const yaml2 = `
apiVersion: v1
kind: Pod
metadata: { name: gw-1, namespace: edge, labels: { app: edge-gw } }
spec: { containers: [{ name: istio-proxy }] }
---
apiVersion: v1
kind: Service
metadata: { name: manual, namespace: edge }
spec: { ports: [{ port: 80, protocol: TCP }] }
${gateway('edge', 'edge', { app: 'edge-gw' }, server(80, ['*']))}`;
    const [message, ...rest] = run(gatewayPortAnalyzer, yaml2);
    expect(rest).toEqual([]);
    expect(message?.code).toBe('IST0162');
    expect(message?.details.related).toEqual([]);
    expect(message?.text).toContain('no Service selects the pods');
  });
});

describe('gateway selector (IST0101)', () => {
  it('reports a selector that matches no pod', () => {
    const yaml = `${INGRESS}${gateway('typo', 'bookinfo', { istio: 'ingresstypo' }, server(8004, ['*']))}`;
    const messages = run(gatewayPortAnalyzer, yaml);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ code: 'IST0101', field: '/spec/selector', details: { reference: 'selector', selector: 'istio=ingresstypo' } });
    expect(messages[0]?.text).toContain('`istio=ingresstypo`');
    expect(messages[0]?.details.assumedDefaultIngress).toBeUndefined();
  });

  it('matches gateway pods in any namespace: a Gateway in bookinfo selects the ingress pod of istio-system', () => {
    const yaml = `${INGRESS}${gateway('bookinfo-gateway', 'bookinfo', { istio: 'ingressgateway', app: 'istio-ingressgateway' }, server(80, ['*']))}`;
    expect(run(gatewayPortAnalyzer, yaml)).toEqual([]);
  });

  it('assumes istioctl\'s default ingress gateway when the bundle lists no pods at all', () => {
    const yaml = `${gateway('gw', 'bookinfo', { istio: 'ingressgateway' }, server(80, ['*']) + server(8004, ['*']))}
${gateway('typo', 'bookinfo', { istio: 'ingresstypo' }, server(80, ['*']))}`;
    const messages = run(gatewayPortAnalyzer, yaml);
    expect(messages.map((m) => [m.code, m.resource.object.metadata.name, m.field])).toEqual([
      ['IST0162', 'gw', '/spec/servers/1/port/number'],
      ['IST0101', 'typo', '/spec/selector'],
    ]);
    expect(messages[0]?.details).toMatchObject({ port: 8004, offeredPorts: [80, 443, 15443, 31400], assumedDefaultIngress: true });
    expect(messages[0]?.text).toContain('no pods');
  });
});

describe('conflicting gateways (IST0145)', () => {
  const ingressPod = `
apiVersion: v1
kind: Pod
metadata:
  name: istio-ingressgateway-1
  namespace: istio-system
  labels: { istio: ingressgateway, app: istio-ingressgateway }
spec: { containers: [{ name: istio-proxy }] }`;

  it('reports each of two Gateways, in different namespaces, serving the same host on the same port of one workload', () => {
    const yaml = `${ingressPod}${gateway('shop', 'shop', { istio: 'ingressgateway' }, server(443, ['shop.example.com', 'www.example.com']))}${gateway('legacy', 'legacy', { istio: 'ingressgateway' }, server(80, ['shop.example.com']) + server(443, ['shop.example.com']))}`;
    const messages = run(conflictingGatewaysAnalyzer, yaml);
    expect(messages.map((m) => [m.code, m.resource.object.metadata.name, m.field])).toEqual([
      ['IST0145', 'shop', '/spec/servers/0'],
      ['IST0145', 'legacy', '/spec/servers/1'],
    ]);
    const [shop] = messages;
    expect(shop?.details).toMatchObject({ port: 443, selector: 'istio=ingressgateway', hosts: ['shop.example.com', 'www.example.com'], conflictingHosts: ['shop.example.com'] });
    expect(names(shop?.details.related)).toEqual(['legacy/legacy']);
    expect(shop?.text).toContain('Gateway legacy/legacy');
    expect(shop?.text).toContain('port 443');
    expect(shop?.text).toContain('`shop.example.com`');
  });

  it('does not report Gateways on different ports', () => {
    const yaml = `${gateway('a', 'default', { istio: 'ingressgateway' }, server(443, ['foo.bar']))}${gateway('b', 'default', { istio: 'ingressgateway' }, server(80, ['foo.bar']))}`;
    expect(run(conflictingGatewaysAnalyzer, yaml)).toEqual([]);
  });

  it('does not report `*` against a specific host: istiod keeps both virtual hosts and the more specific one wins', () => {
    const yaml = `${gateway('catch-all', 'default', { istio: 'ingressgateway' }, server(80, ['*']))}${gateway('shop', 'default', { istio: 'ingressgateway' }, server(80, ['shop.example.com']))}${gateway('wild', 'default', { istio: 'ingressgateway' }, server(80, ['*.example.com']))}`;
    expect(run(conflictingGatewaysAnalyzer, yaml)).toEqual([]);
  });

  it('reports `*` against `*`', () => {
    const yaml = `${gateway('a', 'default', { istio: 'ingressgateway' }, server(80, ['*']))}${gateway('b', 'default', { istio: 'ingressgateway' }, server(80, ['*']))}`;
    expect(run(conflictingGatewaysAnalyzer, yaml).map((m) => m.resource.object.metadata.name)).toEqual(['a', 'b']);
  });

  it('ignores servers without a port (no listener) and malformed servers', () => {
    const yaml = `${gateway('a', 'default', { istio: 'ingressgateway' }, `
  - hosts: ["foo.bar"]
  - "junk"`)}${gateway('b', 'default', { istio: 'ingressgateway' }, `
  - hosts: ["foo.bar"]
  - port: { number: "80" }
    hosts: ["foo.bar"]`)}`;
    expect(run(conflictingGatewaysAnalyzer, yaml)).toEqual([]);
  });

  it('does not report servers bound to different addresses', () => {
    const yaml = `${gateway('a', 'default', { istio: 'ingressgateway' }, server(80, ['foo.bar'], '\n    bind: 10.0.0.1'))}${gateway('b', 'default', { istio: 'ingressgateway' }, server(80, ['foo.bar'], '\n    bind: 10.0.0.2'))}`;
    expect(run(conflictingGatewaysAnalyzer, yaml)).toEqual([]);
  });

  it('reports different selectors only when some pod matches both', () => {
    const gateways = `${gateway('narrow', 'default', { istio: 'ingressgateway', app: 'istio-ingressgateway' }, server(80, ['foo.bar']))}${gateway('wide', 'default', { istio: 'ingressgateway' }, server(80, ['foo.bar']))}${gateway('internal', 'default', { istio: 'internal-gateway' }, server(80, ['foo.bar']))}`;
    expect(run(conflictingGatewaysAnalyzer, gateways)).toEqual([]);
    const withPod = run(conflictingGatewaysAnalyzer, `${ingressPod}${gateways}`);
    expect(withPod.map((m) => [m.resource.object.metadata.name, names(m.details.related)])).toEqual([
      ['narrow', ['default/wide']],
      ['wide', ['default/narrow']],
    ]);
    expect(withPod[0]?.details.selector).toBe('app=istio-ingressgateway,istio=ingressgateway');
  });

  it('compares `./host` as `<gateway namespace>/host` and keeps hosts of other namespaces apart', () => {
    const yaml = `${gateway('a', 'shop', { istio: 'ingressgateway' }, server(80, ['./foo.bar']))}${gateway('b', 'edge', { istio: 'ingressgateway' }, server(80, ['shop/foo.bar']))}${gateway('c', 'edge', { istio: 'ingressgateway' }, server(80, ['edge/foo.bar']))}`;
    expect(run(conflictingGatewaysAnalyzer, yaml).map((m) => [m.resource.object.metadata.name, names(m.details.related)])).toEqual([
      ['a', ['edge/b']],
      ['b', ['shop/a']],
    ]);
  });

  it('does not report a Gateway listed twice against itself', () => {
    const one = gateway('a', 'default', { istio: 'ingressgateway' }, server(80, ['foo.bar']));
    expect(run(conflictingGatewaysAnalyzer, `${one}${one}`)).toEqual([]);
  });
});

describe('IST0165: a VirtualService bound to a Gateway Istio generates from a Gateway API Gateway', () => {
  const vsBoundTo = (gateway: string) => `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: httpbin
  namespace: default
spec:
  hosts:
  - "foo.com"
  gateways:
  - "${gateway}"
  http:
  - route:
    - destination:
        host: httpbin
`;
  const codes = (gateway: string) => run(gatewayReferenceAnalyzer, vsBoundTo(gateway)).map((m) => m.code);

  it('in both of Istio\'s internal names: `~istio-autogenerated-k8s-gateway~` and the earlier hyphen form', () => {
    expect(codes('istio-ingress/gateway~istio-autogenerated-k8s-gateway~foo')).toEqual(['IST0165']);
    expect(codes('sample-ingress/example-gateway-istio-autogenerated-k8s-gateway-default')).toEqual(['IST0165']);
    expect(codes('example-gateway-istio-autogenerated-k8s-gateway-http')).toEqual(['IST0165']);
  });

  it('only in the name: a namespace, or a name without the separators, is no internal reference', () => {
    expect(isInternalGatewayReference('x-istio-autogenerated-k8s-gateway-y/gw')).toBe(false);
    expect(isInternalGatewayReference('istio-ingress/istio-autogenerated-k8s-gateway')).toBe(false);
    expect(codes('istio-ingress/istio-autogenerated-k8s-gateway')).toEqual(['IST0101', 'IST0132']); // an ordinary missing Gateway, as Istio reports one
  });
});
