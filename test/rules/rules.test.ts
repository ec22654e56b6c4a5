import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../src/rules/registry.js';
import type { Finding } from '../../src/rules/rule.js';
import { reportSchemaErrors } from '../helpers/report-schema.js';
import {
  FIXTURE_NAME,
  RULE_FIXTURES_ROOT,
  analyzeFixture,
  discoverFixtures,
  findingKey,
  findingKeys,
  loadExpectation,
  ruleFolders,
  type ExpectedFinding,
  type RuleFixture,
} from '../helpers/rule-fixtures.js';

/**
 * Rule fixtures discovered by convention: test/rules/<RULE_ID>/{fires,quiet}-<what>/ holds a
 * bundle folder (`bundle/`, real command outputs) and `expect.json`: exactly the findings of that
 * rule (subject and severity, order-insensitive, count exact), or none; `notChecked: true` when the
 * rule must report that its inputs cannot answer.
 *
 * `golden.json` beside them holds the rule's findings and not-checked entries exactly as the JSON
 * report writes them (every word of title, explanation, remediation, commands and YAML, every
 * evidence line and pointer), the way ESLint's RuleTester pins each message: expect.json says what
 * must be true, the golden file shows any other change as a diff to review. After an intended
 * change: `UPDATE_GOLDEN=1 npx vitest run test/rules/rules.test.ts`, then read the diff.
 */
const fixtures = discoverFixtures();
const FIXTURE_ENTRIES = new Set(['bundle', 'expect.json', 'golden.json']);

/** What golden.json holds: the rule's part of the JSON report; null when the rule said nothing. */
function goldenText(report: Awaited<ReturnType<typeof analyzeFixture>>['report'], ruleId: string): string | null {
  const findings = report.findings.filter((f) => f.ruleId === ruleId);
  const notChecked = report.notChecked.filter((n) => n.ruleId === ruleId);
  if (findings.length === 0 && notChecked.length === 0) return null;
  return `${JSON.stringify({ findings, notChecked }, null, 2)}\n`;
}
const ruleIds = new Set(RULES.map((rule) => rule.id));

describe('rule fixture layout', () => {
  it('finds fixtures', () => {
    expect(fixtures.length).toBeGreaterThan(0);
  });

  it.each(RULES.map((rule) => [rule.id]))('%s has at least one fires-* and one quiet-* fixture', (id) => {
    const own = fixtures.filter((f) => f.ruleId === id);
    expect(own.filter((f) => f.kind === 'fires').map((f) => f.name), `no test/rules/${id}/fires-* fixture`).not.toEqual([]);
    expect(own.filter((f) => f.kind === 'quiet').map((f) => f.name), `no test/rules/${id}/quiet-* fixture`).not.toEqual([]);
  });

  it('every rule folder names a registered rule', () => {
    const unknown = ruleFolders().filter((folder) => !ruleIds.has(folder));
    expect(unknown, `folders under ${RULE_FIXTURES_ROOT} that are not rule ids in RULES`).toEqual([]);
  });

  it('every fixture folder is named fires-<what> or quiet-<what> and holds bundle/ and expect.json only', () => {
    const problems: string[] = [];
    for (const f of fixtures) {
      const at = `${f.ruleId}/${f.name}`;
      if (!FIXTURE_NAME.test(f.name)) problems.push(`${at}: name must be fires-<what> or quiet-<what> (lowercase, dashes)`);
      if (!existsSync(f.bundle) || !statSync(f.bundle).isDirectory()) problems.push(`${at}: no bundle/ folder`);
      if (!existsSync(f.expectPath)) problems.push(`${at}: no expect.json`);
      const extra = readdirSync(f.dir).filter((entry) => !FIXTURE_ENTRIES.has(entry));
      if (extra.length > 0) problems.push(`${at}: unexpected ${extra.join(', ')} (bundle files go in bundle/)`);
    }
    expect(problems).toEqual([]);
  });
});

function describeFixture(fixture: RuleFixture) {
  describe(`${fixture.ruleId}/${fixture.name}`, () => {
    const expectation = loadExpectation(fixture.expectPath);

    it('expect.json agrees with the folder name', () => {
      if (fixture.kind === 'fires') expect(expectation.findings.length, 'a fires-* fixture must expect at least one finding').toBeGreaterThan(0);
      else expect(expectation.findings, 'a quiet-* fixture must expect no finding').toEqual([]);
      if (expectation.notChecked) expect(expectation.findings).toEqual([]);
    });

    it('every file of the bundle is recognised and used', async () => {
      const { report } = await analyzeFixture(fixture);
      const notUsed = report.inventory.filter((item) => item.status !== 'used').map((item) => `${item.path}: ${item.status} (${item.reason ?? ''})`);
      expect(notUsed).toEqual([]);
      expect(report.inventory.length).toBeGreaterThan(0);
    });

    it(expectation.notChecked ? 'the rule reports itself not checked' : 'the rule ran on the bundle', async () => {
      const { report } = await analyzeFixture(fixture);
      const notChecked = report.notChecked.filter((n) => n.ruleId === fixture.ruleId);
      if (expectation.notChecked) {
        expect(notChecked.length, `${fixture.ruleId} should be in notChecked`).toBe(1);
        expect(report.rulesChecked).not.toContain(fixture.ruleId);
      } else {
        expect(notChecked.map((n) => n.reason)).toEqual([]);
        expect(report.rulesChecked).toContain(fixture.ruleId);
      }
    });

    const occurrenceNames = (f: Finding) => (f.occurrences ?? []).map((o) => `${o.subject.namespace ?? ''}/${o.subject.name}`);

    it(`reports exactly the expected ${fixture.ruleId} findings`, async () => {
      const { report } = await analyzeFixture(fixture);
      const actual = report.findings.filter((f) => f.ruleId === fixture.ruleId);
      expect(findingKeys(actual)).toEqual(findingKeys(expectation.findings));

      // Findings with the same subject and severity are told apart by their content: each expected
      // finding takes the first unused actual one that satisfies it.
      const satisfies = (found: Finding, wanted: ExpectedFinding) =>
        (wanted.evidencePaths ?? []).every((p) => found.evidence.some((e) => e.path === p)) &&
        (wanted.evidencePointers ?? []).every((p) => found.evidence.some((e) => e.pointer?.endsWith(p))) &&
        (wanted.explanationIncludes ?? []).every((t) => found.explanation.includes(t)) &&
        (wanted.explanationExcludes ?? []).every((t) => !found.explanation.includes(t)) &&
        (wanted.yamlIncludes ?? []).every((t) => (found.yaml ?? '').includes(t)) &&
        (wanted.titleIncludes ?? []).every((t) => found.title.includes(t)) &&
        (wanted.remediationIncludes ?? []).every((t) => found.remediation.includes(t)) &&
        (wanted.commandsInclude ?? []).every((t) => found.commands.some((c) => c.includes(t))) &&
        (wanted.occurrences === undefined || occurrenceNames(found).join('\n') === wanted.occurrences.join('\n')) &&
        (wanted.evidenceIncludes ?? []).every((t) => found.evidence.some((e) => e.excerpt?.includes(t))) &&
        (wanted.evidenceExcludes ?? []).every((t) => !found.evidence.some((e) => e.excerpt?.includes(t)));
      const used = new Set<Finding>();
      for (const wanted of expectation.findings) {
        const candidates = actual.filter((f) => findingKey(f) === findingKey(wanted) && !used.has(f));
        const found = candidates.find((f) => satisfies(f, wanted)) ?? candidates[0];
        if (!found) continue; // already reported by the comparison above
        used.add(found);
        const label = findingKey(wanted);
        for (const path of wanted.evidencePaths ?? []) {
          expect(
            found.evidence.map((e) => e.path),
            `${label}: evidence should cite ${path}`,
          ).toContain(path);
        }
        for (const pointer of wanted.evidencePointers ?? []) expect(found.evidence.map((e) => e.pointer ?? ''), `${label}: evidence pointer ${pointer}`).toContainEqual(expect.stringMatching(new RegExp(`${pointer.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`)));
        for (const text of wanted.explanationIncludes ?? []) expect(found.explanation, `${label}: explanation`).toContain(text);
        for (const text of wanted.explanationExcludes ?? []) expect(found.explanation, `${label}: explanation`).not.toContain(text);
        for (const text of wanted.yamlIncludes ?? []) expect(found.yaml ?? '', `${label}: fix YAML`).toContain(text);
        for (const text of wanted.titleIncludes ?? []) expect(found.title, `${label}: title`).toContain(text);
        for (const text of wanted.remediationIncludes ?? []) expect(found.remediation, `${label}: remediation`).toContain(text);
        for (const text of wanted.commandsInclude ?? []) expect(found.commands, `${label}: a command with ${text}`).toContainEqual(expect.stringContaining(text));
        if (wanted.occurrences) expect(occurrenceNames(found), `${label}: occurrences, most affected first`).toEqual(wanted.occurrences);
        const excerpts = found.evidence.map((e) => e.excerpt ?? '');
        for (const text of wanted.evidenceIncludes ?? []) expect(excerpts, `${label}: an evidence excerpt with ${text}`).toContainEqual(expect.stringContaining(text));
        for (const text of wanted.evidenceExcludes ?? []) expect(excerpts, `${label}: no evidence excerpt with ${text}`).not.toContainEqual(expect.stringContaining(text));
      }
    });

    it('the rule\'s findings and not-checked entries are golden.json, word for word', async () => {
      const { report } = await analyzeFixture(fixture);
      const text = goldenText(report, fixture.ruleId);
      const file = join(fixture.dir, 'golden.json');
      if (process.env.UPDATE_GOLDEN === '1') {
        if (text === null) rmSync(file, { force: true });
        else writeFileSync(file, text);
      }
      if (text === null) expect(existsSync(file), `${file}: the rule reports nothing here, so there is no golden file`).toBe(false);
      else expect(text).toBe(readFileSync(file, 'utf8'));
    });

    it('its JSON report satisfies schemas/report.schema.json', async () => {
      const { report } = await analyzeFixture(fixture);
      expect(reportSchemaErrors(JSON.parse(JSON.stringify(report)))).toEqual([]);
    });

    it('every finding cites evidence inside the bundle', async () => {
      const { report } = await analyzeFixture(fixture);
      const paths = new Set(report.inventory.map((item) => item.path));
      for (const finding of report.findings.filter((f) => f.ruleId === fixture.ruleId)) {
        expect(finding.evidence.length, findingKey(finding)).toBeGreaterThan(0);
        for (const evidence of finding.evidence) expect(paths, `${findingKey(finding)} cites ${evidence.path}`).toContain(evidence.path);
      }
    });
  });
}

describe('rule fixtures', () => {
  for (const fixture of fixtures) describeFixture(fixture);
});

// Fixture folders are discovered relative to this file; make sure the helper looks in the same place.
it('discovers fixtures next to this test file', () => {
  expect(RULE_FIXTURES_ROOT).toBe(join(import.meta.dirname, ''));
});
