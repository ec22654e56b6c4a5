import { stripControl } from '../report/escape.js';
import type { RedactSummary } from './redact-bundle.js';

/** What `istio-bundle redact` prints on stderr: where, how many files, removals per layer, what was not scanned. */
export function summaryText(summary: RedactSummary): string {
  const lines = [`Redacted bundle: ${summary.out} (${summary.files} files)`];
  const removed = summary.totals.reduce((n, [, count]) => n + count, 0);
  lines.push(`Removed: ${removed} values in ${summary.redactedFiles} files${removed > 0 ? `: ${summary.totals.map(([layer, n]) => `${layer} ${n}`).join(', ')}` : ''}`);
  if (summary.notScanned.length > 0) {
    lines.push(`Not scanned: ${summary.notScanned.length} entries`);
    for (const entry of summary.notScanned.slice(0, 20)) lines.push(`  ${stripControl(entry.path)}: ${stripControl(entry.reason)}`);
    if (summary.notScanned.length > 20) lines.push(`  ... and ${summary.notScanned.length - 20} more (see redaction-report.json in the bundle)`);
  }
  lines.push('Details per file: redaction-report.json in the bundle');
  return `${lines.join('\n')}\n`;
}
