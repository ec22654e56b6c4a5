import { compareText } from '../order.js';
import { severityRank, type Finding, type Severity } from '../rules/rule.js';
import { CORRELATIONS, type Correlation } from './correlations.js';
import { applySuppressions, type ExpiredSuppression, type SuppressedFinding, type Suppression } from './suppressions.js';

export type { ExpiredSuppression, SuppressedFinding, Suppression } from './suppressions.js';

export interface FindingsOptions {
  /** Show findings at or above this severity (`--min-severity`); the others are counted as hidden. */
  minSeverity?: Severity;
  /** The run fails (exit 1) when a finding that is not suppressed is at or above this (`--fail-on`). */
  failOn?: Severity | 'never';
  /** Findings already discussed with the customer (`--suppress`, `--suppressions FILE`): findings/suppressions.ts. */
  suppressions?: readonly Suppression[];
  /** The bundle's collection time: the "now" suppressions expire against (never the wall clock). */
  collectedAt?: string;
}

/** What the report shows and the exit code reads: one decision, made once. */
export interface FindingsOutcome {
  shown: Finding[];
  hidden?: { belowSeverity: Severity; count: number };
  suppressed: SuppressedFinding[];
  /** Suppressions that expired before the bundle was collected: not applied, their findings are reported. */
  suppressionsExpired: ExpiredSuppression[];
  /** Suppressions that matched no finding of this bundle (stale). */
  suppressionsUnmatched: Suppression[];
  /** A finding at or above `failOn`, shown or hidden, and not suppressed. */
  failed: boolean;
}

/**
 * The stage after the rules: suppress, correlate (symptom → cause), then split what is shown from
 * what `--min-severity` hides. `--fail-on` reads every finding that is not suppressed, shown or not.
 */
export function findingsStage(findings: readonly Finding[], options: FindingsOptions = {}, correlations: readonly Correlation[] = CORRELATIONS): FindingsOutcome {
  const { kept: unsuppressed, suppressed, expired, unmatched } = applySuppressions(findings, options.suppressions ?? [], options.collectedAt);
  // Links only between findings the report carries: a suppressed cause is not pointed at.
  const kept = correlate(unsuppressed, correlations);
  const minimum = options.minSeverity ?? 'info';
  const shown = kept.filter((f) => severityRank(f.severity) <= severityRank(minimum));
  const hiddenCount = kept.length - shown.length;
  const failOn = options.failOn ?? 'never';
  return {
    shown,
    ...(hiddenCount > 0 ? { hidden: { belowSeverity: minimum, count: hiddenCount } } : {}),
    suppressed,
    suppressionsExpired: expired,
    suppressionsUnmatched: unmatched,
    failed: failOn !== 'never' && kept.some((f) => severityRank(f.severity) <= severityRank(failOn)),
  };
}

/** Symptom → cause links both ways: a symptom says what explains it (`causedBy`), a cause what it explains (`explains`). */
function correlate(findings: readonly Finding[], correlations: readonly Correlation[]): Finding[] {
  const causedBy = new Map<Finding, string[]>();
  const explains = new Map<Finding, string[]>();
  for (const symptom of findings) {
    for (const correlation of correlations.filter((c) => c.symptom === symptom.ruleId)) {
      for (const cause of findings.filter((f) => f.ruleId === correlation.cause && f !== symptom && correlation.matches(symptom, f))) {
        causedBy.set(symptom, [...(causedBy.get(symptom) ?? []), cause.fingerprint]);
        explains.set(cause, [...(explains.get(cause) ?? []), symptom.fingerprint]);
      }
    }
  }
  const sorted = (fingerprints: string[] | undefined) => (fingerprints ? [...new Set(fingerprints)].sort(compareText) : undefined);
  return findings.map((finding) => {
    const causes = sorted(causedBy.get(finding));
    const symptoms = sorted(explains.get(finding));
    if (!causes && !symptoms) return finding;
    return { ...finding, ...(causes ? { causedBy: causes } : {}), ...(symptoms ? { explains: symptoms } : {}) };
  });
}
