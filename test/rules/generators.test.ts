/**
 * The rule-fixture generators (test/rules/generate-*.mjs, generate-*.py) must reproduce the committed fixtures byte
 * for byte. Fixtures are the truth: people sharpen expect.json by hand (titles, remediation, commands, corrected
 * severities), and a generator that was not updated with them rewrites those files with its older, weaker assertions
 * the next time anyone runs it — the fixture still passes, so the lost checks go unnoticed. Each generator here is run
 * with RULE_FIXTURES_OUT set to a fresh temporary folder (its inputs are still read from test/rules and samples/), and
 * every file it wrote must equal the committed one, with the same files in each fixture it writes (golden.json aside:
 * rules.test.ts writes that one). Fixtures no generator writes are hand-written and not checked here.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assert, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-dirs.js';

const RULES = fileURLToPath(new URL('.', import.meta.url));
const GENERATORS = readdirSync(RULES)
  .filter((name) => /^generate-.+\.(mjs|py)$/.test(name))
  .sort();

/** Every file under `dir`, as `/`-separated paths relative to it, sorted. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (at: string): void => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else out.push(relative(dir, path).split(sep).join('/'));
    }
  };
  if (existsSync(dir)) walk(dir);
  return out.sort();
}

/** The lines where `committed` and `generated` differ (common start and end left out), with two lines before them. */
function shortDiff(committed: string, generated: string): string {
  const a = committed.split('\n');
  const b = generated.split('\n');
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const cut = (line: string): string => (line.length > 200 ? `${line.slice(0, 200)}…` : line);
  const side = (lines: string[], sign: string): string[] => [...lines.slice(0, 6).map((l) => `${sign} ${cut(l)}`), ...(lines.length > 6 ? [`${sign} … (${lines.length - 6} more lines)`] : [])];
  return [`@@ line ${start + 1} @@`, ...a.slice(Math.max(0, start - 2), start).map((l) => `  ${cut(l)}`), ...side(a.slice(start, endA), '-'), ...side(b.slice(start, endB), '+')].join('\n');
}

/** The first way the fixtures written under `out` differ from the committed ones, or null when they are identical. */
function firstDifference(out: string): string | null {
  const written = filesUnder(out);
  const stray = written.find((path) => path.split('/').length < 3);
  if (stray !== undefined) return `${stray}: written outside a <RULE>/<fixture>/ folder`;
  const fixtures = [...new Set(written.map((path) => path.split('/').slice(0, 2).join('/')))];
  for (const fixture of fixtures) {
    const generated = filesUnder(join(out, fixture));
    // golden.json is written by rules.test.ts (UPDATE_GOLDEN=1), never by a generator.
    const committed = filesUnder(join(RULES, fixture)).filter((path) => path !== 'golden.json');
    const missing = committed.filter((path) => !generated.includes(path));
    const extra = generated.filter((path) => !committed.includes(path));
    if (missing.length > 0 || extra.length > 0) {
      return `${fixture}: the generator writes other files than are committed${missing.length > 0 ? `; committed, not written: ${missing.slice(0, 5).join(', ')}` : ''}${extra.length > 0 ? `; written, not committed: ${extra.slice(0, 5).join(', ')}` : ''}`;
    }
    for (const path of generated) {
      const a = readFileSync(join(RULES, fixture, path));
      const b = readFileSync(join(out, fixture, path));
      if (!a.equals(b)) return `test/rules/${fixture}/${path} differs from what the generator writes (- committed, + generated):\n${shortDiff(a.toString('utf8'), b.toString('utf8'))}`;
    }
  }
  return null;
}

describe('rule-fixture generators reproduce the committed fixtures', () => {
  it('finds the generators', () => {
    expect(GENERATORS.length).toBeGreaterThanOrEqual(9);
  });

  it.each(GENERATORS)('%s', async (generator) => {
    const out = await tempDir('iba-fixture-generator-');
    execFileSync(generator.endsWith('.py') ? 'python3' : 'node', [join(RULES, generator)], {
      env: { ...process.env, RULE_FIXTURES_OUT: out },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    // A generator that ignored RULE_FIXTURES_OUT would have written into test/rules and left this empty.
    expect(filesUnder(out).length, `${generator} wrote nothing under RULE_FIXTURES_OUT`).toBeGreaterThan(0);
    const difference = firstDifference(out);
    if (difference !== null) assert.fail(`${generator} does not reproduce the committed fixtures (fix the generator, not the fixture):\n${difference}`);
  });
});
