/**
 * Everything quoted from a bundle is hostile until proven otherwise: logs carry terminal escape
 * sequences, Markdown and HTML. These helpers make such text inert in each output.
 */

// eslint-disable-next-line no-control-regex
const ANSI_SEQUENCE = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])/g;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

// Bidirectional overrides can make displayed text differ from what it is (Trojan Source).
const BIDI = /[\u202a-\u202e\u2066-\u2069]/g;

/**
 * Removes terminal escape sequences, control characters (C0 and C1, e.g. the one-byte CSI `\x9b`;
 * keeps TAB and newline) and bidirectional overrides: every output (terminal table, SARIF, code
 * spans and fenced blocks, which render their content literally) shows text in its stored order.
 */
export function stripControl(text: string): string {
  return text.replace(ANSI_SEQUENCE, '').replace(CONTROL, '\uFFFD').replace(BIDI, '');
}

/** Characters that start Markdown syntax: emphasis, links and images (`[`), code spans, escapes. */
const MARKDOWN_SPECIALS = /[\\`*_[\]]/g;

function escapeOutsideCode(text: string): string {
  return text
    .replace(BIDI, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(MARKDOWN_SPECIALS, (c) => `\\${c}`);
}

/** Inline Markdown (table cells, headings): one line, every Markdown and HTML character inert. */
export function mdText(text: string): string {
  return escapeOutsideCode(stripControl(text).replace(/\r?\n|\t/g, ' ')).replace(/\|/g, '\\|');
}

/**
 * Prose written by rules: its `code spans` are kept (they render literally), everything between
 * them is escaped. Spans are matched as CommonMark does: a run of N backticks closes only with a
 * run of exactly N, so a value cannot open a span the renderer would not close.
 */
export function mdProse(text: string): string {
  const clean = stripControl(text);
  const span = /(?<!`)(`+)(?!`)([\s\S]*?[^`])\1(?!`)/g;
  let out = '';
  let last = 0;
  for (const m of clean.matchAll(span)) {
    out += escapeOutsideCode(clean.slice(last, m.index)) + m[0].replace(BIDI, '');
    last = m.index + m[0].length;
  }
  return out + escapeOutsideCode(clean.slice(last));
}

/** A code span that survives any content: the fence is longer than the longest backtick run. */
export function mdCode(text: string, inTable = false): string {
  const clean = stripControl(text).replace(/\r?\n/g, ' ');
  const longest = Math.max(0, ...[...clean.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const padded = clean.startsWith('`') || clean.endsWith('`') ? ` ${clean} ` : clean;
  return `${fence}${inTable ? padded.replace(/\|/g, '\\|') : padded}${fence}`;
}

/** Documentation the report links to: Istio's and Envoy's own sites, nothing from the bundle. */
const DOCS_URL = /^https:\/\/(?:istio\.io|www\.envoyproxy\.io)\/[A-Za-z0-9._~\/#%?=&+:-]*$/;

/** Whether a renderer may link to a URL (Markdown, SARIF `helpUri`): only the docs sites above. */
export function isDocsUrl(url: string): boolean {
  return DOCS_URL.test(url);
}

/**
 * A link as a CommonMark autolink. Its target is never escaped (backslash escapes are not
 * processed inside `<…>`, so `access\_log` would break the URL); anything that is not a docs URL
 * is shown as code, not linked.
 */
export function mdLink(url: string): string {
  return DOCS_URL.test(url) ? `<${url}>` : mdCode(url);
}

/** A fenced block for evidence lines: the fence outgrows any backtick run inside. */
export function mdBlock(text: string, language = ''): string {
  const clean = stripControl(text);
  const longest = Math.max(2, ...[...clean.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${language}\n${clean}\n${fence}`;
}

/** Text with no terminal escapes, control characters or bidirectional overrides: what any output may show. */
export function inertText(text: string): string {
  return stripControl(text);
}
