import { scaleLinear } from 'd3-scale';
import type { Metrics } from '../../metrics/index.js';
import { chart, fit, legend, line, rect, text, type Frame } from './svg.js';

/** Proxies drawn, the largest first; the JSON report has every one. */
export const MEMORY_ROWS = 25;
const ROW = 22;
const MARGIN = { top: 28, right: 70, bottom: 8, left: 300 };
const MiB = 1024 * 1024;

interface Row {
  label: string;
  measured?: number;
  measuredBy: string;
  limit?: number;
  estimate?: number;
}

const mib = (bytes: number) => `${Math.round(bytes / MiB)} MiB`;

function rowsOf(memory: NonNullable<Metrics['memory']>): Row[] {
  const istiod: Row[] = memory.istiod.map((m) => ({ label: `istiod ${m.pod}`, measuredBy: 'kubectl top', ...(m.usedBytes !== undefined ? { measured: m.usedBytes } : {}), ...(m.limitBytes !== undefined ? { limit: m.limitBytes } : {}) }));
  const proxies: Row[] = memory.proxies.map((p) => {
    const measured = p.workingSetBytes ?? p.allocatedBytes;
    return {
      label: p.proxy,
      measuredBy: p.workingSetBytes !== undefined ? 'kubectl top working set' : "Envoy's server.memory_allocated",
      ...(measured !== undefined ? { measured } : {}),
      ...(p.limitBytes !== undefined ? { limit: p.limitBytes } : {}),
      ...(p.estimateBytes !== undefined ? { estimate: p.estimateBytes } : {}),
    };
  });
  const size = (r: Row) => Math.max(r.measured ?? 0, r.estimate ?? 0);
  return [...istiod, ...proxies.sort((a, b) => size(b) - size(a) || (a.label < b.label ? -1 : 1)).slice(0, MEMORY_ROWS)];
}

/** Memory per proxy (and istiod) against its limit and the estimate from the configuration it holds. */
export function memoryChart(memory: Metrics['memory']): string | undefined {
  if (!memory) return undefined;
  const rows = rowsOf(memory);
  if (rows.length === 0) return undefined;
  const frame: Frame = { width: 920, height: MARGIN.top + rows.length * ROW + MARGIN.bottom, margin: MARGIN };
  const top = Math.max(1, ...rows.flatMap((r) => [r.measured ?? 0, r.limit ?? 0, r.estimate ?? 0]));
  const x = scaleLinear().domain([0, top * 1.05]).range([MARGIN.left, frame.width - MARGIN.right]);
  const body = [legend(MARGIN.left, 14, [
    { label: 'measured', className: 'bar-mem' },
    { label: 'memory limit', className: 'mark-limit' },
    { label: 'estimate (50 MiB + 1 KiB/route + 10 KiB/cluster)', className: 'mark-estimate' },
  ])];
  rows.forEach((r, i) => {
    const y = MARGIN.top + i * ROW;
    body.push(text(MARGIN.left - 8, y + 14, fit(r.label, 40), { class: 'row-label', 'text-anchor': 'end' }));
    const parts = [r.measured !== undefined ? `${mib(r.measured)} (${r.measuredBy})` : 'not measured', r.limit !== undefined ? `limit ${mib(r.limit)}` : 'no limit known', ...(r.estimate !== undefined ? [`estimate ${mib(r.estimate)}`] : [])];
    const tip = `${r.label}: ${parts.join(', ')}`;
    if (r.measured !== undefined) {
      body.push(rect(x(0), y + 3, x(r.measured) - x(0), ROW - 8, 'bar-mem', tip));
      body.push(text(x(r.measured) + 4, y + 14, mib(r.measured), { class: 'bar-value' }));
    }
    if (r.limit !== undefined) body.push(line(x(r.limit), y + 1, x(r.limit), y + ROW - 3, 'mark-limit', tip));
    if (r.estimate !== undefined) body.push(line(x(r.estimate), y + 1, x(r.estimate), y + ROW - 3, 'mark-estimate', tip));
  });
  const more = memory.proxies.length - rows.filter((r) => !r.label.startsWith('istiod ')).length;
  return chart('chart-memory', frame, 'Memory per proxy against its limit and the estimate', `${rows.length} containers${more > 0 ? `; ${more} smaller proxies are in the JSON report` : ''}.`, body);
}
