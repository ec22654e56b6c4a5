/** What the terminal can take: its width for the table, and whether to colour severities. */

export interface TerminalStyle {
  /** Columns to fit the table into; undefined: no limit (piped output, or `--wide`). */
  width?: number;
  color: boolean;
}

/**
 * Colour only on a terminal, unless `FORCE_COLOR` asks for it (anything but `0`/`false`) or
 * `NO_COLOR` (any non-empty value, no-color.org) forbids it; FORCE_COLOR wins, as in Node itself.
 */
export function wantsColor(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return isTTY;
}

const SEVERITY_COLOR: Record<string, string> = {
  critical: '\u001b[1;31m',
  high: '\u001b[31m',
  medium: '\u001b[33m',
  low: '\u001b[36m',
  info: '\u001b[2m',
};

export function paintSeverity(severity: string, color: boolean): string {
  const code = SEVERITY_COLOR[severity];
  return color && code ? `${code}${severity}\u001b[0m` : severity;
}

/**
 * Wraps text to `width` columns at spaces, breaking a word only when it is longer than a line (a
 * pod name or path is wrapped, never cut).
 */
export function wrapText(text: string, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    let rest = word;
    while (rest.length > width) {
      if (line !== '') {
        lines.push(line);
        line = '';
      }
      lines.push(rest.slice(0, width));
      rest = rest.slice(width);
    }
    if (line === '') line = rest;
    else if (line.length + 1 + rest.length <= width) line += ` ${rest}`;
    else {
      lines.push(line);
      line = rest;
    }
  }
  if (line !== '') lines.push(line);
  return lines.join('\n');
}
