import { describe, expect, it } from 'vitest';
import { goDurationSeconds, pushDebounceDelay } from '../../src/artifacts/logs/push-debounce.js';
import { LogScanner } from '../../src/artifacts/logs/scanner.js';
import { fixtureLines } from './helpers.js';

function scanIstiod(lines: string[]) {
  const scanner = new LogScanner('discovery');
  lines.forEach((line, i) => scanner.line(line, i + 1));
  return scanner.finish();
}

describe('istiod push delays (`Push debounce stable[…] … since last push`)', () => {
  it('reads Go durations as %v prints them', () => {
    expect(goDurationSeconds('100.906602ms')).toBeCloseTo(0.1009066, 6);
    expect(goDurationSeconds('10.000131s')).toBeCloseTo(10.000131, 6);
    expect(goDurationSeconds('1m2.5s')).toBe(62.5);
    expect(goDurationSeconds('750µs')).toBeCloseTo(0.00075, 9);
    expect(goDurationSeconds('0s')).toBe(0);
    expect(goDurationSeconds('soon')).toBeUndefined();
  });

  it('takes "since last push" of every debounce form of the corpus log: for config, ≤ 1.11, pasted without prefix', () => {
    const lines = fixtureLines('istiod-push.log');
    const delays = lines.map(pushDebounceDelay).filter((d) => d !== undefined);
    expect(delays.map((d) => Math.round(d * 1e6))).toEqual([100907, 100113, 120879, 173245]);
  });

  it('counts them into cumulative buckets with the slowest line', () => {
    const lines = [
      ...fixtureLines('istiod-push.log'),
      '2024-07-25T20:14:09.100000Z\tinfo\tads\tPush debounce stable[9] 311 for config ServiceEntry/shop/cart.shop.svc.cluster.local and 40 more configs: 100.2ms since last change, 10.000131s since last push, full=true',
    ];
    const { pushDelays } = scanIstiod(lines);
    expect(pushDelays?.count).toBe(5);
    expect(pushDelays?.buckets).toEqual([
      { le: 0.1, count: 0 },
      { le: 0.5, count: 4 },
      { le: 1, count: 4 },
      { le: 3, count: 4 },
      { le: 5, count: 4 },
      { le: 10, count: 4 },
      { le: 20, count: 5 },
      { le: 30, count: 5 },
    ]);
    expect(pushDelays?.slowest).toMatchObject({ seconds: 10.000131, line: lines.length });
  });

  it('leaves a proxy log without push delays', () => {
    expect(scanIstiod(['2024-07-25T20:12:59.093175Z\tinfo\tads\tADS: new connection for node:x.default-5']).pushDelays).toBeUndefined();
  });
});
