import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { LogScanner } from '../../src/artifacts/logs/scanner.js';
import type { LogRecord, ResourceRecord } from '../../src/model/facets.js';
import { analyzeBundle } from '../../src/pipeline.js';
import { configurationMetrics } from '../../src/report/metrics/configuration.js';
import { syncMetrics } from '../../src/report/metrics/sync.js';
import { trafficMetrics, UPSTREAMS_KEPT } from '../../src/report/metrics/traffic.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** Istio ≥ 1.9's default access-log layout, as in samples/data-plane-503. */
function accessLine(time: string, code: number, flags: string, cluster: string): string {
  return `[${time}] "GET /reviews/0 HTTP/1.1" ${code} ${flags} via_upstream - "-" 0 178 1 0 "-" "curl/8.5.0" "29ecd114-cbf4-4758-8b64-817739154833" "reviews:9080" "10.244.2.14:9080" ${cluster} 10.244.1.12:59934 10.96.45.203:9080 10.244.1.12:33522 - default`;
}

function logOf(pod: string, lines: string[]): LogRecord {
  const scanner = new LogScanner('istio-proxy');
  lines.forEach((line, i) => scanner.line(line, i + 1));
  return { path: `logs/shop/${pod}/istio-proxy.log`, namespace: 'shop', pod, container: 'istio-proxy', previous: false, identifiedBy: 'path', summary: scanner.finish() };
}

const REVIEWS = 'outbound|9080||reviews.shop.svc.cluster.local';
const RATINGS = 'outbound|9080||ratings.shop.svc.cluster.local';

describe('traffic metrics', () => {
  it('sums every proxy log per minute and per upstream, the upstream with most failures first', () => {
    const a = logOf('web-1', [accessLine('2025-04-22T14:00:01.000Z', 200, '-', REVIEWS), accessLine('2025-04-22T14:00:02.000Z', 503, 'UH', RATINGS)]);
    const b = logOf('web-2', [accessLine('2025-04-22T14:00:03.000Z', 503, 'UH', RATINGS), accessLine('2025-04-22T14:01:03.000Z', 200, '-', REVIEWS), accessLine('2025-04-22T14:01:04.000Z', 200, '-', REVIEWS)]);
    const traffic = trafficMetrics([a, b])!;
    expect(traffic.requests).toBe(5);
    expect(traffic.failed).toBe(2);
    expect(traffic.minutes).toEqual([
      { minute: '2025-04-22T14:00', requests: 3, failed: 2, byFlag: { UH: 2 } },
      { minute: '2025-04-22T14:01', requests: 2, failed: 0 },
    ]);
    expect(traffic.upstreams.map((u) => [u.upstream, u.requests, u.failed, u.byFlag])).toEqual([
      [RATINGS, 2, 2, { UH: 2 }],
      [REVIEWS, 3, 0, {}],
    ]);
    expect(traffic.upstreamsOmitted).toBe(0);
    expect(traffic.uncounted).toBe(0);
  });

  it(`keeps ${UPSTREAMS_KEPT} upstreams and counts the others`, () => {
    const lines = (n: number) => Array.from({ length: n }, (_, i) => accessLine('2025-04-22T14:00:01.000Z', 200, '-', `outbound|80||svc-${String(i).padStart(2, '0')}.shop.svc.cluster.local`));
    expect(trafficMetrics([logOf('web-1', lines(UPSTREAMS_KEPT))])!.upstreamsOmitted).toBe(0);
    const past = trafficMetrics([logOf('web-1', lines(UPSTREAMS_KEPT + 1))])!;
    expect(past.upstreams).toHaveLength(UPSTREAMS_KEPT);
    expect(past.upstreamsOmitted).toBe(1);
    // Ties on failures and requests keep the first by name.
    expect(past.upstreams[0]!.upstream).toBe('outbound|80||svc-00.shop.svc.cluster.local');
  });

  it('counts requests the logs had no minute for as uncounted', () => {
    const untimed = `{"upstream_cluster":"${REVIEWS}","response_code":503,"response_flags":"UH","path":"/","method":"GET"}`;
    const traffic = trafficMetrics([logOf('web-1', [untimed, accessLine('2025-04-22T14:00:01.000Z', 200, '-', REVIEWS)])])!;
    expect(traffic.requests).toBe(2);
    expect(traffic.failed).toBe(1);
    expect(traffic.uncounted).toBe(1);
  });

  it('is absent without access-log lines', () => {
    expect(trafficMetrics([])).toBeUndefined();
    expect(trafficMetrics([logOf('web-1', ['2025-04-22T08:10:10.114972Z\tinfo\txdsproxy\tconnected to delta upstream XDS server: istiod.istio-system.svc:15012\tid=10'])])).toBeUndefined();
  });
});

describe('sync metrics', () => {
  it('counts proxies per xDS type and status, and lists the STALE ones', () => {
    const row = (id: string, statuses: Array<[string, string]>) => ({ path: 'istioctl/proxy-status.txt', row: { id, pod: id.split('.')[0]!, statuses: statuses.map(([type, status]) => ({ type, status: status as 'SYNCED' })) } });
    const sync = syncMetrics({
      ids: ['b.shop', 'a.shop'],
      syncRows: [row('b.shop', [['CDS', 'STALE'], ['LDS', 'SYNCED']]), row('a.shop', [['CDS', 'SYNCED'], ['LDS', 'SYNCED']])],
    })!;
    expect(sync).toEqual({
      proxies: 2,
      byType: [
        { type: 'CDS', statuses: { STALE: 1, SYNCED: 1 } },
        { type: 'LDS', statuses: { SYNCED: 2 } },
      ],
      stale: ['b.shop'],
    });
    expect(syncMetrics({ ids: ['a.shop'], syncRows: undefined })).toBeUndefined();
  });
});

describe('configuration digest', () => {
  const resource = (kind: string, apiVersion: string, name: string, resourceVersion?: string, spec: object = { hosts: [name] }): ResourceRecord => ({
    object: { apiVersion, kind, metadata: { name, namespace: 'shop', ...(resourceVersion ? { resourceVersion } : {}) }, spec },
    source: { path: 'kubernetes/istio-config.yaml' },
  }) as ResourceRecord;
  const vs = resource('VirtualService', 'networking.istio.io/v1', 'reviews', '1001');
  const svc = resource('Service', 'v1', 'reviews', '2002');

  it('is the same for the same resources in any order, and counts a resource listed twice once', () => {
    const once = configurationMetrics([vs, svc])!;
    expect(once).toMatchObject({ resources: 2, by: 'resourceVersion' });
    expect(configurationMetrics([svc, vs, vs])).toEqual(once);
  });

  it('changes with a resourceVersion, and ignores kinds istiod does not push (Deployments)', () => {
    const before = configurationMetrics([vs, svc])!;
    expect(configurationMetrics([resource('VirtualService', 'networking.istio.io/v1', 'reviews', '1002'), svc])!.digest).not.toBe(before.digest);
    expect(configurationMetrics([vs, svc, resource('Deployment', 'apps/v1', 'reviews', '3003')])).toEqual(before);
  });

  it('digests the content when a resource has no resourceVersion', () => {
    const a = configurationMetrics([resource('DestinationRule', 'networking.istio.io/v1beta1', 'reviews', undefined, { host: 'reviews' })])!;
    expect(a.by).toBe('content');
    const b = configurationMetrics([resource('DestinationRule', 'networking.istio.io/v1beta1', 'reviews', undefined, { host: 'reviews', trafficPolicy: {} })])!;
    expect(b.digest).not.toBe(a.digest);
    expect(configurationMetrics([resource('Deployment', 'apps/v1', 'reviews', '1')])).toBeUndefined();
  });
});

describe('memory metrics on samples/sidecar-memory', () => {
  it('has each proxy measured, with its limit and the estimate from its config dump', async () => {
    const { report } = await analyzeBundle(join(ROOT, 'samples', 'sidecar-memory'));
    const memory = report.metrics!.memory!;
    const checkout = memory.proxies.find((p) => p.proxy === 'shop/checkout-6d9f7c7b5-k2x8p')!;
    expect(checkout.workingSetBytes).toBe(2310 * 1024 * 1024);
    expect(checkout.limitBytes).toBeGreaterThan(checkout.workingSetBytes!);
    // 50 MiB + 10 KiB per cluster + 1 KiB per route of what its config dump holds.
    expect(checkout.estimateBytes).toBe(50 * 1024 * 1024 + checkout.clusters! * 10 * 1024 + checkout.routes! * 1024);
    expect(checkout.clusters).toBeGreaterThan(600);
    expect(memory.istiod).toEqual([{ pod: 'istio-system/istiod-6b9c8d7f5-kx2vq', usedBytes: 698 * 1024 * 1024 }]);
  });
});
