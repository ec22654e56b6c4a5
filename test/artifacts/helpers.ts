/** Shared helpers for the artifact-layer tests: fixture access and Go tabwriter-style tables. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Real outputs copied from the reference corpus (see test/fixtures/formats/README.md). */
export const FORMATS_DIR = fileURLToPath(new URL('../fixtures/formats/', import.meta.url));

export function fixture(name: string): string {
  return readFileSync(FORMATS_DIR + name, 'utf8');
}

/** The non-empty lines of a fixture, in order. */
export function fixtureLines(name: string): string[] {
  return fixture(name)
    .split('\n')
    .filter((line) => line !== '');
}

/**
 * Lays rows out as Go's text/tabwriter does with `Init(w, 0, 8, padding, ' ', 0)`: every column is
 * as wide as its widest cell plus `padding` spaces. istioctl writes `a\tb\tc\n` (the last cell is not
 * tab-terminated, so not padded); kubectl top writes `a\tb\tc\t\n` (`terminated`: trailing blanks).
 */
export function tabwrite(rows: string[][], options: { padding?: number; terminated?: boolean } = {}): string {
  const padding = options.padding ?? 5;
  const columns = Math.max(...rows.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 && !options.terminated ? cell : cell.padEnd(widths[i]! + padding)))
        .join(''),
    )
    .map((line) => `${line}\n`)
    .join('');
}
