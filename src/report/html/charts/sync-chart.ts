import { scaleLinear } from 'd3-scale';
import type { Metrics } from '../../metrics/index.js';
import { chart, legend, rect, text, type Frame } from './svg.js';

const STATUS_CLASS: Record<string, string> = { SYNCED: 'st-synced', 'NOT SENT': 'st-notsent', STALE: 'st-stale', ERROR: 'st-error', IGNORED: 'st-ignored' };
const ORDER = ['STALE', 'ERROR', 'NOT SENT', 'IGNORED', 'SYNCED'];
const ROW = 26;
const MARGIN = { top: 28, right: 16, bottom: 8, left: 64 };

/** Per xDS type, the share of proxies in each sync status: a STALE band is a proxy istiod pushed to and did not hear back from. */
export function syncChart(sync: Metrics['sync']): string | undefined {
  if (!sync || sync.byType.length === 0) return undefined;
  const frame: Frame = { width: 920, height: MARGIN.top + sync.byType.length * ROW + MARGIN.bottom, margin: MARGIN };
  const x = scaleLinear().domain([0, Math.max(1, sync.proxies)]).range([MARGIN.left, frame.width - MARGIN.right]);
  const body = [legend(MARGIN.left, 14, ORDER.map((s) => ({ label: s, className: STATUS_CLASS[s]! })))];
  sync.byType.forEach(({ type, statuses }, i) => {
    const top = MARGIN.top + i * ROW;
    body.push(text(MARGIN.left - 8, top + 16, type, { class: 'row-label', 'text-anchor': 'end' }));
    let at = 0;
    const known = [...ORDER, ...Object.keys(statuses).filter((s) => !ORDER.includes(s))];
    for (const status of known) {
      const n = statuses[status] ?? 0;
      if (n === 0) continue;
      body.push(rect(x(at), top + 2, x(at + n) - x(at), ROW - 6, STATUS_CLASS[status] ?? 'st-ignored', `${type}: ${n} of ${sync.proxies} proxies ${status}`));
      if (x(at + n) - x(at) > 28) body.push(text(x(at) + 4, top + 16, String(n), { class: 'bar-label' }));
      at += n;
    }
  });
  const stale = sync.stale.length;
  return chart('chart-sync', frame, 'Proxy sync status per xDS type', `${sync.proxies} proxies; ${stale} with a STALE type.`, body);
}
