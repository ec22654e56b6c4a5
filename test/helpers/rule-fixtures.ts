import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeBundle, type Analysis } from '../../src/pipeline.js';
import { SEVERITIES, type Finding, type Severity } from '../../src/rules/rule.js';

/** test/rules: one folder per rule id, one sub-folder per fixture (`fires-*`, `quiet-*`). */
export const RULE_FIXTURES_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', 'rules');

export const FIXTURE_NAME = /^(fires|quiet)-[a-z0-9]+(?:-[a-z0-9]+)*$/;

export interface ExpectedSubject {
  kind: string;
  namespace?: string;
  name: string;
}

export interface ExpectedFinding {
  subject: ExpectedSubject;
  severity: Severity;
  /** Bundle-relative paths that must all appear among the finding's evidence. */
  evidencePaths?: string[];
  /** Substrings the finding's explanation must contain / must not contain. */
  explanationIncludes?: string[];
  explanationExcludes?: string[];
  /** Substrings the finding's fix YAML must contain. */
  yamlIncludes?: string[];
  /** Substrings the finding's title must contain. */
  titleIncludes?: string[];
  /** Substrings the finding's remediation text must contain. */
  remediationIncludes?: string[];
  /** Substrings some command of the finding must contain (each may be in a different command). */
  commandsInclude?: string[];
  /** The grouped finding's occurrences, `<namespace>/<name>` in the order shown (most affected first). */
  occurrences?: string[];
  /** Substrings some evidence excerpt must contain / no evidence excerpt may contain: the lines a finding quotes. */
  evidenceIncludes?: string[];
  evidenceExcludes?: string[];
  /** JSON pointers (or their endings) that must appear among the evidence. */
  evidencePointers?: string[];
}

export interface Expectation {
  findings: ExpectedFinding[];
  /** The rule must report itself not-checked (its inputs exist but cannot answer). */
  notChecked?: boolean;
}

export interface RuleFixture {
  ruleId: string;
  name: string;
  kind: 'fires' | 'quiet';
  dir: string;
  bundle: string;
  expectPath: string;
}

function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

/** Sub-folders of test/rules that are rule folders (everything but files such as README.md). */
export function ruleFolders(root = RULE_FIXTURES_ROOT): string[] {
  return readdirSync(root)
    .filter((entry) => isDirectory(join(root, entry)))
    .sort();
}

/** Every fixture folder under a rule folder, whatever its name (names are checked by the tests). */
export function discoverFixtures(root = RULE_FIXTURES_ROOT): RuleFixture[] {
  const fixtures: RuleFixture[] = [];
  for (const ruleId of ruleFolders(root)) {
    for (const name of readdirSync(join(root, ruleId)).sort()) {
      const dir = join(root, ruleId, name);
      if (!isDirectory(dir)) continue;
      fixtures.push({
        ruleId,
        name,
        kind: name.startsWith('fires-') ? 'fires' : 'quiet',
        dir,
        bundle: join(dir, 'bundle'),
        expectPath: join(dir, 'expect.json'),
      });
    }
  }
  return fixtures;
}

/** The optional per-finding keys of expect.json, each a list of non-empty strings. */
const TEXT_LIST_KEYS = ['evidencePaths', 'explanationIncludes', 'explanationExcludes', 'yamlIncludes', 'titleIncludes', 'remediationIncludes', 'commandsInclude', 'evidencePointers', 'occurrences', 'evidenceIncludes', 'evidenceExcludes'] as const;
const FINDING_KEYS = new Set<string>(['subject', 'severity', ...TEXT_LIST_KEYS]);
const SUBJECT_KEYS = new Set(['kind', 'namespace', 'name']);

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string' && v !== '');
}

/** Reads expect.json and rejects anything it does not understand, so a typo cannot pass silently. */
export function loadExpectation(path: string): Expectation {
  const raw: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`${path}: expected a JSON object`);
  const record = raw as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (key !== 'findings' && key !== 'notChecked') throw new Error(`${path}: unknown key "${key}"`);
  }
  if (!Array.isArray(record.findings)) throw new Error(`${path}: "findings" must be an array`);
  if (record.notChecked !== undefined && typeof record.notChecked !== 'boolean') throw new Error(`${path}: "notChecked" must be a boolean`);
  const findings = record.findings.map((item: unknown, index): ExpectedFinding => {
    const where = `${path}: findings[${index}]`;
    if (item === null || typeof item !== 'object' || Array.isArray(item)) throw new Error(`${where} must be an object`);
    const f = item as Record<string, unknown>;
    for (const key of Object.keys(f)) if (!FINDING_KEYS.has(key)) throw new Error(`${where}: unknown key "${key}"`);
    if (typeof f.severity !== 'string' || !(SEVERITIES as readonly string[]).includes(f.severity)) throw new Error(`${where}: severity must be one of ${SEVERITIES.join(', ')}`);
    const s = f.subject as Record<string, unknown> | undefined;
    if (!s || typeof s !== 'object' || typeof s.kind !== 'string' || typeof s.name !== 'string') throw new Error(`${where}: subject needs kind and name`);
    for (const key of Object.keys(s)) if (!SUBJECT_KEYS.has(key)) throw new Error(`${where}: unknown subject key "${key}"`);
    if (s.namespace !== undefined && typeof s.namespace !== 'string') throw new Error(`${where}: subject.namespace must be a string`);
    for (const key of TEXT_LIST_KEYS) {
      if (f[key] !== undefined && !isStringArray(f[key])) throw new Error(`${where}: ${key} must be an array of non-empty strings`);
    }
    const subject: ExpectedSubject = { kind: s.kind, name: s.name, ...(typeof s.namespace === 'string' ? { namespace: s.namespace } : {}) };
    const lists = Object.fromEntries(TEXT_LIST_KEYS.flatMap((key) => (f[key] === undefined ? [] : [[key, f[key] as string[]]])));
    return { subject, severity: f.severity as Severity, ...lists };
  });
  return { findings, ...(record.notChecked !== undefined ? { notChecked: record.notChecked } : {}) };
}

/** A comparable identity of a finding: what expect.json pins (severity and subject). */
export function findingKey(finding: { severity: string; subject: { kind: string; namespace?: string | undefined; name: string } }): string {
  const { kind, namespace, name } = finding.subject;
  return `${finding.severity} ${kind} ${namespace ?? '(no namespace)'}/${name}`;
}

export function findingKeys(findings: ReadonlyArray<Pick<Finding, 'severity' | 'subject'>>): string[] {
  return findings.map(findingKey).sort();
}

const analyses = new Map<string, Promise<Analysis>>();

/**
 * Off under `npm run mutation` (vitest.mutation.config.ts): Stryker credits the code a test runs to
 * that test and later runs only those tests against a mutant. With the cache, the fixture's first
 * test alone would run the analysis, and the tests that read the findings (expect.json, golden.json)
 * would never see a mutant.
 */
const CACHED = process.env.RULE_FIXTURES_CACHE !== 'off';

/** analyzeBundle once per fixture bundle and test file. */
export function analyzeFixture(fixture: RuleFixture): Promise<Analysis> {
  if (!CACHED) return analyzeBundle(fixture.bundle);
  let analysis = analyses.get(fixture.bundle);
  if (!analysis) {
    analysis = analyzeBundle(fixture.bundle);
    analyses.set(fixture.bundle, analysis);
  }
  return analysis;
}
