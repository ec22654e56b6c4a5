import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tempDir } from '../bundle/helpers.js';
import { runCli } from '../helpers/cli.js';
import { reportSchemaErrors, undeclaredReportFields } from '../helpers/report-schema.js';

const SAMPLE = join(import.meta.dirname, '..', '..', 'samples', 'data-plane-503');
/** The sample's LOG002 finding (high): no healthy upstream for Service bookinfo/reviews. */
const LOG002 = '1218ba71e3929107';

type Report = {
  summary: Record<'critical' | 'high' | 'medium' | 'low' | 'info', number>;
  findings: Array<{ ruleId: string; fingerprint: string; severity: string }>;
  suppressed?: Array<Record<string, unknown>>;
  suppressionsExpired?: Array<Record<string, unknown>>;
  suppressionsUnmatched?: Array<Record<string, unknown>>;
  warnings: string[];
};

afterEach(() => vi.restoreAllMocks());

async function json(...args: string[]): Promise<{ code: number; report: Report; stderr: string }> {
  const { code, stdout, stderr } = await runCli('analyze', SAMPLE, '--format', 'json', ...args);
  const report = JSON.parse(stdout) as Report;
  expect(reportSchemaErrors(report)).toEqual([]);
  expect(undeclaredReportFields(report)).toEqual([]);
  return { code, report, stderr };
}

async function suppressionsFile(text: string): Promise<string> {
  const file = join(await tempDir('ibundle-suppress-'), 'suppressions.yaml');
  await writeFile(file, text);
  return file;
}

describe('analyze --suppress', () => {
  it('leaves the finding out of the findings, the summary and --fail-on, and lists it with the reason', async () => {
    const before = await json('--fail-on', 'high', '--min-severity', 'high');
    expect(before.report.findings.map((f) => f.ruleId)).toEqual(['CFG003', 'LOG005', 'LOG001', 'LOG002']);
    const after = await json('--fail-on', 'high', '--suppress', 'LOG002=Service bookinfo/*');
    expect(after.report.findings.map((f) => f.ruleId)).not.toContain('LOG002');
    expect(after.report.findings).toHaveLength(4);
    expect(after.report.summary.high).toBe(before.report.summary.high - 1);
    expect(after.report.suppressed).toEqual([
      {
        fingerprint: LOG002,
        ruleId: 'LOG002',
        title: 'no healthy upstream for reviews.bookinfo.svc.cluster.local seen by productpage-v1-54bb874995-9xq7d',
        severity: 'high',
        subject: { kind: 'Service', namespace: 'bookinfo', name: 'reviews' },
        reason: 'given on the command line (--suppress)',
        source: '--suppress LOG002=Service bookinfo/*',
      },
    ]);
    expect(after.report.suppressionsUnmatched).toBeUndefined();
  });

  it('changes the exit code of --fail-on once every finding at the threshold is suppressed', async () => {
    // data-plane-503's findings at or above critical: CFG003 and LOG005
    expect((await runCli('analyze', SAMPLE, '--format', 'json', '--fail-on', 'critical', '-S', 'CFG003=*')).code).toBe(1);
    const quiet = await json('--fail-on', 'critical', '-S', 'CFG003=VirtualService reviews.bookinfo', '-S', 'rbac-access-denied=Deployment bookinfo/details-*');
    expect(quiet.code).toBe(0);
    expect(quiet.report.summary.critical).toBe(0);
    expect(quiet.report.suppressed?.map((s) => s.ruleId)).toEqual(['CFG003', 'LOG005']);
  });

  it('counts the suppressed findings in the Markdown headline and lists them under Suppressed', async () => {
    const { code, stdout } = await runCli('analyze', SAMPLE, '--format', 'md', '--suppress', 'LOG002=Service bookinfo/*');
    expect(code).toBe(0);
    const headline = stdout.split('\n')[2]!;
    expect(headline).toMatch(/^\*\*2 critical · 1 high · 1 info\*\* · 1 suppressed · /);
    const section = stdout.slice(stdout.indexOf('## Suppressed'), stdout.indexOf('## Inventory'));
    expect(section).toContain(`| LOG002 | no healthy upstream for reviews.bookinfo.svc.cluster.local seen by productpage-v1-54bb874995-9xq7d | \`${LOG002}\` | Service bookinfo/reviews | given on the command line (--suppress) | \`--suppress LOG002=Service bookinfo/*\` | — |`);
    const table = await runCli('analyze', SAMPLE, '--format', 'table', '--suppress', 'LOG002=Service bookinfo/*');
    expect(table.stdout.split('\n')[0]).toMatch(/: 2 critical, 1 high, 0 medium, 0 low, 1 info; 1 suppressed$/);
  });

  it('says what a suppression that matches nothing is, without failing', async () => {
    const { code, report } = await json('--suppress', 'LOG002=Service other/*');
    expect(code).toBe(0);
    expect(report.suppressed).toBeUndefined();
    expect(report.findings.map((f) => f.fingerprint)).toContain(LOG002);
    expect(report.suppressionsUnmatched).toEqual([{ rule: 'LOG002', subject: 'Service other/*', reason: 'given on the command line (--suppress)', source: '--suppress LOG002=Service other/*' }]);
  });

  it('exits 2 with one line naming the option for a bad spec', async () => {
    for (const [spec, message] of [
      ['LOG002', 'istio-bundle: --suppress "LOG002": expected RULE=RESOURCE, e.g. --suppress "LOG002=Service prod/*" (no "=" in it)\n'],
      ['LOG999=*', 'istio-bundle: --suppress "LOG999=*": unknown rule "LOG999" (run `istio-bundle rules` for the list, or use *)\n'],
    ] as const) {
      const { code, stdout, stderr } = await runCli('analyze', SAMPLE, '--format', 'json', '--suppress', spec);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toBe(message);
    }
  });
});

describe('analyze --suppressions FILE', () => {
  it('applies an entry with its reason and expiry, reports an expired one and does not apply it', async () => {
    const file = await suppressionsFile(
      [
        'suppressions:',
        '  - rule: LOG002',
        '    subject: "Service bookinfo/*"',
        '    reason: "discussed with the customer in ticket 1234: migration in progress"',
        '    expires: 2027-01-15',
        '  - rule: LOG001',
        '    subject: "Service ratings.bookinfo"',
        '    reason: "ticket 999, until the ratings rollout"',
        '    expires: 2025-04-21', // the bundle was collected 2025-04-22T14:08:33Z
        '',
      ].join('\n'),
    );
    const { code, report } = await json('--suppressions', file, '--fail-on', 'high', '--min-severity', 'high');
    expect(code).toBe(1); // LOG001 (high) is reported: its suppression expired
    expect(report.findings.map((f) => f.ruleId)).toEqual(['CFG003', 'LOG005', 'LOG001']);
    expect(report.suppressed).toEqual([expect.objectContaining({ fingerprint: LOG002, reason: 'discussed with the customer in ticket 1234: migration in progress', source: `${file} entry 1 (line 2)`, expires: '2027-01-15' })]);
    expect(report.suppressionsExpired).toEqual([
      { rule: 'LOG001', subject: 'Service ratings.bookinfo', reason: 'ticket 999, until the ratings rollout', expires: '2025-04-21', source: `${file} entry 2 (line 6)`, wouldSuppress: ['4f0dd115b0eed304'] },
    ]);
    expect(report.warnings).toContain(`suppression ${file} entry 2 (line 6) expired (2025-04-21) before the bundle was collected (2025-04-22T14:08:33Z): not applied, its finding is reported; renew it or remove it`);

    const { stdout } = await runCli('analyze', SAMPLE, '--format', 'md', '--suppressions', file);
    expect(stdout.split('\n')[2]).toMatch(/^\*\*2 critical · 1 high · 1 info\*\* · 1 suppressed · 1 suppression expired · /);
    expect(stdout).toContain(`| LOG001 \`Service ratings.bookinfo\` | 2025-04-21 | 1 finding | ticket 999, until the ratings rollout | \`${file} entry 2 (line 6)\` |`);
    expect(stdout).toMatch(/## Reader warnings\n\n- suppression .*entry 2 \(line 6\) expired \(2025-04-21\)/);
  });

  it('takes the file\'s entries and --suppress together', async () => {
    const file = await suppressionsFile(`suppressions:\n  - fingerprint: ${LOG002}\n    reason: known\n`);
    const { report } = await json('--suppressions', file, '--suppress', 'LOG009=Mesh *');
    expect(report.suppressed?.map((s) => [s.ruleId, s.source])).toEqual([
      ['LOG002', `${file} entry 1 (line 2)`],
      ['LOG009', '--suppress LOG009=Mesh *'],
    ]);
  });

  it('exits 2 with the file name, the entry and the problem in one line for a bad file', async () => {
    const file = await suppressionsFile('suppressions:\n  - rule: LOG002\n    subject: "Service bookinfo/*"\n  - rule: LOG001\n    reason: ok\n    expires: 2025-13-01\n');
    const { code, stdout, stderr } = await runCli('analyze', SAMPLE, '--format', 'json', '--suppressions', file);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(`istio-bundle: --suppressions ${file}: entry 1 (line 2): missing "reason"; entry 2 (line 4): "expires" at line 6 must be a date (YYYY-MM-DD) or an RFC 3339 time (2027-01-15T09:00:00Z), not "2025-13-01"\n`);

    const missing = await runCli('analyze', SAMPLE, '--suppressions', '/nonexistent/suppressions.yaml');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('istio-bundle: --suppressions /nonexistent/suppressions.yaml: cannot read: no such file or folder (ENOENT)\n');
  });

  it('describes both options, with an example, in --help', async () => {
    // yargs prints help with console.log
    let stdout = '';
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      stdout += `${args.join(' ')}\n`;
    });
    expect((await runCli('analyze', '--help')).code).toBe(0);
    expect(stdout).toMatch(/-S, --suppress\s+suppress findings, as istioctl analyze -S/);
    expect(stdout).toContain('--suppressions');
    expect(stdout).toContain('--suppress "LOG002=Service bookinfo/*"');
  });
});
