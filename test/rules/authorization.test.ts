import { describe, expect, it } from 'vitest';
import type { ResourceRecord } from '../../src/model/facets.js';
import { callerAdmitted, namedPolicy } from '../../src/rules/sidecar-logs/authorization.js';

// Rule shapes from https://istio.io/latest/docs/reference/config/security/authorization-policy/.
const policy = (rules: unknown[]): ResourceRecord => ({ object: { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'p', namespace: 'foo' }, spec: { action: 'ALLOW', rules } } as ResourceRecord['object'], source: { path: 'p.json' } });
const caller = { ip: '10.0.0.1', principal: 'cluster.local/ns/bookinfo/sa/productpage', namespace: 'bookinfo' };
const from = (source: Record<string, unknown>) => ({ from: [{ source }] });

describe('whether an ALLOW policy admits the caller (its `from` only)', () => {
  it.each([
    ['exact principal', [from({ principals: ['cluster.local/ns/bookinfo/sa/productpage'] })], 'admits'],
    ['another principal', [from({ principals: ['cluster.local/ns/bookinfo/sa/reviews'] })], 'excludes'],
    ['prefix wildcard', [from({ principals: ['cluster.local/ns/bookinfo/*'] })], 'admits'],
    ['suffix wildcard', [from({ principals: ['*/sa/productpage'] })], 'admits'],
    ['suffix wildcard, other account', [from({ principals: ['*/sa/reviews'] })], 'excludes'],
    ['"*" alone', [from({ principals: ['*'] })], 'admits'],
    ['namespace listed', [from({ namespaces: ['bookinfo'] })], 'admits'],
    ['namespace not listed', [from({ namespaces: ['foo'] })], 'excludes'],
    ['notNamespaces excludes it', [from({ notNamespaces: ['bookinfo'] })], 'excludes'],
    ['notPrincipals excludes another', [from({ notPrincipals: ['cluster.local/ns/bookinfo/sa/reviews'] })], 'admits'],
    ['fields of one source are ANDed', [from({ principals: ['cluster.local/ns/bookinfo/sa/productpage'], namespaces: ['foo'] })], 'excludes'],
    ['sources are ORed', [{ from: [{ source: { namespaces: ['foo'] } }, { source: { namespaces: ['bookinfo'] } }] }], 'admits'],
    ['a rule without from admits every source', [{ to: [{ operation: { methods: ['GET'] } }] }], 'admits'],
    ['ipBlocks cannot be judged from an identity', [from({ ipBlocks: ['10.0.0.0/8'] })], 'unknown'],
    ['JWT request principals neither', [from({ requestPrincipals: ['*'] })], 'unknown'],
    ['no rules: the policy admits nothing', [], 'excludes'],
  ])('%s', (_label, rules, verdict) => {
    expect(callerAdmitted(policy(rules), caller).verdict).toBe(verdict);
  });

  it('names the admitting rule and lists every principal the policy names', () => {
    const result = callerAdmitted(policy([from({ principals: ['a'] }), from({ principals: ['cluster.local/ns/bookinfo/sa/productpage'] })]), caller);
    expect(result).toEqual({ verdict: 'admits', rule: 1, principals: ['a', 'cluster.local/ns/bookinfo/sa/productpage'] });
  });
});

describe('the policy Envoy names in rbac_access_denied_matched_policy[…]', () => {
  it('reads namespace, name and rule; anything else is not a named policy', () => {
    expect(namedPolicy('ns[starfleet]-policy[probe-deny-status]-rule[0]')).toEqual({ namespace: 'starfleet', name: 'probe-deny-status', rule: 0 });
    expect(namedPolicy('no ALLOW policy matched (policy[none])')).toBeUndefined();
  });
});
