import { renderHtml } from './html/render.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import type { Report } from './report.js';
import { renderSarif } from './sarif.js';
import { renderTable } from './table.js';
import type { TerminalStyle } from './terminal.js';

/** What a renderer may know about where its text goes; the report itself holds everything else. */
export interface RenderOptions {
  terminal: TerminalStyle;
}

export interface Renderer {
  /** What `--format` names. */
  id: string;
  title: string;
  render(report: Report, options: RenderOptions): string;
}

/**
 * Every output format. `--format` offers exactly these; a new format (HTML, SARIF) is an entry
 * here that formats the report object, never the model.
 */
export const RENDERERS = {
  md: { id: 'md', title: 'Markdown, for tickets', render: (report) => renderMarkdown(report) },
  json: { id: 'json', title: 'JSON (schemas/report.schema.json), for automation', render: (report) => renderJson(report) },
  html: { id: 'html', title: 'one self-contained HTML page with charts, to attach to a ticket', render: (report) => renderHtml(report) },
  table: { id: 'table', title: 'a terminal summary', render: (report, options) => renderTable(report, options.terminal) },
  sarif: { id: 'sarif', title: 'SARIF 2.1.0, for code-scanning tools', render: (report) => renderSarif(report) },
} as const satisfies Record<string, Renderer>;

export type FormatId = keyof typeof RENDERERS;
export const FORMAT_IDS = Object.keys(RENDERERS) as FormatId[];
