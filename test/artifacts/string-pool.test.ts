import { describe, expect, it } from 'vitest';
import { StringPool } from '../../src/artifacts/entry/string-pool.js';

describe('StringPool', () => {
  it('gives back the first copy of a string, in nested summaries too', () => {
    const pool = new StringPool();
    const first = pool.internAll({ name: ['outbound|9080||', 'reviews'].join(''), tags: [['a', 'b'].join('')] });
    const second = pool.internAll({ name: ['outbound|9080|', '|reviews'].join(''), tags: [['a', 'b'].join('')], count: 3 });
    expect(second).toEqual({ name: 'outbound|9080||reviews', tags: ['ab'], count: 3 });
    // Same content either way; the pool's job is that both point at one string (not observable in JS but through it):
    expect(pool.intern('outbound|9080||reviews')).toBe(first.name);
  });

  it('keeps at most its cap of distinct strings, and still returns every string unchanged past it', () => {
    const pool = new StringPool(2);
    expect(['a', 'b', 'c'].map((s) => pool.intern(s))).toEqual(['a', 'b', 'c']);
    expect((pool as unknown as { strings: Map<string, string> }).strings.size).toBe(2);
  });
});
