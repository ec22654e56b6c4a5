import type { Report } from '../report/report.js';
import { compareFindings } from '../rules/run.js';
import type { Finding } from '../rules/rule.js';
import type { BundleDiff } from './diff-schema.js';

type Compared = { new: Finding[]; resolved: Finding[]; persisting: BundleDiff['findings']['persisting']; notRechecked: Finding[] };

/** A report's finding without its place in that report: the diff has its own order. */
function unnumbered(finding: Report['findings'][number]): Finding {
  const { number: _number, ...rest } = finding;
  void _number;
  return rest;
}

/**
 * The two reports' findings by fingerprint (rule + subject + key): new, resolved, persisting (with
 * the severity before). A finding of the earlier bundle whose rule the later one could not run is
 * not resolved, only not re-checked. Every list in severity, rule id, subject order.
 */
export function compareReportFindings(before: Report, after: Report): Compared {
  const beforeByPrint = new Map(before.findings.map((f) => [f.fingerprint, f]));
  const afterPrints = new Set(after.findings.map((f) => f.fingerprint));
  const checkedAfter = new Set(after.rulesChecked);
  const created = after.findings.filter((f) => !beforeByPrint.has(f.fingerprint)).map(unnumbered);
  const gone = before.findings.filter((f) => !afterPrints.has(f.fingerprint)).map(unnumbered);
  const persisting = after.findings
    .filter((f) => beforeByPrint.has(f.fingerprint))
    .sort(compareFindings)
    .map((f) => ({ fingerprint: f.fingerprint, ruleId: f.ruleId, step: f.step, title: f.title, subject: f.subject, severity: f.severity, severityBefore: beforeByPrint.get(f.fingerprint)!.severity }));
  return {
    new: created.sort(compareFindings),
    resolved: gone.filter((f) => checkedAfter.has(f.ruleId)).sort(compareFindings),
    persisting,
    notRechecked: gone.filter((f) => !checkedAfter.has(f.ruleId)).sort(compareFindings),
  };
}
