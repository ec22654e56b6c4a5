import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { conformance } from '../../scripts/conformance/grid.js';
import { unreachableRulesAnalyzer } from '../../src/analysis/analyzers/virtualservice-unreachable-rules.js';
import { buildConfigIndex } from '../../src/analysis/config-index.js';
import { readKubernetesObjects } from '../../src/artifacts/k8s/documents.js';
import type { KubernetesObject } from '../../src/artifacts/k8s/resource-schema.js';
import type { ResourceRecord } from '../../src/model/facets.js';

/** A VirtualService as `kubectl get -o yaml` prints it, read the way the bundle reader reads one. */
function virtualService(name: string, spec: Record<string, unknown>, namespace = 'shop'): ResourceRecord {
  const text = stringify({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name, namespace }, spec });
  const [located] = readKubernetesObjects(text);
  return { object: located!.object as KubernetesObject, source: { path: 'istio/resources/virtualservices.yaml', line: 1 } };
}

function analyze(...resources: ResourceRecord[]) {
  return unreachableRulesAnalyzer.analyze(buildConfigIndex(resources, []));
}

const route = (host: string, subset?: string) => [{ destination: { host, ...(subset ? { subset } : {}) } }];
const summary = (resources: ResourceRecord[]) => analyze(...resources).map((m) => `${m.code} ${m.field}`);

describe('schema.ValidationAnalyzer.VirtualService: IST0130 and IST0131 on Istio’s grid', () => {
  it('matches every expected message of case #63 (dupmatches), none missed, none extra', () => {
    const rows = conformance([unreachableRulesAnalyzer]);
    expect(rows.map((r) => r.code)).toEqual(['IST0130', 'IST0131']);
    for (const row of rows) {
      expect(row.cases).toBe(1);
      expect(row.missed).toEqual([]);
      expect(row.extra).toEqual([]);
      expect(row.matched).toBe(row.expected);
    }
    expect(rows.find((r) => r.code === 'IST0130')!.expected).toBe(5);
    expect(rows.find((r) => r.code === 'IST0131')!.expected).toBe(10);
  });
});

describe('duplicate matches', () => {
  it('a rule whose only match repeats an earlier one: IST0131 on the match and IST0130 on the rule, named as Istio names them', () => {
    const vs = virtualService('reviews', {
      hosts: ['reviews'],
      http: [
        { name: 'v2-for-jason', match: [{ name: 'jason', headers: { 'end-user': { exact: 'jason' } }, uri: { prefix: '/reviews' } }], route: route('reviews', 'v2') },
        { match: [{ uri: { prefix: '/ratings' } }], route: route('ratings') },
        // Same conditions, other key order and another match name: still the same match.
        { name: 'v3-for-jason', match: [{ uri: { prefix: '/reviews' }, headers: { 'end-user': { exact: 'jason' } } }], route: route('reviews', 'v3') },
        { route: route('reviews', 'v1') },
      ],
    });
    const messages = analyze(vs);
    expect(messages.map((m) => `${m.code} ${m.field}`)).toEqual(['IST0131 /spec/http/2/match/0', 'IST0130 /spec/http/2']);
    const [ineffective, unreachable] = messages;
    expect(ineffective!.resource).toBe(vs);
    expect(ineffective!.text).toBe('http rule "v3-for-jason" match #0 is never used: it repeats match "jason" of http rule "v2-for-jason".');
    expect(ineffective!.details).toMatchObject({
      section: 'http',
      ruleIndex: 2,
      ruleName: 'v3-for-jason',
      matchIndex: 0,
      reason: 'duplicate',
      duplicateOf: [{ ruleIndex: 0, ruleName: 'v2-for-jason', matchIndex: 0, matchName: 'jason', field: '/spec/http/0/match/0' }],
      istioText: 'VirtualService rule "v3-for-jason" match #0 is not used (duplicate/overlapping match in rule "v2-for-jason").',
    });
    expect(unreachable!.text).toBe('http rule "v3-for-jason" is never used: each of its matches repeats a match of http rule "v2-for-jason".');
    expect(unreachable!.details).toMatchObject({ ruleIndex: 2, reason: 'all matches used by prior rules', duplicateOf: [{ ruleIndex: 0, matchIndex: 0 }] });
    expect(unreachable!.details.matchIndex).toBeUndefined();
  });

  it('an unnamed rule is named by its index; one new match keeps the rule reachable (IST0131 only)', () => {
    const vs = virtualService('catalog', {
      hosts: ['catalog'],
      http: [
        { match: [{ uri: { exact: '/items' } }], route: route('catalog', 'v1') },
        { match: [{ uri: { exact: '/items' } }, { uri: { exact: '/stock' } }], route: route('catalog', 'v2') },
      ],
    });
    const messages = analyze(vs);
    expect(messages.map((m) => `${m.code} ${m.field}`)).toEqual(['IST0131 /spec/http/1/match/0']);
    expect(messages[0]!.text).toBe('http rule #1 match #0 is never used: it repeats match #0 of http rule #0.');
  });

  it('unset, zero and empty fields equal absence, as in the JSON Istio compares', () => {
    const vs = virtualService('zeroes', {
      hosts: ['zeroes'],
      http: [
        { match: [{ uri: { prefix: '/a' } }], route: route('zeroes') },
        { match: [{ uri: { prefix: '/a' }, port: 0, ignoreUriCase: false, headers: {}, gateways: [] }], route: route('zeroes', 'v2') },
      ],
    });
    expect(summary([vs])).toEqual(['IST0131 /spec/http/1/match/0', 'IST0130 /spec/http/1']);
  });

  it('tcp and tls rules have no names: `#<index>`; the same port or SNI hosts repeat', () => {
    const tcp = virtualService('echo', {
      hosts: ['*'],
      gateways: ['echo-gateway'],
      tcp: [
        { match: [{ port: 31400 }], route: [{ destination: { host: 'echo', port: { number: 9000 } } }] },
        { match: [{ port: 31400 }], route: [{ destination: { host: 'echo', port: { number: 9001 } } }] },
      ],
    });
    const tls = virtualService('sni', {
      hosts: ['a.example.com'],
      tls: [
        { match: [{ port: 443, sniHosts: ['a.example.com'] }], route: route('a.example.com') },
        { match: [{ port: 443, sniHosts: ['a.example.com'] }], route: route('b.example.com') },
      ],
    });
    const messages = analyze(tcp, tls);
    expect(messages.map((m) => `${m.resource.object.metadata.name} ${m.code} ${m.field}`)).toEqual([
      'echo IST0131 /spec/tcp/1/match/0',
      'echo IST0130 /spec/tcp/1',
      'sni IST0131 /spec/tls/1/match/0',
      'sni IST0130 /spec/tls/1',
    ]);
    expect(messages[1]!.text).toBe('tcp rule #1 is never used: each of its matches repeats a match of tcp rule #0.');
  });

  it('trap: rules that differ only in method, or only in a header value, are not duplicates', () => {
    const methods = virtualService('methods', {
      hosts: ['api'],
      http: [
        { match: [{ uri: { prefix: '/orders' }, method: { exact: 'GET' } }], route: route('orders-read') },
        { match: [{ uri: { prefix: '/orders' }, method: { exact: 'POST' } }], route: route('orders-write') },
        // A longer prefix with another method is not covered either.
        { match: [{ uri: { prefix: '/orders/v2' }, method: { exact: 'PUT' } }], route: route('orders-write') },
      ],
    });
    const headers = virtualService('headers', {
      hosts: ['api'],
      http: [
        { match: [{ uri: { prefix: '/cart' }, headers: { 'end-user': { exact: 'alice' } } }], route: route('cart', 'v2') },
        { match: [{ uri: { prefix: '/cart' }, headers: { 'end-user': { exact: 'bob' } } }], route: route('cart', 'v3') },
        { match: [{ uri: { prefix: '/cart/items' }, headers: { 'end-user': { exact: 'carol' } } }], route: route('cart', 'v4') },
        // A header the earlier rules do not test is another condition, not a repeat.
        { match: [{ uri: { prefix: '/cart' }, headers: { 'x-canary': { exact: 'true' } } }], route: route('cart', 'v5') },
      ],
    });
    expect(analyze(methods, headers)).toEqual([]);
  });

  it('trap: `regex` and `prefix` (or `exact`) with the same string are different matches', () => {
    const vs = virtualService('kinds', {
      hosts: ['kinds'],
      http: [
        { match: [{ uri: { prefix: '/api' } }], route: route('kinds', 'v1') },
        { match: [{ uri: { regex: '/api' } }], route: route('kinds', 'v2') },
        { match: [{ uri: { exact: '/api' } }], route: route('kinds', 'v3') },
      ],
    });
    expect(analyze(vs)).toEqual([]);
  });
});

describe('rules after a rule without match', () => {
  it('trap: a second http rule without match, after a catch-all, is unreachable (IST0130 on the rule)', () => {
    const vs = virtualService('fallbacks', {
      hosts: ['fallbacks'],
      http: [{ fault: { delay: { fixedDelay: '5s', percentage: { value: 100 } } }, route: route('fallbacks') }, { name: 'mirror', route: route('fallbacks', 'v1') }],
    });
    const messages = analyze(vs);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      code: 'IST0130',
      field: '/spec/http/1',
      text: 'http rule "mirror" is never used: it has no match, but http rule #0 before it has none either and already takes all traffic (only the last rule may leave out match).',
      details: { ruleIndex: 1, ruleName: 'mirror', reason: 'only the last rule can have no matches', duplicateOf: [{ ruleIndex: 0, field: '/spec/http/0' }] },
    });
  });

  it('a rule with matches after the catch-all is unreachable once, whatever its matches', () => {
    const vs = virtualService('scout', {
      hosts: ['scout'],
      http: [
        { route: route('scout', 'v1') },
        { name: 'jason', match: [{ headers: { 'end-user': { exact: 'jason' } } }, { uri: { prefix: '/beta' } }], route: route('scout', 'v2') },
      ],
    });
    const messages = analyze(vs);
    expect(messages.map((m) => `${m.code} ${m.field}`)).toEqual(['IST0130 /spec/http/1']);
    expect(messages[0]!.text).toBe('http rule "jason" is never used: http rule #0 before it has no match and takes all traffic.');
    expect(messages[0]!.details).toMatchObject({ reason: 'route without matches defined before', istioText: 'VirtualService rule "jason" not used (route without matches defined before).' });
  });

  it('no message: the catch-all is the last rule, and the sections are apart (a tcp rule does not shadow an http rule)', () => {
    const vs = virtualService('ordered', {
      hosts: ['ordered'],
      http: [
        { match: [{ headers: { 'end-user': { exact: 'jason' } } }], route: route('ordered', 'v2') },
        { match: [{ uri: { prefix: '/beta' } }], route: route('ordered', 'v3') },
        { route: route('ordered', 'v1') },
      ],
      tcp: [{ route: [{ destination: { host: 'ordered', port: { number: 9000 } } }] }],
    });
    expect(analyze(vs)).toEqual([]);
  });
});

describe('overlapping prefixes (http)', () => {
  it('an earlier shorter prefix with the same conditions covers a later longer one: IST0131 on the later match', () => {
    const vs = virtualService('products', {
      hosts: ['products'],
      http: [
        { name: 'product', match: [{ uri: { prefix: '/api/v1/product' }, method: { exact: 'GET' } }], route: route('products', 'v1') },
        { name: 'products', match: [{ uri: { prefix: '/api/v1/products' }, method: { exact: 'GET' } }], route: route('products', 'v2') },
      ],
    });
    const messages = analyze(vs);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      code: 'IST0131',
      field: '/spec/http/1/match/0',
      text: 'http rule "products" match #0 (uri prefix `/api/v1/products`) is never used: match #0 of http rule "product" (uri prefix `/api/v1/product`) comes first and covers it.',
      details: { ruleIndex: 1, matchIndex: 0, reason: 'overlap', prefix: '/api/v1/products', coveringPrefix: '/api/v1/product', duplicateOf: [{ ruleIndex: 0, matchIndex: 0 }] },
    });
    // A rule keeps one match that is not covered, so it stays reachable: no IST0130.
    expect(messages.some((m) => m.code === 'IST0130')).toBe(false);
  });

  it('no message: the longer prefix comes first, or the port differs', () => {
    const longerFirst = virtualService('longer-first', {
      hosts: ['products'],
      http: [
        { match: [{ uri: { prefix: '/api/v1/products' } }], route: route('products', 'v2') },
        { match: [{ uri: { prefix: '/api/v1/product' } }], route: route('products', 'v1') },
      ],
    });
    const ports = virtualService('ports', {
      hosts: ['products'],
      http: [
        { match: [{ uri: { prefix: '/api' }, port: 8080 }], route: route('products', 'v1') },
        { match: [{ uri: { prefix: '/api/v2' }, port: 9090 }], route: route('products', 'v2') },
      ],
    });
    expect(analyze(longerFirst, ports)).toEqual([]);
  });
});

describe('defensive reads', () => {
  it('ignores a VirtualService without spec, null rules and non-list sections', () => {
    const noSpec: ResourceRecord = { object: { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'empty', namespace: 'shop' } } as KubernetesObject, source: { path: 'x.yaml' } };
    const odd = virtualService('odd', { hosts: ['odd'], http: [null, { match: [{ uri: { prefix: '/a' } }], route: route('odd') }], tcp: 'not-a-list' });
    expect(analyze(noSpec, odd)).toEqual([]);
  });

  it('orders messages by namespace, then name, whatever the input order', () => {
    const dup = { hosts: ['x'], tcp: [{ match: [{ port: 1 }], route: route('x') }, { match: [{ port: 1 }], route: route('x') }] };
    const names = (resources: ResourceRecord[]) => [...new Set(analyze(...resources).map((m) => `${m.resource.object.metadata.namespace}/${m.resource.object.metadata.name}`))];
    const resources = [virtualService('b', dup, 'web'), virtualService('a', dup, 'web'), virtualService('z', dup, 'api')];
    expect(names(resources)).toEqual(['api/z', 'web/a', 'web/b']);
  });
});
