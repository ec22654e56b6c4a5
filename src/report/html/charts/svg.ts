import type { ScaleLinear, ScaleTime } from 'd3-scale';
import { h } from '../escape.js';

/**
 * The charts are SVG written at report time: they need no script (the page has none: its
 * Content-Security-Policy forbids scripts), print as drawn and render the same in every browser.
 * Scales and ticks come from d3-scale; this file only lays out the marks those scales place.
 */
export interface Frame {
  width: number;
  height: number;
  margin: { top: number; right: number; bottom: number; left: number };
}

/** Coordinates to a tenth of a pixel: smaller files, and no float noise between runs. */
export const px = (n: number): string => String(Math.round(n * 10) / 10);

export function attrs(values: Record<string, string | number | undefined>): string {
  return Object.entries(values)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${typeof v === 'number' ? px(v) : h(v!)}"`)
    .join('');
}

/** One chart: an accessible SVG with its title and a description a screen reader reads. */
export function chart(id: string, frame: Frame, title: string, description: string, body: string[]): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="${h(id)}" viewBox="0 0 ${frame.width} ${frame.height}" width="${frame.width}" height="${frame.height}" role="img" aria-labelledby="${h(id)}-title ${h(id)}-desc">` +
    `<title id="${h(id)}-title">${h(title)}</title><desc id="${h(id)}-desc">${h(description)}</desc>${body.join('')}</svg>`
  );
}

export function text(x: number, y: number, content: string, extra: Record<string, string | number | undefined> = {}): string {
  return `<text${attrs({ x, y, ...extra })}>${h(content)}</text>`;
}

export function rect(x: number, y: number, width: number, height: number, className: string, tooltip?: string): string {
  const tip = tooltip ? `<title>${h(tooltip)}</title>` : '';
  return `<rect${attrs({ x, y, width: Math.max(0, width), height: Math.max(0, height), class: className })}>${tip}</rect>`;
}

export function line(x1: number, y1: number, x2: number, y2: number, className: string, tooltip?: string): string {
  const tip = tooltip ? `<title>${h(tooltip)}</title>` : '';
  return `<line${attrs({ x1, y1, x2, y2, class: className })}>${tip}</line>`;
}

/** `14:05` on a span within a day, `04-22 14:05` beyond: UTC, as the bundle's own times are. */
function utcLabel(span: number): (t: Date) => string {
  return span > 24 * 3600_000 ? (t) => `${t.toISOString().slice(5, 10)} ${t.toISOString().slice(11, 16)}` : (t) => t.toISOString().slice(11, 16);
}

/** A UTC time axis under the plot, at d3's ticks. */
export function timeAxis(x: ScaleTime<number, number>, y: number, ticks = 8): string {
  const [start, end] = x.domain() as [Date, Date];
  const format = utcLabel(end.getTime() - start.getTime());
  const [left, right] = x.range() as [number, number];
  // The data is per minute: ticks between minutes would repeat a label.
  const minutes = x.ticks(ticks).filter((t) => t.getTime() % 60_000 === 0);
  return [line(left, y, right, y, 'axis'), ...minutes.flatMap((t) => [line(x(t), y, x(t), y + 4, 'axis'), text(x(t), y + 16, format(t), { class: 'tick', 'text-anchor': 'middle' })])].join('');
}

/** A count axis on the left with light grid lines across the plot: whole numbers only. */
export function countAxis(y: ScaleLinear<number, number>, left: number, right: number, ticks = 4): string {
  const format = (n: number) => String(n);
  return y
    .ticks(ticks)
    .filter(Number.isInteger)
    .map((v) => line(left, y(v), right, y(v), 'grid') + text(left - 6, y(v) + 4, format(v), { class: 'tick', 'text-anchor': 'end' }))
    .join('');
}

/** A label cut to fit a column: the full text stays in its tooltip. */
export function fit(label: string, chars: number): string {
  return label.length <= chars ? label : `…${label.slice(label.length - chars + 1)}`;
}

export function legend(x: number, y: number, items: Array<{ label: string; className: string }>): string {
  let at = x;
  return items
    .map(({ label, className }) => {
      const out = rect(at, y - 9, 10, 10, className) + text(at + 14, y, label, { class: 'legend' });
      at += 24 + label.length * 6.5;
      return out;
    })
    .join('');
}
