import { describe, expect, it } from 'vitest';
import { istiodKey, pairUp, proxyWorkloadKey, splitDotted, splitNamespaced } from '../../src/diff/identity.js';
import { durationText, signedPercent } from '../../src/diff/units.js';

describe('diff identities', () => {
  it('strip the ReplicaSet and pod hash as the analyzer does', () => {
    expect(proxyWorkloadKey('bookinfo', 'productpage-v1-54bb874995-9xq7d')).toBe('bookinfo/productpage-v1');
    expect(proxyWorkloadKey('shop', 'standalone')).toBe('shop/standalone');
    expect(istiodKey('istio-system', 'istiod-1-22-3-7c4d8d6d7b-9mzt4')).toBe('istio-system/istiod-1-22-3');
    expect(splitNamespaced('shop/checkout-6d9f7c7b5-k2x8p')).toEqual({ namespace: 'shop', pod: 'checkout-6d9f7c7b5-k2x8p' });
    expect(splitNamespaced('proxies/shop/x/stats.txt')).toBeUndefined();
    expect(splitDotted('checkout-6d9f7c7b5-k2x8p.shop')).toEqual({ namespace: 'shop', pod: 'checkout-6d9f7c7b5-k2x8p' });
  });

  it('pair the same pod first, then the one pod left per workload (a restart); replicas that cannot be told apart stay unpaired', () => {
    const item = (key: string, pod: string) => ({ key, pod, value: pod });
    const pairs = pairUp(
      [item('a/web', 'web-1'), item('a/api', 'api-old'), item('a/db', 'db-1'), item('a/db', 'db-2')],
      [item('a/web', 'web-1'), item('a/api', 'api-new'), item('a/db', 'db-3'), item('a/db', 'db-4'), item('a/new', 'new-1')],
    );
    expect(pairs.map((p) => `${p.key} ${p.before?.pod ?? '-'}→${p.after?.pod ?? '-'}${p.restarted ? ' restarted' : ''}`)).toEqual([
      'a/api api-old→api-new restarted',
      'a/db db-1→-',
      'a/db db-2→-',
      'a/db -→db-3',
      'a/db -→db-4',
      'a/new -→new-1',
      'a/web web-1→web-1',
    ]);
  });

  it('write durations and shares as the report does', () => {
    expect(durationText(4 * 3600)).toBe('4 h');
    expect(durationText(26 * 3600 + 300)).toBe('1 d 2 h');
    expect(durationText(2 * 3600 + 300)).toBe('2 h 5 min');
    expect(signedPercent(0.2)).toBe('+20 %');
    expect(signedPercent(-0.035)).toBe('-3.5 %');
  });
});
