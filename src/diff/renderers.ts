import { jsonDocument } from '../report/json.js';
import type { TerminalStyle } from '../report/terminal.js';
import type { BundleDiff } from './diff-schema.js';
import { renderDiffMarkdown } from './markdown.js';
import { renderDiffTable } from './table.js';

export const DIFF_FORMATS = ['md', 'json', 'table'] as const;
export type DiffFormat = (typeof DIFF_FORMATS)[number];

/** JSON: one document, schemas/diff.schema.json. */
export function renderDiffJson(diff: BundleDiff): string {
  return jsonDocument(diff);
}

export function renderDiff(diff: BundleDiff, format: DiffFormat, style: TerminalStyle = { color: false }): string {
  if (format === 'json') return renderDiffJson(diff);
  if (format === 'table') return renderDiffTable(diff, style);
  return renderDiffMarkdown(diff);
}
