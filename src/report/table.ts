import Table from 'cli-table3';
import type { InventoryItem } from '../artifacts/artifact.js';
import type { RulesCatalogue } from './catalogue.js';
import { stripControl } from './escape.js';
import type { Report } from './report.js';
import { SEVERITIES } from '../rules/rule.js';

/** cli-table3's own colours are off (it ignores NO_COLOR); severity colour is added by colour.ts. */
const PLAIN = { head: [], border: [] };

function table(head: string[], widths?: number[]): Table.Table {
  return new Table({ head, style: PLAIN, wordWrap: true, ...(widths ? { colWidths: widths } : {}) });
}

function cell(text: string): string {
  return stripControl(text);
}

export function renderTable(report: Report): string {
  const lines: string[] = [];
  const counts = SEVERITIES.map((s) => `${report.summary[s]} ${s}`).join(', ');
  lines.push(`Istio bundle ${cell(report.bundle.source)} (${report.bundle.layout}${report.bundle.collectedAt ? `, ${report.bundle.collectedAt}` : ''}): ${counts}`);
  if (report.findings.length > 0) {
    const t = table(['#', 'severity', 'rule', 'subject', 'finding'], [4, 10, 8, 36, 70]);
    report.findings.forEach((f, i) => {
      const subject = `${f.subject.kind} ${f.subject.namespace ? `${f.subject.namespace}/` : ''}${f.subject.name}`;
      t.push([String(i + 1), f.severity, f.ruleId, cell(subject), cell(f.title)]);
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
