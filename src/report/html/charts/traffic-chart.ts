import { scaleLinear, scaleUtc } from 'd3-scale';
import type { Metrics } from '../../metrics/index.js';
import { chart, fit, rect, text, timeAxis, type Frame } from './svg.js';
import { MINUTE_MS, minuteTime } from './time.js';

/** Upstreams drawn: those with failures first (metrics order), at most this many rows. */
export const UPSTREAM_ROWS = 8;
const ROW = 46;
const FRAME_WIDTH = 920;
const MARGIN = { top: 8, right: 16, bottom: 30, left: 52 };

type Traffic = NonNullable<Metrics['traffic']>;

function summary(u: Traffic['upstreams'][number]): string {
  const flags = Object.entries(u.byFlag)
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
    .slice(0, 4)
    .map(([flag, n]) => `${flag} ${n}`)
    .join(', ');
  const share = u.requests > 0 ? Math.round((u.failed / u.requests) * 1000) / 10 : 0;
  return `${u.failed} of ${u.requests} failed (${share} %)${flags ? ` · flags ${flags}` : ''}`;
}

/** The access log writes `-` when a request reached no upstream cluster (no route, denied at the listener). */
function upstreamName(upstream: string): string {
  return upstream === '-' ? '(no upstream cluster)' : upstream;
}

/**
 * Failed and answered requests per minute toward each upstream cluster, one row per upstream, on
 * one time axis: where the failures are and when they started. Undefined without failures.
 */
export function trafficChart(traffic: Traffic | undefined): string | undefined {
  if (!traffic || traffic.failed === 0 || traffic.minutes.length === 0) return undefined;
  const rows = traffic.upstreams.filter((u) => u.failed > 0).slice(0, UPSTREAM_ROWS);
  if (rows.length === 0) return undefined;
  const frame: Frame = { width: FRAME_WIDTH, height: MARGIN.top + rows.length * ROW + MARGIN.bottom, margin: MARGIN };
  const start = minuteTime(traffic.minutes[0]!.minute);
  const end = minuteTime(traffic.minutes[traffic.minutes.length - 1]!.minute) + MINUTE_MS;
  const x = scaleUtc().domain([start, end]).range([MARGIN.left, FRAME_WIDTH - MARGIN.right]);
  const slot = Math.max(1, x(start + MINUTE_MS) - x(start) - 1);
  const body: string[] = [];
  rows.forEach((u, i) => {
    const top = MARGIN.top + i * ROW;
    const peak = Math.max(1, ...u.minutes.map((m) => m.requests));
    const y = scaleLinear().domain([0, peak]).range([top + ROW - 4, top + 18]);
    body.push(text(MARGIN.left, top + 12, `${fit(upstreamName(u.upstream), 70)} — ${summary(u)}`, { class: 'row-label' }));
    body.push(text(MARGIN.left - 6, y(peak) + 8, String(peak), { class: 'tick', 'text-anchor': 'end' }));
    for (const m of u.minutes) {
      const t = minuteTime(m.minute);
      const flags = Object.entries(m.byFlag ?? {}).map(([f, n]) => `${f} ${n}`).join(', ');
      const tip = `${u.upstream}, ${m.minute} UTC: ${m.requests} requests, ${m.failed} failed${flags ? ` (${flags})` : ''}`;
      body.push(rect(x(t), y(m.requests), slot, y(0) - y(m.requests), 'bar-ok', tip));
      if (m.failed > 0) body.push(rect(x(t), y(m.failed), slot, y(0) - y(m.failed), 'bar-failed', tip));
    }
  });
  body.push(timeAxis(x, frame.height - MARGIN.bottom));
  const omitted = traffic.upstreams.filter((u) => u.failed > 0).length - rows.length;
  const description = `Requests per minute toward ${rows.length} upstream clusters with failures, failed requests in red${omitted > 0 ? `; ${omitted} more upstreams with failures are in the JSON report` : ''}.`;
  return chart('chart-traffic', frame, 'Failed requests per upstream cluster, per minute (UTC)', description, body);
}
