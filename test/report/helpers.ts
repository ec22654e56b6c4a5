import { expect } from 'vitest';

/** The lines of a Markdown section, from its heading to the next heading of its level or above, blank lines left out. */
export function mdSection(md: string, heading: string): string[] {
  const lines = md.split('\n');
  const start = lines.indexOf(heading);
  expect(start, heading).toBeGreaterThanOrEqual(0);
  const level = heading.split(' ')[0]!.length;
  const end = lines.findIndex((line, i) => i > start && /^#+ /.test(line) && line.indexOf(' ') <= level);
  return lines.slice(start + 1, end === -1 ? undefined : end).filter((line) => line !== '');
}

/** The text of each cell of each body row of the first table after `marker` in an HTML page. */
export function htmlRows(html: string, marker: string): string[][] {
  const at = html.indexOf(marker);
  expect(at, marker).toBeGreaterThanOrEqual(0);
  const body = /<tbody>(.*?)<\/tbody>/s.exec(html.slice(at))![1]!;
  return [...body.matchAll(/<tr>(.*?)<\/tr>/gs)].map(([, row]) => [...row!.matchAll(/<td>(.*?)<\/td>/gs)].map(([, cell]) => cell!));
}
