import type { LogRecord } from '../../model/facets.js';
import { compareText, sortedRecord } from '../../order.js';
import type { Metrics } from './index.js';

/** Upstreams a report keeps series for: enough for a chart and a diff, bounded for a mesh of thousands. */
export const UPSTREAMS_KEPT = 12;

type Traffic = NonNullable<Metrics['traffic']>;
type Minute = Traffic['minutes'][number];

interface Sum {
  requests: number;
  failed: number;
  byFlag: Map<string, number>;
  minutes: Map<string, { requests: number; failed: number; byFlag: Map<string, number> }>;
}

/** Every proxy log's requests, summed per minute and per upstream cluster; undefined without access-log lines. */
export function trafficMetrics(logs: readonly LogRecord[]): Traffic | undefined {
  const total = newSum();
  const upstreams = new Map<string, Sum>();
  let uncounted = 0;
  for (const { summary } of logs) {
    const access = summary.access;
    if (access.requests === 0) continue;
    total.requests += access.requests;
    total.failed += access.failed;
    let inSeries = 0;
    for (const { upstream, minutes } of access.series ?? []) {
      let sum = upstreams.get(upstream);
      if (!sum) upstreams.set(upstream, (sum = newSum()));
      for (const m of minutes) {
        inSeries += m.requests;
        add(sum, m);
        addMinute(total, m);
      }
    }
    uncounted += access.requests - inSeries;
  }
  if (total.requests === 0) return undefined;
  const ranked = [...upstreams].sort(([a, x], [b, y]) => y.failed - x.failed || y.requests - x.requests || compareText(a, b));
  return {
    requests: total.requests,
    failed: total.failed,
    minutes: minutesOut(total),
    upstreams: ranked.slice(0, UPSTREAMS_KEPT).map(([upstream, sum]) => ({ upstream, requests: sum.requests, failed: sum.failed, byFlag: sortedRecord(sum.byFlag), minutes: minutesOut(sum) })),
    upstreamsOmitted: Math.max(0, ranked.length - UPSTREAMS_KEPT),
    uncounted,
  };
}

function newSum(): Sum {
  return { requests: 0, failed: 0, byFlag: new Map(), minutes: new Map() };
}

function add(sum: Sum, m: Minute): void {
  sum.requests += m.requests;
  sum.failed += m.failed;
  for (const [flag, n] of Object.entries(m.byFlag ?? {})) sum.byFlag.set(flag, (sum.byFlag.get(flag) ?? 0) + n);
  addMinute(sum, m);
}

function addMinute(sum: Sum, m: Minute): void {
  let cell = sum.minutes.get(m.minute);
  if (!cell) sum.minutes.set(m.minute, (cell = { requests: 0, failed: 0, byFlag: new Map() }));
  cell.requests += m.requests;
  cell.failed += m.failed;
  for (const [flag, n] of Object.entries(m.byFlag ?? {})) cell.byFlag.set(flag, (cell.byFlag.get(flag) ?? 0) + n);
}

function minutesOut(sum: Sum): Minute[] {
  return [...sum.minutes]
    .sort(([a], [b]) => compareText(a, b))
    .map(([minute, cell]) => ({ minute, requests: cell.requests, failed: cell.failed, ...(cell.byFlag.size > 0 ? { byFlag: sortedRecord(cell.byFlag) } : {}) }));
}
