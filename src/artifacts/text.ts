/** Helpers for the fixed-width tables kubectl and istioctl print (Go tabwriter). */

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;

/** istioctl colours levels when it thinks it writes to a terminal. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/**
 * tabwriter pads columns with at least two spaces (istioctl uses five), while cells themselves
 * contain single spaces (`NOT SENT`, `SYNCED (2m3s)`), so two or more blanks or a TAB separate cells.
 */
export function splitColumns(line: string): string[] {
  return line
    .trim()
    .split(/\t+|\s{2,}/)
    .filter((c) => c !== '');
}

/** Splits at the first line break: used by sniffers that look at a file's first line. */
export function firstNonEmptyLine(text: string): string {
  for (const line of text.split(/\r?\n/, 20)) if (line.trim() !== '') return line;
  return '';
}

/** Start offsets of the header's columns, for rows whose empty cells collapse the blank runs. */
export function columnOffsets(header: string): number[] {
  const offsets: number[] = [];
  const re = /\S+(?: \S+)*/g;
  for (const m of header.matchAll(re)) offsets.push(m.index);
  return offsets;
}

/** Cuts a row at the header's offsets (tabwriter left-aligns every cell under its header). */
export function sliceColumns(line: string, offsets: number[]): string[] {
  return offsets.map((start, i) => line.slice(start, offsets[i + 1] ?? line.length).trim());
}

/** Cells of a table row: by blank runs, or by the header's offsets when a cell is empty. */
export function rowCells(line: string, header: string, expected: number): string[] {
  const cells = splitColumns(line);
  if (cells.length === expected) return cells;
  // Offsets only explain an empty cell; a row with extra or shifted columns keeps its wrong count.
  const sliced = sliceColumns(line, columnOffsets(header));
  const aligned = sliced.length === expected && sliced[0] !== '' && !/^\s/.test(line) && sliced.every((cell) => !/\s{2,}|\t/.test(cell));
  return aligned ? sliced : cells;
}
