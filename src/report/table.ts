import Table from 'cli-table3';
import type { InventoryItem } from '../artifacts/artifact.js';
import type { RulesCatalogue } from './catalogue.js';
import { stripControl } from './escape.js';
import type { Report } from './report.js';
import { paintSeverity, wrapText, type TerminalStyle } from './terminal.js';
import { SEVERITIES } from '../rules/rule.js';

/** cli-table3's own colours are off (it ignores NO_COLOR); severity colour comes from terminal.ts. */
const PLAIN = { head: [], border: [] };

function table(head: string[], widths?: number[]): Table.Table {
  return new Table({ head, style: PLAIN, wordWrap: true, ...(widths ? { colWidths: widths } : {}) });
}

function cell(text: string): string {
  return stripControl(text);
}

/** Fixed columns of the findings table (#, severity, rule), content width without padding. */
const FIXED = { number: 3, severity: 8, rule: 6 } as const;
/** cli-table3 pads a cell with one blank on each side; a row of 5 cells has 6 border characters. */
const PADDING = 2;
const BORDERS = 6;
const MIN_TEXT = 12;

/**
 * The terminal summary. On a terminal it fits the width (cells wrap, nothing is cut); piped or with
 * `--wide` every finding is one row as long as it needs. Numbers are the Markdown report's.
 */
export function renderTable(report: Report, style: TerminalStyle = { color: false }): string {
  const lines: string[] = [];
  const counts = SEVERITIES.map((s) => `${report.summary[s]} ${s}`).join(', ');
  const hidden = report.hidden ? `; ${report.hidden.count} below ${report.hidden.belowSeverity} not shown (--min-severity)` : '';
  lines.push(`Istio bundle ${cell(report.bundle.source)} (${report.bundle.layout}${report.bundle.collectedAt ? `, ${report.bundle.collectedAt}` : ''}): ${counts}${hidden}`);
  const findings = [...report.findings].sort((a, b) => a.number - b.number);
  if (findings.length > 0) {
    const fixed = FIXED.number + FIXED.severity + FIXED.rule + 3 * PADDING + BORDERS;
    const free = style.width === undefined ? undefined : Math.max(2 * MIN_TEXT, style.width - fixed - 2 * PADDING);
    const subjectWidth = free === undefined ? undefined : Math.max(MIN_TEXT, Math.floor(free * 0.4));
    const findingWidth = free === undefined || subjectWidth === undefined ? undefined : free - subjectWidth;
    const widths = subjectWidth === undefined || findingWidth === undefined ? undefined : [FIXED.number, FIXED.severity, FIXED.rule, subjectWidth, findingWidth].map((w) => w + PADDING);
    const fit = (text: string, width: number | undefined) => (width === undefined ? text : wrapText(text, width));
    const t = new Table({ head: ['#', 'severity', 'rule', 'subject', 'finding'], style: PLAIN, ...(widths ? { colWidths: widths } : {}) });
    findings.forEach((f) => {
      const subject = `${f.subject.kind} ${f.subject.namespace ? `${f.subject.namespace}/` : ''}${f.subject.name}`;
      t.push([String(f.number), paintSeverity(f.severity, style.color), f.ruleId, fit(cell(subject), subjectWidth), fit(cell(f.title), findingWidth)]);
    });
    lines.push(t.toString());
  }
  if (report.notChecked.length > 0) {
    lines.push('Not checked:');
    for (const n of report.notChecked) lines.push(`  ${n.ruleId}: ${cell(n.reason)}${n.collect[0] ? ` — run: ${cell(n.collect[0])}` : ''}`);
  }
  const inv = report.inventorySummary;
  lines.push(`Inventory: ${inv.used} used, ${inv.invalid} invalid, ${inv['not-recognised']} not recognised, ${inv.skipped} skipped (--format md or json for details)`);
  return `${lines.join('\n')}\n`;
}

export function renderInventoryTable(inventory: InventoryItem[]): string {
  const t = table(['file', 'status', 'kind', 'reason'], [48, 16, 22, 60]);
  for (const item of inventory) t.push([cell(item.path), item.status, item.kind ?? '', cell(item.reason ?? (item.recognisedBy ? `recognised by ${item.recognisedBy}` : ''))]);
  return `${t.toString()}\n`;
}

export function renderRulesTable(catalogue: RulesCatalogue): string {
  const t = table(['id', 'severity', 'step', 'title', 'inputs'], [8, 10, 15, 56, 36]);
  for (const rule of catalogue) t.push([rule.id, rule.severity, rule.step, rule.title, rule.inputs.join(', ')]);
  return `${t.toString()}\n`;
}

export function renderRuleText(rule: RulesCatalogue[number]): string {
  const lines = [
    `${rule.id} (${rule.slug}) · ${rule.severity} · step: ${rule.step}`,
    rule.title,
    '',
    `What it checks: ${rule.description}`,
    '',
    `Why it matters: ${rule.rationale}`,
    '',
    `Fix: ${rule.remediation}`,
    '',
  ];
  if (rule.threshold) lines.push(`Threshold: ${rule.threshold.value} (source: ${rule.threshold.source})`, '');
  lines.push(`Inputs: ${rule.inputs.join(', ')}`, `Docs: ${rule.docs.join(' ')}`);
  return `${lines.join('\n')}\n`;
}
