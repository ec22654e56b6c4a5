/**
 * Everything quoted from a bundle is hostile until proven otherwise: logs carry terminal escape
 * sequences, Markdown and HTML. These helpers make such text inert in each output.
 */

// eslint-disable-next-line no-control-regex
const ANSI_SEQUENCE = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])/g;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Removes terminal escape sequences and control characters (keeps TAB and newline). */
export function stripControl(text: string): string {
  return text.replace(ANSI_SEQUENCE, '').replace(CONTROL, '\uFFFD');
}

/** Inline Markdown (table cells, sentences): one line, no HTML, pipes and backticks escaped. */
export function mdText(text: string): string {
  return stripControl(text)
    .replace(/\r?\n|\t/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|');
}

/**
 * Prose written by rules: it may contain `code spans` on purpose, but any value quoted from the
 * bundle inside it is escaped. Keeps backticks, escapes HTML and table pipes.
 */
export function mdProse(text: string): string {
  // Code spans render literally (entities would show as `&lt;`), so only the text between them is escaped.
  return stripControl(text)
    .split(/(`+[^`]*?`+)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')))
    .join('');
}

/** A code span that survives any content: the fence is longer than the longest backtick run. */
export function mdCode(text: string, inTable = false): string {
  const clean = stripControl(text).replace(/\r?\n/g, ' ');
  const longest = Math.max(0, ...[...clean.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const padded = clean.startsWith('`') || clean.endsWith('`') ? ` ${clean} ` : clean;
  return `${fence}${inTable ? padded.replace(/\|/g, '\\|') : padded}${fence}`;
}

/** A fenced block for evidence lines: the fence outgrows any backtick run inside. */
export function mdBlock(text: string, language = ''): string {
  const clean = stripControl(text);
  const longest = Math.max(2, ...[...clean.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${language}\n${clean}\n${fence}`;
}
