import { subjectText } from '../rules/evidence.js';
import Table from 'cli-table3';
import { stripControl } from '../report/escape.js';
import { paintSeverity, wrapText, type TerminalStyle } from '../report/terminal.js';
import type { BundleDiff, MemoryRow } from './diff-schema.js';
import { durationText, mibText, signedMib, signedPercent } from './units.js';

const PLAIN = { head: [], border: [] };
const cell = (text: string) => stripControl(text);

interface Row {
  change: string;
  severity: string;
  rule: string;
  subject: string;
  title: string;
}

/** The findings that moved, one row each: new first, then severity changes, resolved, not re-checked. */
function findingRows(diff: BundleDiff): Row[] {
  const f = diff.findings;
  return [
    ...f.new.map((x) => ({ change: 'new', severity: x.severity, rule: x.ruleId, subject: subjectText(x.subject), title: x.title })),
    ...f.persisting.filter((p) => p.severity !== p.severityBefore).map((x) => ({ change: `${x.severityBefore}→`, severity: x.severity, rule: x.ruleId, subject: subjectText(x.subject), title: x.title })),
    ...f.resolved.map((x) => ({ change: 'resolved', severity: x.severity, rule: x.ruleId, subject: subjectText(x.subject), title: x.title })),
    ...f.notRechecked.map((x) => ({ change: 'unknown', severity: x.severity, rule: x.ruleId, subject: subjectText(x.subject), title: x.title })),
  ];
}

function memoryLine(label: string, row: MemoryRow): string | undefined {
  if (row.beforeBytes === undefined || row.afterBytes === undefined) return undefined;
  const restart = row.restarted ? ` (restarted: ${row.podBefore} → ${row.podAfter})` : '';
  return `  ${label} ${cell(row.key)}: ${mibText(row.beforeBytes)} → ${mibText(row.afterBytes)} (${signedMib(row.changeBytes!)}${row.changeShare !== undefined ? `, ${signedPercent(row.changeShare)}` : ''})${cell(restart)}`;
}

/** The terminal summary of a diff: counts, the findings that moved, memory, MEM003, what was not checked. */
export function renderDiffTable(diff: BundleDiff, style: TerminalStyle = { color: false }): string {
  const lines: string[] = [];
  const s = diff.summary;
  const elapsed = diff.metrics.collection.elapsedSeconds;
  lines.push(`Istio bundle diff ${cell(diff.before.source)} → ${cell(diff.after.source)}${elapsed !== null ? ` (${durationText(elapsed)} apart)` : ''}: ${s.new} new, ${s.resolved} resolved, ${s.persisting} persisting (${s.severityChanged} severity changes)${s.notRechecked > 0 ? `, ${s.notRechecked} not re-checked` : ''}`);
  const rows = findingRows(diff);
  if (rows.length > 0) {
    const widths = style.width ? fitted(style.width) : undefined;
    const wrap = (text: string, i: number) => (widths ? wrapText(text, widths[i]!) : text);
    const t = new Table({ head: ['change', 'severity', 'rule', 'subject', 'finding'], style: PLAIN, ...(widths ? { colWidths: widths.map((w) => w + 2) } : {}) });
    for (const r of rows) t.push([r.change, paintSeverity(r.severity, style.color), r.rule, wrap(cell(r.subject), 3), wrap(cell(r.title), 4)]);
    lines.push(t.toString());
  }
  const c = diff.metrics.configuration;
  lines.push(`Configuration: ${c.same === null ? 'not compared (a digest is missing)' : c.same ? `unchanged (${c.after!.digest})` : `changed (${c.before!.digest} → ${c.after!.digest})`}`);
  const memory = [...diff.metrics.istiod.map((r) => memoryLine('istiod', r)), ...diff.metrics.proxies.map((r) => memoryLine('proxy', r))].filter((l): l is string => l !== undefined);
  if (memory.length > 0) lines.push('Memory:', ...memory);
  const sync = diff.metrics.sync;
  if (sync.staleBefore !== null && sync.staleAfter !== null) lines.push(`STALE proxies: ${sync.staleBefore} → ${sync.staleAfter}${sync.newStale.length > 0 ? `; new: ${cell(sync.newStale.join(', '))}` : ''}${sync.cleared.length > 0 ? `; cleared: ${cell(sync.cleared.join(', '))}` : ''}`);
  lines.push(`MEM003: ${diff.leak.status}: ${cell(diff.leak.reason.replace(/`/g, ''))}`);
  for (const n of diff.notChecked) lines.push(`Not checked: ${n.ruleId}: ${cell(n.reason.replace(/`/g, ''))}${n.collect[0] ? ` — run: ${cell(n.collect[0])}` : ''}`);
  for (const w of diff.warnings) lines.push(`warning: ${cell(w)}`);
  lines.push('(--format md or json for the explanations, metric tables and fixes)');
  return `${lines.join('\n')}\n`;
}

/** Column widths for a terminal: change, severity and rule fixed, subject and finding share the rest (2:3). */
function fitted(width: number): number[] {
  const fixed = [9, 8, 7];
  const free = Math.max(24, width - 6 - 5 * 2 - fixed.reduce((a, b) => a + b, 0));
  return [...fixed, Math.max(12, Math.floor((free * 2) / 5)), Math.max(12, Math.floor((free * 3) / 5))];
}
