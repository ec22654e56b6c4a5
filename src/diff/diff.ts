import type { Report } from '../report/report.js';
import { compareFindings } from '../rules/run.js';
import { SEVERITIES, type Severity } from '../rules/rule.js';
import { compareText } from '../order.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import { DIFF_SCHEMA_VERSION, type BundleDiff } from './diff-schema.js';
import { compareReportFindings } from './findings.js';
import type { LoadedSide } from './inputs.js';
import { checkLeak } from './mem003.js';
import { metricDeltas } from './metrics.js';

function sideOf({ input, from, report }: LoadedSide): BundleDiff['before'] {
  return {
    input,
    from,
    source: report.bundle.source,
    collectedAt: report.bundle.collectedAt,
    collectedAtSource: report.bundle.collectedAtSource,
    ...(report.bundle.cluster ? { cluster: report.bundle.cluster } : {}),
    toolVersion: report.tool.version,
    findings: report.findings.length,
    ...(report.hidden ? { hiddenBelow: report.hidden.belowSeverity } : {}),
  };
}

function warningsOf(before: Report, after: Report): string[] {
  const out: string[] = [];
  if (before.tool.version !== after.tool.version) out.push(`the reports were written by different analyzer versions (${before.tool.version}, then ${after.tool.version}): a rule changed between them may show as new or resolved`);
  for (const [label, report] of [['earlier', before], ['later', after]] as const) {
    if (report.hidden) out.push(`the ${label} report hid ${report.hidden.count} finding(s) below ${report.hidden.belowSeverity} (--min-severity): the diff cannot see them`);
    if (report.bundle.collectedAtSource === 'newest-timestamp') out.push(`the ${label} bundle has no manifest collectedAt: its collection time is the newest timestamp in it (${report.bundle.collectedAt})`);
  }
  if (before.bundle.cluster && after.bundle.cluster && before.bundle.cluster !== after.bundle.cluster) out.push(`the bundles are of different clusters (${before.bundle.cluster}, then ${after.bundle.cluster})`);
  return out;
}

/** What changed between two reports (each from a bundle analysed now or a stored JSON report). Deterministic: no clock, stable order. */
export function diffReports(before: LoadedSide, after: LoadedSide): BundleDiff {
  const compared = compareReportFindings(before.report, after.report);
  const metrics = metricDeltas(before.report, after.report);
  const leak = checkLeak(before, after, metrics);
  const created = [...compared.new, ...leak.findings].sort(compareFindings);
  const newBySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, created.filter((f) => f.severity === s).length])) as Record<Severity, number>;
  const checkedBefore = new Set(before.report.rulesChecked);
  const checkedAfter = new Set(after.report.rulesChecked);
  return {
    schemaVersion: DIFF_SCHEMA_VERSION,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    before: sideOf(before),
    after: sideOf(after),
    summary: {
      new: created.length,
      resolved: compared.resolved.length,
      persisting: compared.persisting.length,
      severityChanged: compared.persisting.filter((p) => p.severity !== p.severityBefore).length,
      notRechecked: compared.notRechecked.length,
      newBySeverity,
    },
    findings: { ...compared, new: created },
    coverage: {
      checkedBeforeOnly: [...checkedBefore].filter((id) => !checkedAfter.has(id)).sort(compareText),
      checkedAfterOnly: [...checkedAfter].filter((id) => !checkedBefore.has(id)).sort(compareText),
    },
    metrics,
    leak: leak.leak,
    notChecked: leak.notChecked,
    warnings: warningsOf(before.report, after.report),
  };
}

/** `--fail-on`: a NEW finding (MEM003's among them) at or above the severity. */
export function diffFails(diff: BundleDiff, failOn: Severity | 'never'): boolean {
  if (failOn === 'never') return false;
  const line = SEVERITIES.indexOf(failOn);
  return diff.findings.new.some((f) => SEVERITIES.indexOf(f.severity) <= line);
}
