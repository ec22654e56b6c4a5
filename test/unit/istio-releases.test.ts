import { describe, expect, it } from 'vitest';
import { endOfLife, ISTIO_RELEASES, minorOf } from '../../src/rules/control-plane/istio-releases.js';

describe('Istio release table', () => {
  it('reads a release down to its minor, and knows its end of life', () => {
    expect(minorOf('1.24.3')).toEqual([1, 24]);
    expect(minorOf('1.27.0-beta.1')).toEqual([1, 27]);
    expect(minorOf('latest')).toBeUndefined();
    expect(endOfLife('1.24.3')).toBe('2025-06-24');
    expect(endOfLife('1.22.0')).toBe('2025-01-22');
  });

  it('says nothing about releases it does not list', () => {
    expect(endOfLife('1.99.0')).toBeUndefined();
    expect(endOfLife('1.9.9')).toBeUndefined();
  });

  it('is ordered newest first, each minor supported for a while after its release', () => {
    const minors = ISTIO_RELEASES.map((r) => minorOf(r.minor)![1]);
    expect(minors).toEqual([...minors].sort((a, b) => b - a));
    for (const r of ISTIO_RELEASES) expect(r.endOfLife > r.released).toBe(true);
    // Supported until 6 weeks after the N+2 minor: every end of life falls after the release two minors later.
    ISTIO_RELEASES.forEach((r, i) => {
      const twoLater = ISTIO_RELEASES[i - 2];
      if (twoLater) expect(r.endOfLife > twoLater.released).toBe(true);
    });
  });
});
