#!/usr/bin/env node
/**
 * `npm run mutation [-- [--sample N [--seed S]] FOLDER…]`: Stryker over src/bundle, src/report,
 * src/artifacts and src/rules (or the folders named), one run per folder so that its results are
 * kept: each folder has its own incremental file (reports/stryker-incremental-<folder>.json; a later
 * run re-tests only mutants whose code or covering tests changed) and its own JSON report
 * (reports/mutation/<folder>.json). Ends with the score table of scripts/mutation-score.mjs.
 *
 * --sample N runs a random sample of about N of the folder's mutants instead (mutation-sample.mjs),
 * with its own incremental file and report (reports/mutation/<folder>.sample-<seed>.json): the full
 * run of src/rules and src/artifacts takes 6 to 10 hours on two cores, a sample of 500 about half an
 * hour, and mutation:score prints the estimate with its 95 % interval.
 *
 * Static mutants (module-level code, which Stryker can only test by reloading every module and
 * running every test that imports it) are run with --ignoreStatic: those no test reaches are left
 * out, the others are run with only the tests that reach them from inside a test, often a single one
 * that imports the module lazily. So every run ends by re-running every static survivor as Stryker
 * tests static mutants (with every test that imports the file), writing the results into the report;
 * --recheck-static REPORT… (a report's name: `bundle`, `rules.sample-1`) does only that. The whole
 * run without --ignoreStatic (STRYKER_STATIC=1) would cost hours more.
 *
 * MUTATION_TESTS (comma-separated test folders or files) overrides the tests a folder is run
 * against; MUTATE (comma-separated globs) the files mutated.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { mutateRanges, sampleMutants } from './mutation-sample.mjs';

const ROOT = join(import.meta.dirname, '..');
/**
 * The tests each folder's mutants are run against: those aimed at the folder and the end-to-end ones
 * (with the golden reports for the folders that write what they pin). The whole suite (every rule
 * fixture, fuzzing, the hostile corpus) would kill at least as many mutants,
 * but a surviving mutant costs a run of every test that covers it, and those suites cover everything:
 * measured on src/bundle, 2 h instead of about 40 min. So the score printed is a lower bound.
 */
const TESTS = {
  bundle: ['test/bundle', 'test/artifacts', 'test/e2e', 'test/cli'],
  report: ['test/report', 'test/e2e', 'test/cli', 'test/diff', 'test/findings', 'test/golden.test.ts'],
  // The rule fixtures too: a parser's output reaches the customer as findings, and golden.json pins
  // those word for word, so a parser mutant that changes a count, a line or a name shows there.
  // And the tests that pin the kinds' metadata: the published catalogue (artifact-kinds.json, each kind's
  // schema) and the vocabulary shared with collect.sh (each kind's collect commands, notCollected).
  artifacts: ['test/artifacts', 'test/bundle', 'test/e2e', 'test/fuzz', 'test/rules', 'test/golden.test.ts', 'test/report/schemas.test.ts', 'test/collector/vocabulary.test.ts'],
  rules: ['test/rules', 'test/analysis', 'test/certificates', 'test/unit', 'test/e2e', 'test/golden.test.ts'],
};
const FOLDERS = Object.keys(TESTS);
/**
 * Modules that are data, not logic: a JSON Schema written as a TypeScript object literal. Each of its
 * strings and keys is a (static) mutant, about 2,000 in src/report, and each schema is already held
 * by a test that validates every sample's report against it; left out of the run.
 */
const DATA_MODULES = {
  report: ['src/report/report-schema.ts', 'src/report/metrics/schema.ts'],
};
const { values: options, positionals } = parseArgs({ options: { sample: { type: 'string' }, seed: { type: 'string', default: '1' }, 'recheck-static': { type: 'boolean', default: false } }, allowPositionals: true });
if (options['recheck-static']) {
  for (const name of positionals) recheckStatic(name);
  spawnSync(process.execPath, [join(ROOT, 'scripts', 'mutation-score.mjs')], { cwd: ROOT, stdio: 'inherit' });
  process.exit(0);
}
const folders = positionals.length > 0 ? positionals : FOLDERS;
const sampleSize = options.sample === undefined ? undefined : Number(options.sample);
if (sampleSize !== undefined && !(Number.isInteger(sampleSize) && sampleSize > 0)) {
  process.stderr.write(`--sample ${options.sample}: a number of mutants, such as 500\n`);
  process.exit(2);
}

for (const folder of folders) {
  if (!FOLDERS.includes(folder)) {
    process.stderr.write(`unknown folder ${folder}: one of ${FOLDERS.join(', ')}\n`);
    process.exit(2);
  }
  const mutate = process.env.MUTATE ?? [`src/${folder}/**/*.ts`, ...(DATA_MODULES[folder] ?? []).map((file) => `!${file}`)].join(',');
  const env = { ...process.env, MUTATION_TESTS: process.env.MUTATION_TESTS ?? TESTS[folder].join(',') };
  const args = ['stryker', 'run'];
  let name;
  if (sampleSize === undefined) {
    args.push('--mutate', mutate, '--incrementalFile', `reports/stryker-incremental-${folder}.json`);
    // A run of some files only (MUTATE) gets a report of its own: the score merges reports per file.
    name = process.env.MUTATE ? `${folder}-${Date.now()}` : folder;
  } else {
    name = `${folder}.sample-${options.seed}`;
    env.STRYKER_SAMPLE = join(ROOT, 'reports', `${name}.json`);
    const sample = await sampleMutants(sourceFiles(mutate), sampleSize, options.seed);
    process.stdout.write(`sample (seed ${sample.seed}): ${sample.size} of ${folder}'s ${sample.population} mutants, at ${sample.nodes.length} places\n`);
    args.push(writeSampleConfig(name, sample, env.STRYKER_SAMPLE));
  }
  if (process.env.STRYKER_STATIC !== '1') args.push('--ignoreStatic');
  const run = spawnSync('npx', args, { cwd: ROOT, stdio: 'inherit', env });
  if (run.status !== 0) process.exit(run.status ?? 1);
  if (sampleSize === undefined) renameSync(join(ROOT, 'reports', 'mutation', 'mutation.json'), join(ROOT, 'reports', 'mutation', `${name}.json`));
  if (process.env.STRYKER_STATIC !== '1') recheckStatic(name);
}
spawnSync(process.execPath, [join(ROOT, 'scripts', 'mutation-score.mjs')], { cwd: ROOT, stdio: 'inherit' });

/** The files a `mutate` list names (globs, `!` exclusions), as git knows them. */
function sourceFiles(mutate) {
  const patterns = mutate.split(',');
  const included = patterns.filter((pattern) => !pattern.startsWith('!'));
  const excluded = new Set(patterns.filter((pattern) => pattern.startsWith('!')).map((pattern) => pattern.slice(1)));
  const files = execFileSync('git', ['ls-files', '--', ...included.map((pattern) => `:(glob)${pattern}`)], { cwd: ROOT, encoding: 'utf8' }).split('\n');
  return files.filter((file) => file !== '' && !excluded.has(file));
}

/**
 * Stryker takes ignore-plugins from a config file only: the project's config with the sample's
 * ranges, the `sample` ignorer and files of the sample's own. Returns the config's path.
 */
function writeSampleConfig(name, sample, samplePath) {
  mkdirSync(join(ROOT, 'reports', 'mutation'), { recursive: true });
  writeFileSync(samplePath, `${JSON.stringify(sample, null, 1)}\n`);
  const config = {
    ...JSON.parse(readFileSync(join(ROOT, 'stryker.config.json'), 'utf8')),
    mutate: mutateRanges(sample),
    appendPlugins: [join(ROOT, 'scripts', 'stryker-sample-ignorer.mjs')],
    ignorers: ['sample'],
    incrementalFile: `reports/stryker-incremental-${name}.json`,
    jsonReporter: { fileName: `reports/mutation/${name}.json` },
  };
  const path = join(ROOT, 'reports', `stryker-${name}.config.json`);
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`);
  return path;
}

/**
 * Re-runs every static survivor of reports/mutation/<name>.json not yet re-checked, without
 * --ignoreStatic, and puts each result in place of the old one (same file, place, mutator and
 * replacement). Every one, not only those tested by one test or none: a rule's check runs in a
 * test file's beforeAll, so its mutants are static yet reached by the few tests that happened to
 * touch them from inside a test, while the file's other tests would kill them.
 */
function recheckStatic(name) {
  const reportPath = join(ROOT, 'reports', 'mutation', `${name}.json`);
  const report = JSON.parse(readFileSync(reportPath, 'utf8'));
  const folder = name.split(/[.-]/)[0];
  if (!FOLDERS.includes(folder)) throw new Error(`${name}: not a report of ${FOLDERS.join(', ')}`);
  const nodes = new Map();
  for (const [file, { mutants }] of Object.entries(report.files)) {
    for (const mutant of mutants) {
      if (!(mutant.static && mutant.status === 'Survived' && !mutant.recheckedStatic)) continue;
      // The report counts lines and columns from 1, Stryker's ranges and the sample from 0.
      const { start, end } = mutant.location;
      const location = { start: { line: start.line - 1, column: start.column - 1 }, end: { line: end.line - 1, column: end.column - 1 } };
      nodes.set(`${file}:${JSON.stringify(location)}`, { file, location, mutants: 1 });
    }
  }
  if (nodes.size === 0) {
    process.stdout.write(`${name}: no static survivor left to re-check\n`);
    return;
  }
  process.stdout.write(`${name}: re-running the static survivors at ${nodes.size} places with every test that imports their file\n`);
  const recheck = `${name}.recheck`;
  const samplePath = join(ROOT, 'reports', `${recheck}.json`);
  const config = writeSampleConfig(recheck, { seed: 'recheck', population: nodes.size, size: nodes.size, nodes: [...nodes.values()] }, samplePath);
  const env = { ...process.env, STRYKER_SAMPLE: samplePath, MUTATION_TESTS: process.env.MUTATION_TESTS ?? TESTS[folder].join(',') };
  const run = spawnSync('npx', ['stryker', 'run', config], { cwd: ROOT, stdio: 'inherit', env });
  if (run.status !== 0) process.exit(run.status ?? 1);
  const identity = (file, { location: { start, end }, mutatorName, replacement }) => `${file}:${start.line}:${start.column}-${end.line}:${end.column}:${mutatorName}:${replacement}`;
  const rerunReport = JSON.parse(readFileSync(join(ROOT, 'reports', 'mutation', `${recheck}.json`), 'utf8'));
  // Test ids are the report's own: the results carry the killing tests' names instead.
  const testNames = new Map(Object.values(rerunReport.testFiles ?? {}).flatMap(({ tests }) => tests.map(({ id, name }) => [id, name])));
  const rerun = new Map();
  for (const [file, { mutants }] of Object.entries(rerunReport.files)) {
    for (const mutant of mutants) if (mutant.status !== 'Ignored') rerun.set(identity(file, mutant), mutant);
  }
  let replaced = 0;
  for (const [file, result] of Object.entries(report.files)) {
    result.mutants = result.mutants.map((mutant) => {
      const again = rerun.get(identity(file, mutant));
      if (!again) return mutant;
      replaced += 1;
      const { status, statusReason, killedBy = [], testsCompleted } = again;
      const { killedBy: _ids, coveredBy: _covered, ...kept } = mutant;
      return { ...kept, status, statusReason, testsCompleted, recheckedStatic: { killedBy: killedBy.map((id) => testNames.get(id) ?? id) } };
    });
  }
  writeFileSync(reportPath, `${JSON.stringify(report)}\n`);
  process.stdout.write(`${name}: ${replaced} results replaced\n`);
}
