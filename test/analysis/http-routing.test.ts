import { describe, expect, it } from 'vitest';
import { buildConfigIndex } from '../../src/analysis/config-index.js';
import { applicableVirtualServices, authorityHosts, proxyContext, proxyKindOf } from '../../src/analysis/http-routing/applicable.js';
import { evaluateMatch, firstMatchingRule, ruleMatches } from '../../src/analysis/http-routing/match-evaluation.js';
import { correctedMatch, nearMiss, uriNearMiss, type NearMissReason } from '../../src/analysis/http-routing/near-miss.js';
import { parseRequestKey, queryParams, splitAuthority, uriPath, type HttpRequest, type ProxyContext } from '../../src/analysis/http-routing/request.js';
import { compileRegex, stringMatches } from '../../src/analysis/http-routing/string-match.js';
import type { ResourceRecord } from '../../src/model/facets.js';

let line = 0;
function record(kind: string, apiVersion: string, name: string, namespace: string, rest: Record<string, unknown>): ResourceRecord {
  return { object: { ...rest, apiVersion, kind, metadata: { ...(rest.metadata as object), name, namespace } } as unknown as ResourceRecord['object'], source: { path: 'resources.json', line: ++line } };
}
const vs = (name: string, namespace: string, spec: Record<string, unknown>) => record('VirtualService', 'networking.istio.io/v1', name, namespace, { spec });
const gateway = (name: string, namespace: string, hosts: string[], selector = { istio: 'ingressgateway' }) =>
  record('Gateway', 'networking.istio.io/v1', name, namespace, { spec: { selector, servers: [{ hosts, port: { name: 'http', number: 8080, protocol: 'HTTP' } }] } });
const pod = (name: string, namespace: string, opts: { labels?: Record<string, string>; annotations?: Record<string, string>; containers?: unknown[]; initContainers?: unknown[] }) =>
  record('Pod', 'v1', name, namespace, {
    metadata: { labels: opts.labels ?? {}, annotations: opts.annotations ?? {} },
    spec: { containers: opts.containers ?? [{ name: 'app' }], ...(opts.initContainers ? { initContainers: opts.initContainers } : {}) },
  });

const SIDECAR_ARGS = ['proxy', 'sidecar', '--domain', '$(POD_NAMESPACE).svc.cluster.local'];
const ROUTER_ARGS = ['proxy', 'router', '--domain', '$(POD_NAMESPACE).svc.cluster.local'];

const req = (path: string, extra: Partial<HttpRequest> = {}): HttpRequest => ({ method: 'GET', authority: 'bookinfo.example.com', path, ...extra });
const outcome = (match: unknown, request: HttpRequest, proxy?: ProxyContext) => evaluateMatch(match, request, proxy).outcome;

describe('StringMatch', () => {
  it('exact is exact and case-sensitive', () => {
    expect(stringMatches({ exact: '/api/v1' }, '/api/v1')).toBe(true);
    expect(stringMatches({ exact: '/api/v1' }, '/API/v1')).toBe(false);
    expect(stringMatches({ exact: '/api/v1' }, '/api/v1/')).toBe(false);
    expect(stringMatches({ exact: '/api/v1' }, '/api/v1/users')).toBe(false);
  });

  it('prefix is a string prefix, not a path-segment one', () => {
    expect(stringMatches({ prefix: '/api' }, '/api/orders')).toBe(true);
    expect(stringMatches({ prefix: '/api' }, '/apiorders')).toBe(true);
    expect(stringMatches({ prefix: '/api/' }, '/api')).toBe(false);
    expect(stringMatches({ prefix: '/API' }, '/api/orders')).toBe(false);
  });

  it('ignoreCase reaches exact and prefix', () => {
    expect(stringMatches({ exact: '/api/v1' }, '/API/V1', { ignoreCase: true })).toBe(true);
    expect(stringMatches({ prefix: '/api' }, '/API/orders', { ignoreCase: true })).toBe(true);
    expect(stringMatches({ regex: '/api/v1' }, '/API/v1', { ignoreCase: true })).toBe(false);
  });

  it('regex is RE2 with full-match semantics', () => {
    expect(stringMatches({ regex: '/api/v[0-9]+' }, '/api/v1')).toBe(true);
    expect(stringMatches({ regex: '/api/v[0-9]+' }, '/api/v1/users')).toBe(false);
    expect(stringMatches({ regex: '/api/v[0-9]+' }, '/x/api/v1')).toBe(false);
    expect(stringMatches({ regex: 'a|b' }, 'ab')).toBe(false); // anchored around the whole alternation
    expect(stringMatches({ regex: 'a|b' }, 'b')).toBe(true);
    expect(stringMatches({ regex: '/users/.*' }, '/users/42')).toBe(true);
  });

  it('translates RE2-only syntax and refuses what RE2 does not have', () => {
    expect(compileRegex('(?i)/api')?.test('/API')).toBe(true);
    expect(compileRegex('/(?P<id>[0-9]+)')?.test('/42')).toBe(true);
    expect(compileRegex('\\Q/a.b\\E')?.test('/a.b')).toBe(true);
    expect(compileRegex('\\Q/a.b\\E')?.test('/axb')).toBe(false);
    expect(compileRegex('/v[[:digit:]]+')?.test('/v12')).toBe(true);
    expect(compileRegex('\\A/api\\z')?.test('/api')).toBe(true);
    expect(compileRegex('/api(?=/v1)')).toBeUndefined(); // look-ahead is not RE2
    expect(compileRegex('(a)\\1')).toBeUndefined(); // nor are back-references
    expect(compileRegex('/api/(')).toBeUndefined(); // invalid
    expect(compileRegex('[[:nope:]]')).toBeUndefined();
  });

  it('an invalid regex or a malformed match cannot be told, it does not "not match"', () => {
    expect(stringMatches({ regex: '/api/(' }, '/api/(')).toBeUndefined();
    expect(stringMatches({ exact: '/a', prefix: '/b' }, '/a')).toBeUndefined();
    expect(stringMatches('exact', '/a')).toBeUndefined();
  });
});

describe('request parts', () => {
  it('strips the query string (and a fragment) for uri matching', () => {
    expect(uriPath('/api/v1/users?page=2')).toBe('/api/v1/users');
    expect(uriPath('/a#frag')).toBe('/a');
    expect(queryParams('/a?x=1&y=&z&x=2')).toEqual(new Map([['x', '1'], ['y', ''], ['z', '']]));
  });

  it('splits an authority into host and port', () => {
    expect(splitAuthority('reviews:9080')).toEqual({ host: 'reviews', port: 9080 });
    expect(splitAuthority('bookinfo.example.com')).toEqual({ host: 'bookinfo.example.com' });
    expect(splitAuthority('[fd00::1]:8080')).toEqual({ host: '[fd00::1]', port: 8080 });
  });

  it('reads the `no route matched` breakdown key, and refuses keys without an authority', () => {
    expect(parseRequestKey('GET bookinfo.example.com/api/v1/users?page=2')).toEqual({ method: 'GET', authority: 'bookinfo.example.com', path: '/api/v1/users?page=2' });
    expect(parseRequestKey('POST reviews:9080/reviews/1')).toEqual({ method: 'POST', authority: 'reviews:9080', path: '/reviews/1', port: 9080 });
    expect(parseRequestKey('GET /api/v1')).toBeUndefined(); // no authority logged
    expect(parseRequestKey('/API/v1/products')).toBeUndefined(); // a debug line's URL
    expect(parseRequestKey('no route matched')).toBeUndefined();
  });
});

describe('HTTPMatchRequest', () => {
  it('matches the uri without the query string', () => {
    expect(outcome({ uri: { exact: '/api/v1/users' } }, req('/api/v1/users?page=2'))).toBe('match');
    expect(outcome({ uri: { regex: '/api/v1/users' } }, req('/api/v1/users?page=2'))).toBe('match');
  });

  it('ignoreUriCase applies to exact and prefix, not to regex', () => {
    expect(outcome({ uri: { exact: '/api/v1' }, ignoreUriCase: true }, req('/API/V1'))).toBe('match');
    expect(outcome({ uri: { prefix: '/api' }, ignoreUriCase: true }, req('/API/orders'))).toBe('match');
    expect(outcome({ uri: { regex: '/api/v1' }, ignoreUriCase: true }, req('/API/v1'))).toBe('fail');
    expect(outcome({ uri: { exact: '/api/v1' } }, req('/API/v1'))).toBe('fail');
  });

  it('fields of one match are AND', () => {
    expect(outcome({ uri: { prefix: '/api' }, method: { exact: 'GET' } }, req('/api/x'))).toBe('match');
    expect(outcome({ uri: { prefix: '/api' }, method: { exact: 'POST' } }, req('/api/x'))).toBe('fail');
    expect(outcome({ uri: { prefix: '/other' }, method: { exact: 'GET' } }, req('/api/x'))).toBe('fail');
  });

  it('method and authority are case-sensitive header matches; the authority includes its port', () => {
    expect(outcome({ method: { exact: 'get' } }, req('/'))).toBe('fail');
    expect(outcome({ method: { regex: 'GET|HEAD' } }, req('/'))).toBe('match');
    expect(outcome({ authority: { exact: 'bookinfo.example.com' } }, req('/'))).toBe('match');
    expect(outcome({ authority: { exact: 'Bookinfo.example.com' } }, req('/'))).toBe('fail');
    expect(outcome({ authority: { exact: 'reviews' } }, req('/', { authority: 'reviews:9080' }))).toBe('fail');
    expect(outcome({ authority: { prefix: 'reviews' } }, req('/', { authority: 'reviews:9080' }))).toBe('match');
    expect(outcome({ authority: {} }, req('/'))).toBe('match'); // presence
  });

  it('headers, withoutHeaders and scheme are not in the access log: unknown', () => {
    expect(outcome({ headers: { 'end-user': { exact: 'jason' } } }, req('/'))).toBe('unknown');
    expect(outcome({ withoutHeaders: { 'x-canary': {} } }, req('/'))).toBe('unknown');
    expect(outcome({ scheme: { exact: 'https' } }, req('/'))).toBe('unknown');
    // an unknown condition does not save a match that fails elsewhere
    expect(outcome({ uri: { exact: '/a' }, headers: { 'end-user': { exact: 'jason' } } }, req('/b'))).toBe('fail');
  });

  it('queryParams: exact, regex, presence, and a missing parameter fails', () => {
    expect(outcome({ queryParams: { page: { exact: '2' } } }, req('/a?page=2'))).toBe('match');
    expect(outcome({ queryParams: { page: { exact: '2' } } }, req('/a?page=3'))).toBe('fail');
    expect(outcome({ queryParams: { page: { regex: '[0-9]+' } } }, req('/a?page=12'))).toBe('match');
    expect(outcome({ queryParams: { debug: {} } }, req('/a?debug'))).toBe('match');
    expect(outcome({ queryParams: { debug: { regex: '*' } } }, req('/a?debug=1'))).toBe('match');
    expect(outcome({ queryParams: { page: { exact: '2' } } }, req('/a'))).toBe('fail');
  });

  it('port is the port addressed; unknown when the log does not show it', () => {
    expect(outcome({ port: 9080 }, req('/', { authority: 'reviews:9080', port: 9080 }))).toBe('match');
    expect(outcome({ port: 9080 }, req('/', { authority: 'reviews:9090', port: 9090 }))).toBe('fail');
    expect(outcome({ port: 9080 }, req('/', { authority: 'reviews' }))).toBe('unknown');
  });

  it('sourceLabels, sourceNamespace and gateways select proxies', () => {
    const sidecar: ProxyContext = { kind: 'sidecar', namespace: 'bookinfo', labels: { app: 'productpage', version: 'v1' } };
    expect(outcome({ sourceLabels: { app: 'productpage' } }, req('/'), sidecar)).toBe('match');
    expect(outcome({ sourceLabels: { app: 'reviews' } }, req('/'), sidecar)).toBe('fail');
    expect(outcome({ sourceLabels: { app: 'reviews' } }, req('/'))).toBe('unknown');
    expect(outcome({ sourceNamespace: 'bookinfo' }, req('/'), sidecar)).toBe('match');
    expect(outcome({ sourceNamespace: 'shop' }, req('/'), sidecar)).toBe('fail');
    expect(outcome({ gateways: ['mesh'] }, req('/'), sidecar)).toBe('match');
    expect(outcome({ gateways: ['bookinfo-gateway'] }, req('/'), sidecar)).toBe('fail');
    const gw: ProxyContext = { kind: 'gateway', namespace: 'istio-system', gateways: new Set(['bookinfo/bookinfo-gateway']) };
    expect(evaluateMatch({ gateways: ['bookinfo-gateway'] }, req('/'), gw, 'bookinfo').outcome).toBe('match');
    expect(evaluateMatch({ gateways: ['shop/shop-gateway'] }, req('/'), gw, 'bookinfo').outcome).toBe('fail');
    expect(evaluateMatch({ gateways: ['mesh'] }, req('/'), gw, 'bookinfo').outcome).toBe('fail');
  });

  it('a match list is OR; no match list (or an empty one) matches every request', () => {
    const rule = { match: [{ uri: { exact: '/a' } }, { uri: { prefix: '/b' } }] };
    expect(ruleMatches(rule, req('/a'))).toBe('match');
    expect(ruleMatches(rule, req('/b/c'))).toBe('match');
    expect(ruleMatches(rule, req('/c'))).toBe('fail');
    expect(ruleMatches({ match: [{ uri: { exact: '/a' } }, { headers: { x: { exact: '1' } } }] }, req('/c'))).toBe('unknown');
    expect(ruleMatches({ route: [] }, req('/anything'))).toBe('match');
    expect(ruleMatches({ match: [] }, req('/anything'))).toBe('match');
    expect(outcome({}, req('/anything'))).toBe('match');
  });

  it('rules are tried in order', () => {
    const service = vs('r', 'bookinfo', { hosts: ['r'], http: [{ match: [{ uri: { prefix: '/a' } }] }, { match: [{ uri: { prefix: '/' } }] }] });
    expect(firstMatchingRule(service, req('/a/1'))).toEqual({ index: 0, certain: true });
    expect(firstMatchingRule(service, req('/b'))).toEqual({ index: 1, certain: true });
    const headerFirst = vs('r', 'bookinfo', { hosts: ['r'], http: [{ match: [{ headers: { u: { exact: 'j' } } }] }, {}] });
    expect(firstMatchingRule(headerFirst, req('/'))).toEqual({ index: 1, certain: false });
  });
});

describe('which proxy', () => {
  it('tells gateways from sidecars by labels and pilot-agent args; unknown otherwise', () => {
    expect(proxyKindOf(pod('gw', 'istio-system', { labels: { istio: 'ingressgateway' }, containers: [{ name: 'istio-proxy' }] }))).toBe('gateway');
    expect(proxyKindOf(pod('gw', 'edge', { labels: { app: 'edge' }, containers: [{ name: 'istio-proxy', args: ROUTER_ARGS }] }))).toBe('gateway');
    expect(proxyKindOf(pod('p', 'bookinfo', { containers: [{ name: 'app' }, { name: 'istio-proxy', args: SIDECAR_ARGS }] }))).toBe('sidecar');
    expect(proxyKindOf(pod('p', 'bookinfo', { initContainers: [{ name: 'istio-proxy', args: SIDECAR_ARGS, restartPolicy: 'Always' }] }))).toBe('sidecar');
    expect(proxyKindOf(pod('p', 'bookinfo', { annotations: { 'sidecar.istio.io/status': '{}' } }))).toBe('sidecar');
    expect(proxyKindOf(pod('p', 'bookinfo', {}))).toBe('unknown');
    expect(proxyKindOf(undefined)).toBe('unknown');
  });

  it('a sidecar answers to the short forms of a service name, a gateway only to the names written', () => {
    const sidecar: ProxyContext = { kind: 'sidecar', namespace: 'bookinfo' };
    expect(authorityHosts('reviews:9080', sidecar)).toEqual(['reviews', 'reviews.bookinfo.svc.cluster.local']);
    expect(authorityHosts('reviews.bookinfo', sidecar)).toEqual(['reviews.bookinfo', 'reviews.bookinfo.svc.cluster.local']);
    expect(authorityHosts('reviews.bookinfo.svc:9080', sidecar)).toEqual(['reviews.bookinfo.svc', 'reviews.bookinfo.svc.cluster.local']);
    expect(authorityHosts('Bookinfo.Example.com', { kind: 'gateway' })).toEqual(['bookinfo.example.com']);
    expect(authorityHosts('reviews', { kind: 'gateway' })).toEqual(['reviews']);
  });
});

describe('applicable VirtualServices', () => {
  const gatewayPod = pod('istio-ingressgateway-5d9c8b6f7-kt2wz', 'istio-system', { labels: { istio: 'ingressgateway', app: 'istio-ingressgateway' }, containers: [{ name: 'istio-proxy', args: ROUTER_ARGS }] });
  const productpage = pod('productpage-v1-54bb874995-9xq7d', 'bookinfo', { labels: { app: 'productpage' }, containers: [{ name: 'productpage' }, { name: 'istio-proxy', args: SIDECAR_ARGS }] });
  const sleep = pod('sleep-9454cc476-qv8fz', 'default', { labels: { app: 'sleep' }, containers: [{ name: 'sleep' }, { name: 'istio-proxy', args: SIDECAR_ARGS }] });
  const edge = vs('bookinfo', 'bookinfo', { hosts: ['bookinfo.example.com'], gateways: ['bookinfo-gateway'], http: [{ match: [{ uri: { exact: '/productpage' } }] }] });
  const both = vs('api', 'bookinfo', { hosts: ['*.example.com'], gateways: ['bookinfo-gateway', 'mesh'], http: [{ match: [{ uri: { prefix: '/api' } }] }] });
  const reviews = vs('reviews', 'bookinfo', { hosts: ['reviews'], http: [{ match: [{ uri: { prefix: '/reviews' } }] }] });
  const local = vs('ratings', 'bookinfo', { hosts: ['ratings'], exportTo: ['.'], http: [{ match: [{ uri: { prefix: '/ratings' } }] }] });
  const other = vs('shop', 'shop', { hosts: ['shop.example.com'], gateways: ['shop/shop-gateway'], http: [{ match: [{ uri: { prefix: '/' } }] }] });
  const resources = [edge, both, reviews, local, other, gateway('bookinfo-gateway', 'bookinfo', ['bookinfo.example.com', 'api.example.com']), gateway('shop-gateway', 'shop', ['shop.example.com'], { istio: 'shopgateway' })];
  const index = buildConfigIndex(resources, [gatewayPod, productpage, sleep]);
  const names = (authority: string, proxy: ProxyContext) => applicableVirtualServices(index, authority, proxy).map((a) => `${a.record.object.metadata.name}:${a.binding}${a.assumed ? '?' : ''}`);
  const at = (p: ResourceRecord) => proxyContext(index, p.object.metadata.namespace as string, p);

  it('at a gateway: VirtualServices bound to a Gateway that selects the pod, whose servers admit the host', () => {
    expect(at(gatewayPod).gateways).toEqual(new Set(['bookinfo/bookinfo-gateway']));
    expect(names('bookinfo.example.com', at(gatewayPod))).toEqual(['bookinfo:gateway']);
    expect(names('bookinfo.example.com:80', at(gatewayPod))).toEqual(['bookinfo:gateway']); // port stripped
    expect(names('BOOKINFO.example.com', at(gatewayPod))).toEqual(['bookinfo:gateway']); // DNS names are case-insensitive
    expect(names('api.example.com', at(gatewayPod))).toEqual(['api:gateway']); // wildcard host
    expect(names('shop.example.com', at(gatewayPod))).toEqual([]); // bound to a Gateway that selects other pods
    expect(names('other.example.com', at(gatewayPod))).toEqual([]); // the Gateway's servers do not admit it
    expect(names('reviews', at(gatewayPod))).toEqual([]); // mesh-only VirtualService
  });

  it('at a sidecar: mesh-bound VirtualServices, short names resolved in their namespace, exportTo respected', () => {
    expect(names('reviews:9080', at(productpage))).toEqual(['reviews:mesh']);
    expect(names('reviews.bookinfo.svc.cluster.local', at(productpage))).toEqual(['reviews:mesh']);
    expect(names('reviews.bookinfo:9080', at(productpage))).toEqual(['reviews:mesh']);
    expect(names('reviews.bookinfo.svc.cluster.local:9080', at(sleep))).toEqual(['reviews:mesh']);
    expect(names('reviews:9080', at(sleep))).toEqual([]); // `reviews` from `default` is reviews.default
    expect(names('ratings:9080', at(productpage))).toEqual(['ratings:mesh']);
    expect(names('ratings.bookinfo:9080', at(sleep))).toEqual([]); // exportTo: ["."]
    expect(names('bookinfo.example.com', at(productpage))).toEqual(['api:mesh']); // the gateway-only one does not apply; the wildcard one does
    expect(names('api.example.com', at(productpage))).toEqual(['api:mesh']);
  });

  it('the most specific host wins: exact before wildcard', () => {
    const exact = vs('exact', 'bookinfo', { hosts: ['api.example.com'], http: [{ match: [{ uri: { prefix: '/v2' } }] }] });
    const idx = buildConfigIndex([exact, both], [productpage]);
    const sidecar = proxyContext(idx, 'bookinfo', productpage);
    expect(applicableVirtualServices(idx, 'api.example.com', sidecar).map((a) => a.record.object.metadata.name)).toEqual(['exact']);
    expect(applicableVirtualServices(idx, 'www.example.com', sidecar).map((a) => a.record.object.metadata.name)).toEqual(['api']);
  });

  it('a proxy the bundle does not describe: both bindings, marked assumed', () => {
    const unknown = proxyContext(index, 'istio-system', undefined);
    expect(unknown.kind).toBe('unknown');
    expect(names('bookinfo.example.com', unknown)).toEqual(['bookinfo:gateway?']);
    expect(names('api.example.com', unknown)).toEqual(['api:gateway?']);
    expect(names('reviews.bookinfo.svc.cluster.local', unknown)).toEqual(['reviews:mesh?']);
  });

  it('a gateway pod while the bundle has no Gateway resources: the binding is assumed', () => {
    const idx = buildConfigIndex([edge], [gatewayPod]);
    const gw = proxyContext(idx, 'istio-system', gatewayPod);
    expect(gw.gateways).toBeUndefined();
    expect(applicableVirtualServices(idx, 'bookinfo.example.com', gw).map((a) => [a.binding, a.assumed])).toEqual([['gateway', true]]);
  });
});

describe('near misses', () => {
  const index = buildConfigIndex([], []);
  const gw: ProxyContext = { kind: 'gateway', namespace: 'istio-system', gateways: new Set(['bookinfo/g']) };
  const service = (http: unknown[]) => vs('bookinfo', 'bookinfo', { hosts: ['bookinfo.example.com'], gateways: ['g'], http });
  const miss = (http: unknown[], request: HttpRequest, proxy: ProxyContext = gw) => nearMiss([{ record: service(http), host: 'bookinfo.example.com', binding: 'gateway', assumed: false }], request, proxy, index);
  const fix = (match: Record<string, unknown>, reasons: NearMissReason[]) => correctedMatch(match, reasons);

  it('letter case: /API/v1 against exact: /api/v1 → ignoreUriCase: true', () => {
    const m = miss([{ match: [{ uri: { exact: '/api/v1' } }] }], req('/API/v1'))!;
    expect(m).toMatchObject({ ruleIndex: 0, matchIndex: 0, matchPointer: '/spec/http/0/match/0', fieldPointer: '/uri', reason: { field: 'uri', relax: { ignoreCase: true, trailingSlash: false, subPaths: false } } });
    const corrected = fix({ uri: { exact: '/api/v1' } }, [m.reason]);
    expect(corrected).toEqual({ uri: { exact: '/api/v1' }, ignoreUriCase: true });
    expect(outcome(corrected, req('/API/v1'))).toBe('match');
  });

  it('exact vs prefix: /api/v1/users against exact: /api/v1 → prefix: /api/v1', () => {
    const m = miss([{ match: [{ uri: { exact: '/api/v1' } }] }], req('/api/v1/users'))!;
    expect(m.reason).toMatchObject({ field: 'uri', relax: { subPaths: true, ignoreCase: false, trailingSlash: false } });
    expect(fix({ uri: { exact: '/api/v1' } }, [m.reason])).toEqual({ uri: { prefix: '/api/v1' } });
  });

  it('trailing slash: /api/v1/ against exact: /api/v1 → a regex allowing it', () => {
    const m = miss([{ match: [{ uri: { exact: '/api/v1' } }] }], req('/api/v1/'))!;
    expect(m.reason).toMatchObject({ field: 'uri', relax: { trailingSlash: true, ignoreCase: false, subPaths: false } });
    const corrected = fix({ uri: { exact: '/api/v1' } }, [m.reason]);
    expect(corrected).toEqual({ uri: { regex: '/api/v1/?' } });
    expect(outcome(corrected, req('/api/v1/'))).toBe('match');
    expect(outcome(corrected, req('/api/v1'))).toBe('match');
    expect(outcome(corrected, req('/api/v1/users'))).toBe('fail');
  });

  it('trailing slash the other way: /api/v1 against prefix: /api/v1/', () => {
    expect(uriNearMiss({ uri: { prefix: '/api/v1/' } }, '/api/v1')).toEqual({ ignoreCase: false, trailingSlash: true, subPaths: false });
    const corrected = fix({ uri: { prefix: '/api/v1/' } }, [{ field: 'uri', relax: { ignoreCase: false, trailingSlash: true, subPaths: false }, match: { type: 'prefix', value: '/api/v1/' }, path: '/api/v1' }]);
    expect(corrected).toEqual({ uri: { regex: '/api/v1(/.*)?' } });
    expect(outcome(corrected, req('/api/v1'))).toBe('match');
    expect(outcome(corrected, req('/api/v1/x'))).toBe('match');
    expect(outcome(corrected, req('/api/v1x'))).toBe('fail');
  });

  it('letter case and a sub-path at once: prefix with ignoreUriCase', () => {
    const relax = uriNearMiss({ uri: { exact: '/api/v1' } }, '/API/v1/users');
    expect(relax).toEqual({ ignoreCase: true, trailingSlash: false, subPaths: true });
  });

  it('a regex: letter case becomes (?i), since ignoreUriCase does not reach regex', () => {
    const m = miss([{ match: [{ uri: { regex: '/api/v[0-9]+' } }] }], req('/API/v2'))!;
    const corrected = fix({ uri: { regex: '/api/v[0-9]+' } }, [m.reason]);
    expect(corrected).toEqual({ uri: { regex: '(?i)/api/v[0-9]+' } });
    expect(outcome(corrected, req('/API/v2'))).toBe('match');
  });

  it('not near: another path entirely, or a string prefix that is not a path segment', () => {
    expect(miss([{ match: [{ uri: { prefix: '/productpage' } }, { uri: { prefix: '/static' } }] }], req('/wp-login.php'))).toBeUndefined();
    expect(miss([{ match: [{ uri: { exact: '/api' } }] }], req('/apiorders'))).toBeUndefined();
    expect(uriNearMiss({ uri: { exact: '/api' } }, '/apiorders')).toBeUndefined();
  });

  it('two failing conditions are not a near miss', () => {
    expect(miss([{ match: [{ uri: { exact: '/api/v1' }, method: { exact: 'POST' } }] }], req('/API/v1'))).toBeUndefined();
  });

  it('a request some rule matches, or a catch-all rule: no near miss (the proxy did not have these routes)', () => {
    expect(miss([{ match: [{ uri: { exact: '/api/v1' } }] }], req('/api/v1'))).toBeUndefined();
    expect(miss([{ match: [{ uri: { exact: '/api' } }] }, { route: [] }], req('/api/x'))).toBeUndefined();
  });

  it('the method: exact: POST against GET → a regex accepting both', () => {
    const m = miss([{ match: [{ uri: { exact: '/api/v1' }, method: { exact: 'POST' } }] }], req('/api/v1'))!;
    expect(m).toMatchObject({ fieldPointer: '/method', reason: { field: 'method', actual: 'GET' } });
    expect(fix({ uri: { exact: '/api/v1' }, method: { exact: 'POST' } }, [m.reason])).toEqual({ uri: { exact: '/api/v1' }, method: { regex: 'POST|GET' } });
  });

  it('the port: port 9080 against requests to 9090 → the match without port', () => {
    const sidecar: ProxyContext = { kind: 'sidecar', namespace: 'bookinfo' };
    const m = miss([{ match: [{ uri: { prefix: '/reviews' }, port: 9080 }] }], req('/reviews/1', { authority: 'reviews:9090', port: 9090 }), sidecar)!;
    expect(m).toMatchObject({ fieldPointer: '/port', reason: { field: 'port', wanted: 9080, actual: 9090 } });
    expect(fix({ uri: { prefix: '/reviews' }, port: 9080 }, [m.reason])).toEqual({ uri: { prefix: '/reviews' } });
  });

  it('a header the log cannot show, when everything else matches: a deduced near miss, ranked after certain ones', () => {
    const headerOnly = [{ match: [{ uri: { prefix: '/reviews' }, headers: { 'end-user': { exact: 'jason' } } }] }];
    const m = miss(headerOnly, req('/reviews/1'))!;
    expect(m).toMatchObject({ fieldPointer: '/headers/end-user', reason: { field: 'headers', name: 'end-user', deduced: true } });
    expect(fix(headerOnly[0]!.match[0]!, [m.reason])).toEqual({ uri: { prefix: '/reviews' } });
    const withCertain = [...headerOnly, { match: [{ uri: { exact: '/Reviews/1' } }] }];
    expect(miss(withCertain, req('/reviews/1'))).toMatchObject({ ruleIndex: 1, reason: { field: 'uri' } });
  });

  it('a uri near miss while a header is unknown: reported, with the header listed as assumed', () => {
    const m = miss([{ match: [{ uri: { exact: '/api/v1' }, headers: { 'x-tenant': { exact: 'a' } } }] }], req('/API/v1'))!;
    expect(m.reason.field).toBe('uri');
    expect(m.unknown.map((c) => c.pointer)).toEqual(['/headers/x-tenant']);
  });

  it('the first near match in rule order wins among equals', () => {
    const m = miss([{ match: [{ uri: { exact: '/a' } }, { uri: { exact: '/API' } }] }, { match: [{ uri: { exact: '/Api' } }] }], req('/api'))!;
    expect([m.ruleIndex, m.matchIndex]).toEqual([0, 1]);
  });

  it('one corrected match covers several paths: a trailing slash and sub-paths make a prefix', () => {
    const match = { uri: { exact: '/api/v1' } };
    const reasons = ['/api/v1/', '/api/v1/users'].map((p) => ({ field: 'uri', relax: uriNearMiss(match, p)!, match: { type: 'exact', value: '/api/v1' }, path: p }) as NearMissReason);
    const corrected = fix(match, reasons);
    expect(corrected).toEqual({ uri: { prefix: '/api/v1' } });
    for (const p of ['/api/v1/', '/api/v1/users', '/api/v1']) expect(outcome(corrected, req(p))).toBe('match');
  });
});

describe('route regexes are RE2, matched in linear time', () => {
  it('answers a catastrophic-backtracking pattern on a hostile path at once (a backtracking RegExp would hang)', async () => {
    const { stringMatches } = await import('../../src/analysis/http-routing/string-match.js');
    expect(stringMatches({ regex: '/(a+)+' }, `/${'a'.repeat(5000)}!`)).toBe(false);
    expect(stringMatches({ regex: '/(a+)+' }, `/${'a'.repeat(5000)}`)).toBe(true);
  });
});
