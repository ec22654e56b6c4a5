import { describe, expect, it } from 'vitest';
import type { LogSummary } from '../../src/artifacts/logs/schema.js';
import { LogScanner, MAX_SERIES_CELLS, MAX_SERIES_UPSTREAMS } from '../../src/artifacts/logs/scanner.js';

function scan(lines: string[]): LogSummary {
  const scanner = new LogScanner('istio-proxy');
  lines.forEach((line, i) => scanner.line(line, i + 1));
  return scanner.finish();
}

/** Istio ≥ 1.9's default access-log layout (as in samples/data-plane-503), with the time, code, flags and cluster to vary. */
function accessLine(time: string, code: number, flags: string, cluster: string): string {
  return `[${time}] "GET /reviews/0 HTTP/1.1" ${code} ${flags} via_upstream - "-" 0 178 1 0 "-" "curl/8.5.0" "29ecd114-cbf4-4758-8b64-817739154833" "reviews:9080" "10.244.2.14:9080" ${cluster} 10.244.1.12:59934 10.96.45.203:9080 10.244.1.12:33522 - default`;
}
const REVIEWS = 'outbound|9080||reviews.bookinfo.svc.cluster.local';
const RATINGS = 'outbound|9080||ratings.bookinfo.svc.cluster.local';

describe('requests per upstream and minute', () => {
  it('counts requests, failures and flags in each upstream cluster and UTC minute', () => {
    const summary = scan([
      accessLine('2025-04-22T14:00:04.793Z', 200, '-', REVIEWS),
      accessLine('2025-04-22T14:00:59.999Z', 503, 'UH', REVIEWS),
      accessLine('2025-04-22T14:01:00.000Z', 503, 'UF,URX', REVIEWS),
      accessLine('2025-04-22T14:01:30.000Z', 200, '-', RATINGS),
    ]);
    expect(summary.access.series).toEqual([
      { upstream: RATINGS, minutes: [{ minute: '2025-04-22T14:01', requests: 1, failed: 0 }] },
      {
        upstream: REVIEWS,
        minutes: [
          { minute: '2025-04-22T14:00', requests: 2, failed: 1, byFlag: { UH: 1 } },
          { minute: '2025-04-22T14:01', requests: 1, failed: 1, byFlag: { UF: 1, URX: 1 } },
        ],
      },
    ]);
    expect(summary.access.seriesDropped).toBeUndefined();
  });

  it('writes `-` for a request without an upstream cluster, as the access log does', () => {
    const line = accessLine('2025-04-22T14:00:04.799Z', 503, 'NC', '-');
    const summary = scan([line]);
    expect(summary.access.series).toEqual([{ upstream: '-', minutes: [{ minute: '2025-04-22T14:00', requests: 1, failed: 1, byFlag: { NC: 1 } }] }]);
  });

  it(`keeps ${MAX_SERIES_UPSTREAMS} upstreams and counts the requests of the next one as dropped`, () => {
    const clusters = (n: number) => Array.from({ length: n }, (_, i) => accessLine('2025-04-22T14:00:04.793Z', 200, '-', `outbound|9080||svc-${String(i).padStart(2, '0')}.shop.svc.cluster.local`));
    const atCap = scan(clusters(MAX_SERIES_UPSTREAMS));
    expect(atCap.access.series).toHaveLength(MAX_SERIES_UPSTREAMS);
    expect(atCap.access.seriesDropped).toBeUndefined();
    const past = scan([...clusters(MAX_SERIES_UPSTREAMS + 1), accessLine('2025-04-22T14:00:05.000Z', 200, '-', 'outbound|9080||svc-00.shop.svc.cluster.local')]);
    expect(past.access.series).toHaveLength(MAX_SERIES_UPSTREAMS);
    expect(past.access.seriesDropped).toBe(1);
    // A known upstream still counts past the cap.
    expect(past.access.series![0]!.minutes[0]!.requests).toBe(2);
    expect(past.access.requests).toBe(MAX_SERIES_UPSTREAMS + 2);
  });

  it(`keeps ${MAX_SERIES_CELLS} upstream-minutes in all`, () => {
    const lines: string[] = [];
    // 20,000 distinct minutes of one upstream: the cap exactly, then one more.
    const start = Date.parse('2025-01-01T00:00:00Z');
    for (let i = 0; i <= MAX_SERIES_CELLS; i++) lines.push(accessLine(new Date(start + i * 60_000).toISOString(), 200, '-', REVIEWS));
    const summary = scan(lines);
    expect(summary.access.series![0]!.minutes).toHaveLength(MAX_SERIES_CELLS);
    expect(summary.access.seriesDropped).toBe(1);
  });

  it('leaves a request without a time (JSON access log without start_time) out of the series, and in the totals', () => {
    const summary = scan([`{"upstream_cluster":"${REVIEWS}","response_code":200,"response_flags":"-","path":"/reviews/0","method":"GET"}`]);
    expect(summary.access.requests).toBe(1);
    expect(summary.access.series).toBeUndefined();
  });

  it('takes the time `kubectl logs --timestamps` put before a line that has none', () => {
    const json = `{"upstream_cluster":"${REVIEWS}","response_code":503,"response_flags":"UH","path":"/reviews/0","method":"GET"}`;
    const summary = scan([`2025-04-22T14:07:00.123456789Z ${json}`]);
    expect(summary.access.series).toEqual([{ upstream: REVIEWS, minutes: [{ minute: '2025-04-22T14:07', requests: 1, failed: 1, byFlag: { UH: 1 } }] }]);
  });
});
