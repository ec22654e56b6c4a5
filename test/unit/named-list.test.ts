// namedList: how findings name a few of many (policies, proxies, callers) and count the rest.
import { describe, expect, it } from 'vitest';
import { namedList } from '../../src/rules/evidence.js';

const proxies = ['productpage-v1-6b746f74dc-8xk2r.bookinfo', 'reviews-v1-5b5d6494f4-8fwlm.bookinfo', 'ratings-v1-686ccfb5d8-wq4mv.bookinfo'];
const code = (name: string) => `\`${name}\``;

describe('namedList', () => {
  it('names every item up to the limit, with no count', () => {
    expect(namedList(proxies, 3, code)).toBe('`productpage-v1-6b746f74dc-8xk2r.bookinfo`, `reviews-v1-5b5d6494f4-8fwlm.bookinfo`, `ratings-v1-686ccfb5d8-wq4mv.bookinfo`');
    expect(namedList(proxies.slice(0, 1), 3, code)).toBe('`productpage-v1-6b746f74dc-8xk2r.bookinfo`');
    expect(namedList([], 3, code)).toBe('');
  });

  it('past the limit names the first ones, in order, and counts the rest', () => {
    expect(namedList(proxies, 2, code)).toBe('`productpage-v1-6b746f74dc-8xk2r.bookinfo`, `reviews-v1-5b5d6494f4-8fwlm.bookinfo` and 1 more');
    expect(namedList(proxies, 1, code)).toBe('`productpage-v1-6b746f74dc-8xk2r.bookinfo` and 2 more');
  });

  it('gives each item to the formatter', () => {
    const rows = [{ id: 'a', n: 1 }, { id: 'b', n: 2 }];
    expect(namedList(rows, 5, (r) => `${r.id} (${r.n})`)).toBe('a (1), b (2)');
  });
});
