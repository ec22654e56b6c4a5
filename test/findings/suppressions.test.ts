import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findingsStage } from '../../src/findings/stage.js';
import {
  applySuppressions,
  COMMAND_LINE_REASON,
  expiryInstant,
  globToRegExp,
  loadSuppressionsFile,
  parseSuppressionsFile,
  parseSuppressOption,
  SuppressionError,
  suppressionWarnings,
  type Suppression,
} from '../../src/findings/suppressions.js';
import type { Finding, Subject } from '../../src/rules/rule.js';
import { tempDir } from '../bundle/helpers.js';

function finding(ruleId: string, subject: Subject, fingerprint: string, severity: Finding['severity'] = 'high'): Finding {
  return { ruleId, fingerprint, severity, step: 'sidecar-logs', title: `${ruleId} on ${subject.name}`, subject, evidence: [], explanation: '', remediation: '', commands: [], docs: [] };
}

const reviews = finding('LOG002', { kind: 'Service', namespace: 'prod', name: 'reviews' }, '1111111111111111');
const web = finding('LOG001', { kind: 'Pod', namespace: 'default', name: 'web-1' }, '2222222222222222');
const mesh = finding('LOG009', { kind: 'Mesh', name: 'all proxies' }, '3333333333333333', 'info');
const FINDINGS = [reviews, web, mesh];

const suppression = (fields: Partial<Suppression>): Suppression => ({ rule: '*', reason: 'ticket 1234', source: 'test', ...fields });
/** Fingerprints of the findings the suppressions leave out. */
const suppressedBy = (suppressions: Suppression[], collectedAt?: string) => applySuppressions(FINDINGS, suppressions, collectedAt).suppressed.map((s) => s.fingerprint);

describe('subject globs (istioctl analyze -S semantics: only * is special)', () => {
  it('matches * across /, . and blanks, anchored at both ends', () => {
    expect(globToRegExp('Service prod/*').test('Service prod/reviews')).toBe(true);
    expect(globToRegExp('*').test('Service prod/reviews')).toBe(true);
    expect(globToRegExp('Service*reviews').test('Service prod/reviews')).toBe(true); // across a blank and a /
    expect(globToRegExp('Mesh *').test('Mesh all proxies')).toBe(true);
    expect(globToRegExp('Service *.prod').test('Service reviews.prod')).toBe(true);
    // anchored: a glob is the whole subject, not a part of it
    expect(globToRegExp('prod/*').test('Service prod/reviews')).toBe(false);
    expect(globToRegExp('Service prod/review').test('Service prod/reviews')).toBe(false);
    expect(globToRegExp('ervice prod/reviews').test('Service prod/reviews')).toBe(false);
  });

  it('takes regex specials literally', () => {
    expect(globToRegExp('Service prod/re.iews').test('Service prod/reviews')).toBe(false);
    expect(globToRegExp('Service prod/re.iews').test('Service prod/re.iews')).toBe(true);
    expect(globToRegExp('Pod a?b').test('Pod ab')).toBe(false);
    expect(globToRegExp('Pod a?b').test('Pod a?b')).toBe(true);
    expect(globToRegExp('Pod [ab]+(c)|$^\\').test('Pod [ab]+(c)|$^\\')).toBe(true);
    expect(globToRegExp('Pod [ab]').test('Pod a')).toBe(false);
    expect(globToRegExp('Pod {1,2}').test('Pod {1,2}')).toBe(true);
  });

  it('matches the report form (Kind namespace/name) and the istioctl form (Kind name.namespace)', () => {
    expect(suppressedBy([suppression({ rule: 'LOG002', subject: 'Service prod/*' })])).toEqual([reviews.fingerprint]);
    expect(suppressedBy([suppression({ rule: 'LOG002', subject: 'Service reviews.prod' })])).toEqual([reviews.fingerprint]);
    expect(suppressedBy([suppression({ subject: 'Pod *.default' })])).toEqual([web.fingerprint]);
    expect(suppressedBy([suppression({ subject: 'Pod default/web-1' })])).toEqual([web.fingerprint]);
    // no namespace: Kind name only
    expect(suppressedBy([suppression({ subject: 'Mesh all proxies' })])).toEqual([mesh.fingerprint]);
    expect(suppressedBy([suppression({ subject: 'Service prod/ratings' })])).toEqual([]);
  });

  it('matches the rule by id, by slug (resolved by --suppress) and *, and by fingerprint', () => {
    expect(suppressedBy([suppression({ rule: 'LOG002' })])).toEqual([reviews.fingerprint]);
    expect(suppressedBy([suppression({ rule: 'no-healthy-upstream' })])).toEqual([reviews.fingerprint]);
    expect(suppressedBy([suppression({ rule: 'LOG001', subject: 'Service prod/*' })])).toEqual([]);
    expect(suppressedBy([suppression({ rule: '*', subject: '*' })])).toEqual(FINDINGS.map((f) => f.fingerprint));
    expect(suppressedBy([suppression({ fingerprint: web.fingerprint })])).toEqual([web.fingerprint]);
    // every condition given must hold
    expect(suppressedBy([suppression({ rule: 'LOG002', fingerprint: web.fingerprint })])).toEqual([]);
  });

  it('names the first suppression that applies, and leaves suppressed findings out of shown and --fail-on', () => {
    const first = suppression({ rule: 'LOG002', reason: 'migration in progress', source: 'suppressions.yaml entry 1 (line 2)', expires: '2027-01-15' });
    const second = suppression({ subject: 'Service *', source: '--suppress *=Service *' });
    const outcome = findingsStage(FINDINGS, { failOn: 'high', suppressions: [first, second], collectedAt: '2026-01-01T00:00:00Z' });
    expect(outcome.shown.map((f) => f.fingerprint)).toEqual([web.fingerprint, mesh.fingerprint]);
    expect(outcome.suppressed).toEqual([
      { fingerprint: reviews.fingerprint, ruleId: 'LOG002', title: reviews.title, severity: 'high', subject: reviews.subject, reason: 'migration in progress', source: 'suppressions.yaml entry 1 (line 2)', expires: '2027-01-15' },
    ]);
    // the second matched a finding too: not stale
    expect(outcome.suppressionsUnmatched).toEqual([]);
    expect(outcome.failed).toBe(true); // LOG001 (high) is still there
    expect(findingsStage(FINDINGS, { failOn: 'high', suppressions: [suppression({ subject: '* default/*' }), first] }).failed).toBe(false);
  });
});

describe('--suppress RULE=glob', () => {
  it('reads a rule id, slug or * and a glob', () => {
    expect(parseSuppressOption('LOG002=Service prod/*')).toEqual({ rule: 'LOG002', subject: 'Service prod/*', reason: COMMAND_LINE_REASON, source: '--suppress LOG002=Service prod/*' });
    expect(parseSuppressOption('log002=Service prod/*').rule).toBe('LOG002');
    expect(parseSuppressOption('no-healthy-upstream=*').rule).toBe('LOG002');
    expect(parseSuppressOption('*=Pod *.default')).toMatchObject({ rule: '*', subject: 'Pod *.default' });
    // the glob may hold "=": only the first one splits
    expect(parseSuppressOption('LOG002=Service a=b').subject).toBe('Service a=b');
  });

  it('rejects a spec without "=", rule or glob, or with an unknown rule, naming the option', () => {
    expect(() => parseSuppressOption('LOG002')).toThrow(/^--suppress "LOG002": expected RULE=RESOURCE.*no "=" in it/);
    expect(() => parseSuppressOption('=Service prod/*')).toThrow(/^--suppress "=Service prod\/\*": no rule before "="/);
    expect(() => parseSuppressOption('LOG002=  ')).toThrow(/no resource after "="/);
    expect(() => parseSuppressOption('LOG999=*')).toThrow(SuppressionError);
    expect(() => parseSuppressOption('LOG999=*')).toThrow(/^--suppress "LOG999=\*": unknown rule "LOG999"/);
  });
});

describe('expiry against the bundle\'s collection time', () => {
  const at = (expires: string, collectedAt?: string) => {
    const result = applySuppressions(FINDINGS, [suppression({ rule: 'LOG002', expires, source: 's.yaml entry 1' })], collectedAt);
    return { applied: result.suppressed.map((s) => s.fingerprint), expired: result.expired, unchecked: result.suppressed.some((s) => s.expiryNotChecked) };
  };

  it('applies an RFC 3339 expiry up to and including its instant', () => {
    expect(at('2025-04-22T14:08:33Z', '2025-04-22T14:08:33Z').applied).toEqual([reviews.fingerprint]); // at
    expect(at('2025-04-22T14:08:34Z', '2025-04-22T14:08:33Z').applied).toEqual([reviews.fingerprint]); // collected just before
    const after = at('2025-04-22T14:08:32Z', '2025-04-22T14:08:33Z'); // collected just after
    expect(after.applied).toEqual([]);
    expect(after.expired).toEqual([{ rule: 'LOG002', reason: 'ticket 1234', source: 's.yaml entry 1', expires: '2025-04-22T14:08:32Z', wouldSuppress: [reviews.fingerprint] }]);
    // offsets are honoured: 16:08:32+02:00 is 14:08:32Z
    expect(at('2025-04-22T16:08:32+02:00', '2025-04-22T14:08:33Z').expired).toHaveLength(1);
    expect(at('2025-04-22T16:08:33+02:00', '2025-04-22T14:08:33Z').expired).toHaveLength(0);
  });

  it('holds a date through that whole day, UTC', () => {
    expect(at('2025-04-22', '2025-04-22T00:00:00Z').applied).toEqual([reviews.fingerprint]);
    expect(at('2025-04-22', '2025-04-22T23:59:59Z').applied).toEqual([reviews.fingerprint]);
    expect(at('2025-04-22', '2025-04-23T00:00:00Z').applied).toEqual([]);
    expect(at('2025-04-21', '2025-04-22T14:08:33Z').expired.map((s) => s.expires)).toEqual(['2025-04-21']);
  });

  it('never reads the wall clock: a long-past expiry holds for an older bundle', () => {
    expect(at('2001-01-01', '2000-12-31T12:00:00Z').applied).toEqual([reviews.fingerprint]);
    expect(at('2999-01-01', '3000-01-01T00:00:00Z').applied).toEqual([]);
  });

  it('without a collection time applies an expiring suppression and says its expiry was not checked', () => {
    const result = at('2000-01-01');
    expect(result.applied).toEqual([reviews.fingerprint]);
    expect(result.expired).toEqual([]);
    expect(result.unchecked).toBe(true);
    const outcome = findingsStage(FINDINGS, { suppressions: [suppression({ rule: 'LOG002', expires: '2000-01-01', source: 's.yaml entry 1' })] });
    expect(outcome.suppressed[0]).toMatchObject({ expires: '2000-01-01', expiryNotChecked: true });
    expect(suppressionWarnings(outcome, undefined)).toEqual(['the bundle has no collection time: the expiry of s.yaml entry 1 could not be checked, and it was applied']);
    // with one, nothing to say
    expect(at('2000-01-01', '1999-01-01T00:00:00Z').unchecked).toBe(false);
  });

  it('reports an expired suppression as a warning, whether or not it would have matched', () => {
    const outcome = findingsStage(FINDINGS, { collectedAt: '2025-04-22T14:08:33Z', suppressions: [suppression({ rule: 'LOG002', expires: '2025-01-01', source: 'a' }), suppression({ rule: 'CP001', expires: '2025-01-01', source: 'b' })] });
    expect(outcome.shown).toHaveLength(3);
    expect(outcome.suppressionsExpired.map((s) => [s.source, s.wouldSuppress])).toEqual([['a', [reviews.fingerprint]], ['b', []]]);
    expect(outcome.suppressionsUnmatched).toEqual([]); // expired is not also stale
    const warnings = suppressionWarnings(outcome, '2025-04-22T14:08:33Z');
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toBe('suppression a expired (2025-01-01) before the bundle was collected (2025-04-22T14:08:33Z): not applied, its finding is reported; renew it or remove it');
    expect(warnings[1]).toContain('suppression b expired (2025-01-01)');
  });

  it('recognises dates and RFC 3339 times, and nothing else', () => {
    expect(expiryInstant('2027-01-15')).toBe(Date.parse('2027-01-16T00:00:00Z') - 1);
    expect(expiryInstant('2027-01-15T10:00:00.5Z')).toBe(Date.parse('2027-01-15T10:00:00.500Z'));
    for (const bad of ['2027-02-30', '2027-13-01', '2027-1-5', '15.01.2027', '2027-01-15T10:00:00', '2027-01-15T25:00:00Z', '2027-01-15 10:00:00Z', 'tomorrow', '']) expect(expiryInstant(bad), bad).toBeUndefined();
    expect(expiryInstant('2028-02-29')).toBeDefined();
  });
});

describe('unmatched suppressions', () => {
  it('are reported as stale, and the matched ones are not', () => {
    const stale = suppression({ rule: 'CP001', source: 'stale' });
    const used = suppression({ rule: 'LOG002', source: 'used' });
    const other = suppression({ fingerprint: 'ffffffffffffffff', source: 'other bundle' });
    const result = applySuppressions(FINDINGS, [stale, used, other], '2025-04-22T14:08:33Z');
    expect(result.unmatched.map((s) => s.source)).toEqual(['stale', 'other bundle']);
    expect(result.kept).toEqual([web, mesh]);
  });
});

describe('suppressions files', () => {
  const parse = (text: string) => parseSuppressionsFile(text, 'team/suppressions.yaml');
  const problem = (text: string) => {
    try {
      parse(text);
    } catch (error) {
      expect(error).toBeInstanceOf(SuppressionError);
      return (error as Error).message;
    }
    throw new Error('no error');
  };

  it('reads rule, subject, fingerprint, reason and expires, with where each entry came from', () => {
    const text = [
      'suppressions:',
      '  - rule: LOG002',
      '    subject: "Service prod/*"',
      '    reason: "discussed with the customer in ticket 1234: migration in progress"',
      '    expires: 2027-01-15',
      '  - fingerprint: 3f2a9c0d1e2b4a5c',
      '    reason: accepted risk',
      '    expires: 2027-01-15T09:00:00Z',
      '  - rule: no-healthy-upstream',
      '    reason: slug',
      '',
    ].join('\n');
    expect(parse(text)).toEqual([
      { rule: 'LOG002', subject: 'Service prod/*', reason: 'discussed with the customer in ticket 1234: migration in progress', expires: '2027-01-15', source: 'team/suppressions.yaml entry 1 (line 2)' },
      { rule: '*', fingerprint: '3f2a9c0d1e2b4a5c', reason: 'accepted risk', expires: '2027-01-15T09:00:00Z', source: 'team/suppressions.yaml entry 2 (line 6)' },
      { rule: 'LOG002', reason: 'slug', source: 'team/suppressions.yaml entry 3 (line 9)' },
    ]);
    expect(parse('suppressions: []\n')).toEqual([]);
  });

  it('requires a reason, and a rule or a fingerprint', () => {
    expect(problem('suppressions:\n  - rule: LOG002\n')).toBe('team/suppressions.yaml: entry 1 (line 2): missing "reason"');
    expect(problem('suppressions:\n  - rule: LOG002\n    reason: ok\n  - subject: "Service prod/*"\n    reason: why\n')).toBe(
      'team/suppressions.yaml: entry 2 (line 4): needs "rule" (a rule id, its slug or *) or "fingerprint" (as the JSON report gives it)',
    );
    expect(problem('suppressions:\n  - rule: LOG002\n    reason: "   "\n')).toBe('team/suppressions.yaml: entry 1 (line 2): "reason" at line 3 must not be blank');
  });

  it('rejects unknown keys, unknown rules, bad fingerprints and invalid dates, naming file, entry, line and problem', () => {
    expect(problem('suppressions:\n  - rule: LOG002\n    reason: ok\n    reasn: typo\n')).toBe('team/suppressions.yaml: entry 1 (line 2): unknown key "reasn" at line 4 (allowed: rule, subject, fingerprint, reason, expires)');
    expect(problem('suppressions:\n  - rule: LOG999\n    reason: ok\n')).toBe('team/suppressions.yaml: entry 1 (line 2): unknown rule "LOG999" (run `istio-bundle rules` for the list, or use *)');
    expect(problem('suppressions:\n  - fingerprint: 3F2A\n    reason: ok\n')).toContain('entry 1 (line 2): "fingerprint" must be 16 lowercase hex digits');
    expect(problem('suppressions:\n  - rule: LOG002\n    reason: ok\n    expires: 2027-02-30\n')).toBe(
      'team/suppressions.yaml: entry 1 (line 2): "expires" at line 4 must be a date (YYYY-MM-DD) or an RFC 3339 time (2027-01-15T09:00:00Z), not "2027-02-30"',
    );
    expect(problem('suppressions:\n  - rule: LOG002\n    reason: ok\n    expires: 20270115\n')).toContain('entry 1 (line 2): "expires" at line 4 must be a string, not 20270115');
    // every problem of the file at once, in entry order
    const all = problem('suppressions:\n  - rule: LOG999\n    reason: ok\n  - rule: LOG002\n  - oops\n');
    expect(all).toBe('team/suppressions.yaml: entry 1 (line 2): unknown rule "LOG999" (run `istio-bundle rules` for the list, or use *); entry 2 (line 4): missing "reason"; entry 3 (line 5): an entry must be a mapping of rule, subject, fingerprint, reason, expires, not "oops"');
  });

  it('rejects a file that is not a suppressions list', () => {
    expect(problem('')).toBe('team/suppressions.yaml: the file is empty (expected a top-level "suppressions:" list)');
    expect(problem('suppressions: [\n')).toMatch(/^team\/suppressions\.yaml: line \d+: not valid YAML: /);
    expect(problem('- rule: LOG002\n  reason: ok\n')).toMatch(/^team\/suppressions\.yaml: expected a top-level "suppressions:" list/);
    expect(problem('suppressions: {}\n')).toMatch(/^team\/suppressions\.yaml: "suppressions" must be a list/);
    expect(problem('suppressions: []\nextra: 1\n')).toBe('team/suppressions.yaml: line 2: unknown top-level key "extra" (only "suppressions" is allowed)');
  });

  it('reads a file from disk, and says clearly when it cannot', async () => {
    const dir = await tempDir('ibundle-suppressions-');
    const file = join(dir, 'suppressions.yaml');
    await writeFile(file, 'suppressions:\n  - rule: LOG002\n    reason: ok\n');
    expect(await loadSuppressionsFile(file)).toEqual([{ rule: 'LOG002', reason: 'ok', source: `${file} entry 1 (line 2)` }]);
    await expect(loadSuppressionsFile(join(dir, 'missing.yaml'))).rejects.toThrow(`${join(dir, 'missing.yaml')}: cannot read: no such file or folder (ENOENT)`);
    await mkdir(join(dir, 'folder.yaml'));
    await expect(loadSuppressionsFile(join(dir, 'folder.yaml'))).rejects.toThrow(/folder\.yaml: cannot read: is a folder \(EISDIR\)/);
  });
});
