import { describe, expect, it } from 'vitest';
import { targetOf, targetSubject } from '../../src/rules/sidecar-logs/by-target.js';

const row = (key: string, accessCount = 1) => ({ key, count: 1, accessCount, first: { line: 1, text: '' }, last: { line: 1, text: '' } });

describe('the target a breakdown row names', () => {
  it.each([
    ['outbound|9080||reviews.bookinfo.svc.cluster.local', 'reviews.bookinfo.svc.cluster.local'],
    ['outbound|9080|v2|reviews.bookinfo.svc.cluster.local', 'reviews.bookinfo.svc.cluster.local'],
    ['outbound|27018||mymongodb.somedomain', 'mymongodb.somedomain'],
    ['reviews:9080', 'reviews'],
    ['Reviews.Bookinfo:9080', 'reviews.bookinfo'],
    ['[fd00::12]:8080', 'fd00::12'],
    ['bookinfo.example.com', 'bookinfo.example.com'],
  ])('%s → %s', (key, host) => {
    expect(targetOf(row(key))).toBe(host);
  });

  it.each([
    ['inbound|9080||', 'the pod\'s own application'],
    ['outbound|9080||', 'an outbound cluster without host'],
    ['PassthroughCluster', 'an Envoy cluster whose destination is a different IP each time'],
    ['BlackHoleCluster', 'an Envoy cluster'],
    ['unknown destination', 'a line naming neither cluster nor authority'],
  ])('%s names no target (%s)', (key) => {
    expect(targetOf(row(key))).toBeUndefined();
  });

  it('a row counted from plain log lines (a reset reason, even one word) names no target', () => {
    expect(targetOf(row('overflow', 0))).toBeUndefined();
    expect(targetOf(row('connection failure', 0))).toBeUndefined();
  });

  it('a cluster-domain host is its Service; any other host stays a host', () => {
    expect(targetSubject('reviews.bookinfo.svc.cluster.local')).toEqual({ kind: 'Service', namespace: 'bookinfo', name: 'reviews' });
    expect(targetSubject('mymongodb.somedomain')).toEqual({ kind: 'Host', name: 'mymongodb.somedomain' });
    expect(targetSubject('reviews')).toEqual({ kind: 'Host', name: 'reviews' });
  });
});
