import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { diffReports } from '../../src/diff/diff.js';
import type { BundleDiff } from '../../src/diff/diff-schema.js';
import { loadSide } from '../../src/diff/inputs.js';
import { renderDiffMarkdown } from '../../src/diff/markdown.js';
import { renderDiffJson } from '../../src/diff/renderers.js';
import { analyzeBundle } from '../../src/pipeline.js';
import { tempDir } from '../bundle/helpers.js';
import { SAMPLES } from './bundles.js';
import { dataPlaneAfterFix } from './scenarios.js';

const BEFORE = join(SAMPLES, 'data-plane-503');
let afterPath: string;
let diff: BundleDiff;

const row = (f: { ruleId: string; subject: { kind: string; namespace?: string; name: string } }) => `${f.ruleId} ${f.subject.kind} ${f.subject.namespace ?? ''}/${f.subject.name}`;

beforeAll(async () => {
  afterPath = (await dataPlaneAfterFix()).root;
  diff = diffReports(await loadSide(BEFORE), await loadSide(afterPath));
}, 60_000);

describe('diff findings by fingerprint (data-plane-503, then the customer\'s change)', () => {
  it('sorts the findings into new, resolved and persisting, with the severity changes', async () => {
    const before = (await analyzeBundle(BEFORE)).report;
    const after = (await analyzeBundle(afterPath)).report;
    expect(diff.findings.new.map(row)).toEqual(['CFG002 VirtualService bookinfo/ratings']);
    expect(diff.findings.resolved.map(row)).toEqual(['CFG003 VirtualService bookinfo/reviews']);
    expect(diff.findings.persisting.map((p) => `${row(p)} ${p.severityBefore}→${p.severity}`)).toEqual([
      'LOG001 Service bookinfo/ratings high→critical',
      'LOG005 Deployment bookinfo/details-v1 critical→critical',
      'LOG002 Service bookinfo/reviews high→high',
      'LOG009 Mesh /all proxies info→info',
    ]);
    expect(diff.findings.notRechecked).toEqual([]);
    // The fingerprints are the reports' own: new from the later bundle only, resolved from the earlier only.
    const printsBefore = new Set(before.findings.map((f) => f.fingerprint));
    const printsAfter = new Set(after.findings.map((f) => f.fingerprint));
    expect(diff.findings.new.every((f) => printsAfter.has(f.fingerprint) && !printsBefore.has(f.fingerprint))).toBe(true);
    expect(diff.findings.resolved.every((f) => printsBefore.has(f.fingerprint) && !printsAfter.has(f.fingerprint))).toBe(true);
    expect(diff.findings.persisting.every((f) => printsBefore.has(f.fingerprint) && printsAfter.has(f.fingerprint))).toBe(true);
    expect(diff.summary).toEqual({ new: 1, resolved: 1, persisting: 4, severityChanged: 1, notRechecked: 0, newBySeverity: { critical: 1, high: 0, medium: 0, low: 0, info: 0 } });
  });

  it('compares failures per upstream cluster and says the configuration changed (MEM003 reads no leak into it)', () => {
    const ratings = diff.metrics.upstreams.find((u) => u.upstream === 'outbound|9080||ratings.bookinfo.svc.cluster.local')!;
    expect(ratings.before).toMatchObject({ requests: 4, failed: 2, failureRate: 0.5, byFlag: { UF: 2, URX: 2 } });
    expect(ratings.after).toMatchObject({ requests: 16, failed: 14, byFlag: { UF: 14, URX: 14 } });
    // No traffic in both and no failure in either: left out.
    expect(diff.metrics.upstreams.map((u) => u.upstream)).toContain('outbound|9080||details.bookinfo.svc.cluster.local');
    expect(diff.metrics.configuration.same).toBe(false);
    expect(diff.leak.status).toBe('configuration-changed');
    expect(diff.metrics.collection).toEqual({ before: '2025-04-22T14:08:33Z', after: '2025-04-22T16:08:33Z', elapsedSeconds: 7200 });
  });

  it('renders new findings first, then resolved and persisting with the severity change', () => {
    const md = renderDiffMarkdown(diff);
    expect(md).toContain('**1 new (1 critical) · 1 resolved · 4 persisting (1 severity change)** · 2 h between the collections · **configuration changed**');
    const at = (text: string) => md.indexOf(text);
    expect(at('## New findings')).toBeLessThan(at('### CFG002 · critical'));
    expect(at('### CFG002 · critical')).toBeLessThan(at('## Resolved'));
    expect(at('## Resolved')).toBeLessThan(at('| critical | CFG003 |'));
    expect(at('| critical | CFG003 |')).toBeLessThan(at('## Persisting'));
    expect(md).toContain('| **high → critical** | LOG001 |');
    expect(md).toContain('| `outbound\\|9080\\|\\|ratings.bookinfo.svc.cluster.local` | 2/4 (50 %) | 14/16 (87.5 %) | UF 2, URX 2 | UF 14, URX 14 |');
  });

  it('reads a stored JSON report as the same side as its bundle', async () => {
    const dir = await tempDir('ibundle-diff-');
    const stored = join(dir, 'before.json');
    await writeFile(stored, `${JSON.stringify((await analyzeBundle(BEFORE)).report, null, 2)}\n`);
    const fromReport = diffReports(await loadSide(stored), await loadSide(afterPath));
    expect(fromReport.before).toMatchObject({ from: 'report', input: stored, source: 'data-plane-503' });
    const { before: _a, ...rest } = fromReport;
    const { before: _b, ...expected } = diff;
    void _a;
    void _b;
    expect(rest).toEqual(expected);
  });

  it('is deterministic: the same inputs give byte-identical JSON and Markdown', async () => {
    const again = diffReports(await loadSide(BEFORE), await loadSide(afterPath));
    expect(renderDiffJson(again)).toBe(renderDiffJson(diff));
    expect(renderDiffMarkdown(again)).toBe(renderDiffMarkdown(diff));
  });

  it('calls a finding whose rule the later bundle could not run not re-checked, not resolved', async () => {
    const before = await loadSide(BEFORE);
    const after = await loadSide(afterPath);
    after.report = { ...after.report, rulesChecked: after.report.rulesChecked.filter((id) => id !== 'CFG003') };
    const partial = diffReports(before, after);
    expect(partial.findings.resolved).toEqual([]);
    expect(partial.findings.notRechecked.map(row)).toEqual(['CFG003 VirtualService bookinfo/reviews']);
    expect(partial.coverage.checkedBeforeOnly).toEqual(['CFG003']);
  });
});
