import Table from 'cli-table3';
import type { InventoryItem } from '../artifacts/artifact.js';
import type { RulesCatalogue } from './catalogue.js';
import { stripControl } from './escape.js';
import { secretMaterialText, type Report } from './report.js';
import { paintSeverity, wrapText, type TerminalStyle } from './terminal.js';
import { subjectText } from '../rules/evidence.js';
import { SEVERITIES } from '../rules/rule.js';

/** cli-table3's own colours are off (it ignores NO_COLOR); severity colour comes from terminal.ts. */
const PLAIN = { head: [], border: [] };

function cell(text: string): string {
  return stripControl(text);
}

/** cli-table3 pads a cell with one blank on each side, and draws a border before every cell and after the last. */
const PADDING = 2;
const MIN_TEXT = 12;

/**
 * A column: fixed content width, or a share of what the terminal leaves after the fixed ones. On
 * a terminal the table fits its width and long cells wrap (a word longer than its column is broken,
 * never cut); without a width (piped, `--wide`) every cell is as wide as it needs.
 */
interface Column {
  head: string;
  fixed?: number;
  share?: number;
  /** Applied after wrapping (colour codes take no columns). */
  paint?: (text: string) => string;
}

function fittedTable(columns: readonly Column[], rows: readonly string[][], width: number | undefined): string {
  let widths: number[] | undefined;
  if (width !== undefined) {
    const fixed = columns.reduce((sum, c) => sum + (c.fixed ?? 0), 0);
    const borders = columns.length + 1;
    const flexible = columns.filter((c) => c.fixed === undefined);
    const shares = flexible.reduce((sum, c) => sum + (c.share ?? 1), 0);
    const free = Math.max(flexible.length * MIN_TEXT, width - borders - columns.length * PADDING - fixed);
    widths = columns.map((c) => c.fixed ?? Math.max(MIN_TEXT, Math.floor((free * (c.share ?? 1)) / shares)));
    // Raising a narrow column to MIN_TEXT can overshoot: take the excess from the widest flexible one.
    const excess = columns.reduce((sum, c, i) => sum + (c.fixed === undefined ? widths![i]! : 0), 0) - free;
    if (excess > 0) {
      const widest = widths.reduce((best, w, i) => (columns[i]!.fixed === undefined && w > (widths![best] ?? -1) ? i : best), -1);
      if (widest >= 0) widths[widest] = Math.max(MIN_TEXT, widths[widest]! - excess);
    }
  }
  const t = new Table({ head: columns.map((c, i) => (widths ? wrapText(c.head, widths[i]!) : c.head)), style: PLAIN, ...(widths ? { colWidths: widths.map((w) => w + PADDING) } : {}) });
  for (const row of rows) {
    t.push(row.map((text, i) => {
      const fitted = widths ? wrapText(text, widths[i]!) : text;
      return columns[i]!.paint?.(fitted) ?? fitted;
    }));
  }
  return t.toString();
}

/**
 * The terminal summary. On a terminal it fits the width (cells wrap, nothing is cut); piped or with
 * `--wide` every finding is one row as long as it needs. Numbers are the Markdown report's.
 */
export function renderTable(report: Report, style: TerminalStyle = { color: false }): string {
  const lines: string[] = [];
  const counts = SEVERITIES.map((s) => `${report.summary[s]} ${s}`).join(', ');
  const hidden = report.hidden ? `; ${report.hidden.count} below ${report.hidden.belowSeverity} not shown (--min-severity)` : '';
  const suppressed = report.suppressed ? `; ${report.suppressed.length} suppressed` : '';
  lines.push(`Istio bundle ${cell(report.bundle.source)} (${report.bundle.layout}${report.bundle.collectedAt ? `, ${report.bundle.collectedAt}` : ''}): ${counts}${hidden}${suppressed}`);
  for (const s of report.suppressionsExpired ?? []) lines.push(`Suppression expired ${cell(s.expires)}, not applied: ${cell(s.source)}`);
  if (report.secretMaterial) {
    lines.push(`CONFIDENTIAL: this bundle holds private keys or secret values; handle it as confidential and ask the customer to rotate them:`);
    for (const m of report.secretMaterial) lines.push(`  ${cell(m.path)}${m.line ? `:${m.line}` : ''}: ${cell(secretMaterialText(m))}`);
  }
  const findings = [...report.findings].sort((a, b) => a.number - b.number);
  if (findings.length > 0) {
    const columns: Column[] = [
      { head: '#', fixed: 3 },
      { head: 'severity', fixed: 8, paint: (text) => paintSeverity(text, style.color) },
      { head: 'rule', fixed: 6 },
      { head: 'subject', share: 2 },
      { head: 'finding', share: 3 },
    ];
    const rows = findings.map((f) => [
      String(f.number),
      f.severity,
      f.ruleId,
      cell(subjectText(f.subject)),
      cell(f.title),
    ]);
    lines.push(fittedTable(columns, rows, style.width));
  }
  if (report.notChecked.length > 0) {
    lines.push('Not checked:');
    for (const n of report.notChecked) lines.push(`  ${n.ruleId}: ${cell(n.reason)}${n.collect[0] ? ` — run: ${cell(n.collect[0])}` : ''}`);
  }
  const inv = report.inventorySummary;
  lines.push(`Inventory: ${inv.used} used, ${inv['not-analysed']} not analysed, ${inv.invalid} invalid, ${inv['not-recognised']} not recognised, ${inv.skipped} skipped (--format md or json for details)`);
  return `${lines.join('\n')}\n`;
}

export function renderInventoryTable(inventory: InventoryItem[], width?: number): string {
  const columns: Column[] = [{ head: 'file', share: 3 }, { head: 'status', fixed: 14 }, { head: 'kind', fixed: 24 }, { head: 'reason', share: 4 }];
  const rows = inventory.map((item) => [cell(item.path), item.status, item.kind ?? '', cell(item.reason ?? (item.recognisedBy ? `recognised by ${item.recognisedBy}` : ''))]);
  return `${fittedTable(columns, rows, width)}\n`;
}

export function renderRulesTable(catalogue: RulesCatalogue, width?: number): string {
  const columns: Column[] = [{ head: 'id', fixed: 6 }, { head: 'severity', fixed: 8 }, { head: 'step', fixed: 13 }, { head: 'title', share: 3 }, { head: 'Istio codes', fixed: 7 }, { head: 'inputs', share: 2 }];
  const rows = catalogue.map((rule) => [rule.id, rule.severity, rule.step, rule.title, (rule.istioCodes ?? []).join(' '), rule.inputs.join(', ')]);
  return `${fittedTable(columns, rows, width)}\n`;
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
  if (rule.istioCodes) lines.push(`Istio analysis codes derived offline: ${rule.istioCodes.join(', ')}`);
  lines.push(`Inputs: ${rule.inputs.join(', ')}`, `Docs: ${rule.docs.join(' ')}`);
  return `${lines.join('\n')}\n`;
}
