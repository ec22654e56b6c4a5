import { describe, expect, it } from 'vitest';
import { compareReleases, endOfLife, ISTIO_RELEASES, minorOf } from '../../src/rules/control-plane/istio-releases.js';

describe('Istio release table', () => {
  it('reads a release down to its minor, and knows its end of life', () => {
    expect(minorOf('1.24.3')).toEqual([1, 24]);
    expect(minorOf('1.27.0-beta.1')).toEqual([1, 27]);
    expect(minorOf('latest')).toBeUndefined();
    expect(endOfLife('1.24.3')).toEqual({ date: '2025-06-24', exact: true });
    expect(endOfLife('1.22.0')).toEqual({ date: '2025-01-22', exact: true });
    expect(endOfLife('1.10.6')).toEqual({ date: '2022-01-07', exact: true });
  });

  it('dates a minor older than the table no later than the oldest it lists, and never guesses a newer one', () => {
    expect(endOfLife('1.9.9')).toEqual({ date: '2022-01-07', exact: false });
    expect(endOfLife('1.1.17')).toEqual({ date: '2022-01-07', exact: false });
    expect(endOfLife('0.8.0')).toEqual({ date: '2022-01-07', exact: false });
    expect(endOfLife('1.99.0')).toBeUndefined();
    expect(endOfLife('2.0.0')).toBeUndefined();
    expect(endOfLife('latest')).toBeUndefined();
  });

  it('orders releases by their numbers, not as text', () => {
    expect(['1.10.4', '1.9.8', '1.24.3', '1.24.10', '1.8.6'].sort(compareReleases)).toEqual(['1.8.6', '1.9.8', '1.10.4', '1.24.3', '1.24.10']);
    expect(['1.24.3-distroless', '1.24.3', '1.24'].sort(compareReleases)).toEqual(['1.24', '1.24.3', '1.24.3-distroless']);
    expect(compareReleases('v1.22.1', '1.22.1')).toBeGreaterThan(0);
    expect(compareReleases('1.22.1', '1.22.1')).toBe(0);
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

  it('dates each minor on a real day, one minor about every quarter (Istio ships four a year)', () => {
    const day = 24 * 3600 * 1000;
    for (const r of ISTIO_RELEASES) {
      for (const date of [r.released, r.endOfLife]) expect(new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10)).toBe(date);
    }
    ISTIO_RELEASES.slice(1).forEach((older, i) => {
      const gap = (Date.parse(ISTIO_RELEASES[i]!.released) - Date.parse(older.released)) / day;
      expect(gap, `${older.minor} → ${ISTIO_RELEASES[i]!.minor}`).toBeGreaterThan(45);
      expect(gap, `${older.minor} → ${ISTIO_RELEASES[i]!.minor}`).toBeLessThan(200);
    });
  });
});

