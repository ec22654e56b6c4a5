import { scaleLinear, scaleUtc } from 'd3-scale';
import type { Report } from '../../report.js';
import { chart, countAxis, legend, line, rect, text, timeAxis, type Frame } from './svg.js';
import { epochMs } from '../../../times.js';
import { MINUTE_MS, minuteTime } from './time.js';

/**
 * The span drawn. With access-log traffic: the traffic's minutes, widened to events up to this long
 * before them (a pod restart, a certificate expiry just before the failures). Events further back
 * are left to the table: a CA that expired months ago would squash the incident to a line.
 */
export const CONTEXT_BEFORE_TRAFFIC_MS = 60 * MINUTE_MS;
/** Without traffic: the events of this long up to the latest one. */
export const EVENTS_ONLY_WINDOW_MS = 24 * 60 * MINUTE_MS;

/** The chart's time domain in epoch ms, or undefined when there is no span to draw. */
export function timelineDomain(minuteTimes: readonly number[], eventTimes: readonly number[]): [number, number] | undefined {
  if (minuteTimes.length > 0) {
    const first = Math.min(...minuteTimes);
    const context = eventTimes.filter((t) => t >= first - CONTEXT_BEFORE_TRAFFIC_MS);
    return [Math.min(first, ...context), Math.max(Math.max(...minuteTimes) + MINUTE_MS, ...context)];
  }
  if (eventTimes.length < 2) return undefined;
  const end = Math.max(...eventTimes);
  const start = Math.max(Math.min(...eventTimes), end - EVENTS_ONLY_WINDOW_MS);
  return end > start ? [start, end] : undefined;
}

const FRAME: Frame = { width: 920, height: 240, margin: { top: 34, right: 16, bottom: 30, left: 52 } };
const EVENT_CLASS: Record<Report['timeline'][number]['kind'], string> = {
  'certificate-expired': 'ev-cert',
  'container-terminated': 'ev-crash',
  'container-restarted': 'ev-crash',
  'pod-not-ready': 'ev-crash',
  'log-first': 'ev-log',
  'log-last': 'ev-log',
  'log-once': 'ev-log',
  collected: 'ev-collected',
};

/**
 * The incident at a glance: requests and failed requests per minute (every proxy's access log)
 * under the bundle's dated events. Undefined when there is nothing to draw over time.
 */
export function timelineChart(report: Report): string | undefined {
  const minutes = report.metrics?.traffic?.minutes ?? [];
  const dated = report.timeline.map((e) => ({ event: e, t: epochMs(e.time) })).filter((e): e is { event: Report['timeline'][number]; t: number } => e.t !== undefined);
  const domain = timelineDomain(
    minutes.map((m) => minuteTime(m.minute)),
    dated.map((e) => e.t),
  );
  if (!domain) return undefined;
  const [start, end] = domain;
  const { width, height, margin } = FRAME;
  const x = scaleUtc().domain([start, end]).range([margin.left, width - margin.right]);
  const peak = Math.max(1, ...minutes.map((m) => m.requests));
  const y = scaleLinear().domain([0, peak]).nice().range([height - margin.bottom, margin.top + 10]);
  const body: string[] = [countAxis(y, margin.left, width - margin.right)];
  const slot = Math.max(1, x(start + MINUTE_MS) - x(start) - 1);
  for (const m of minutes) {
    const t = minuteTime(m.minute);
    if (t < start) continue;
    const tip = `${m.minute} UTC: ${m.requests} requests, ${m.failed} failed`;
    body.push(rect(x(t), y(m.requests), slot, y(0) - y(m.requests), 'bar-ok', tip));
    if (m.failed > 0) body.push(rect(x(t), y(m.failed), slot, y(0) - y(m.failed), 'bar-failed', tip));
  }
  const shown = dated.filter((e) => e.t >= start && e.t <= end);
  for (const { event, t } of shown) {
    body.push(line(x(t), margin.top + 6, x(t), height - margin.bottom, `event ${EVENT_CLASS[event.kind]}`, `${event.time}: ${event.what}`));
  }
  body.push(timeAxis(x, height - margin.bottom));
  body.push(text(margin.left - 44, margin.top + 4, 'requests / min', { class: 'tick' }));
  body.push(legend(margin.left, 14, [
    { label: 'requests', className: 'bar-ok' },
    { label: 'failed', className: 'bar-failed' },
    { label: 'certificate expired', className: 'ev-cert' },
    { label: 'container restarted / not ready', className: 'ev-crash' },
    { label: 'log signature', className: 'ev-log' },
    { label: 'collected', className: 'ev-collected' },
  ]));
  const outside = dated.length - shown.length;
  const description =
    `${minutes.length} minutes of access-log traffic and ${shown.length} dated events` + (outside > 0 ? `; ${outside} earlier events are in the timeline table only` : '') + '. Hover a bar or a line for its numbers.';
  return chart('chart-timeline', FRAME, 'Incident timeline: requests per minute and dated events (UTC)', description, body);
}
