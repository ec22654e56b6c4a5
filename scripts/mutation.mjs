#!/usr/bin/env node
/**
 * `npm run mutation [-- FOLDER…]`: Stryker over src/bundle, src/report, src/artifacts and src/rules
 * (or the folders named), one run per folder so that a run fits in an afternoon and its results are
 * kept: each folder has its own incremental file (reports/stryker-incremental-<folder>.json; a later
 * run re-tests only mutants whose code or covering tests changed) and its own JSON report
 * (reports/mutation/<folder>.json). Ends with the score table of scripts/mutation-score.mjs.
 *
 * Static mutants (module-level code, which Stryker can only test by reloading every module and
 * running the whole suite, ~90 % of the time for ~10 % of the mutants) are left out (--ignoreStatic)
 * and counted apart in the table. STRYKER_STATIC=1 includes them. MUTATION_TESTS (comma-separated test
 * folders) overrides the tests a folder is run against; MUTATE (comma-separated globs) the files mutated.
 */
import { spawnSync } from 'node:child_process';
import { renameSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
/**
 * The tests each folder's mutants are run against: those aimed at the folder and the end-to-end ones.
 * The whole suite (golden reports, every rule fixture, fuzzing) would kill at least as many mutants,
 * but a surviving mutant costs a run of every test that covers it, and those suites cover everything:
 * measured on src/bundle, 2 h instead of about 40 min. So the score printed is a lower bound.
 */
const TESTS = {
  bundle: ['test/bundle', 'test/artifacts', 'test/e2e', 'test/cli'],
  report: ['test/report', 'test/e2e', 'test/cli', 'test/diff', 'test/findings'],
  artifacts: ['test/artifacts', 'test/bundle', 'test/e2e', 'test/fuzz'],
  rules: ['test/rules', 'test/analysis', 'test/certificates', 'test/unit', 'test/e2e'],
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
const folders = process.argv.slice(2).length > 0 ? process.argv.slice(2) : FOLDERS;

for (const folder of folders) {
  if (!FOLDERS.includes(folder)) {
    process.stderr.write(`unknown folder ${folder}: one of ${FOLDERS.join(', ')}\n`);
    process.exit(2);
  }
  const mutate = process.env.MUTATE ?? [`src/${folder}/**/*.ts`, ...(DATA_MODULES[folder] ?? []).map((file) => `!${file}`)].join(',');
  const args = ['stryker', 'run', '--mutate', mutate, '--incrementalFile', `reports/stryker-incremental-${folder}.json`];
  if (process.env.STRYKER_STATIC !== '1') args.push('--ignoreStatic');
  const run = spawnSync('npx', args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, MUTATION_TESTS: process.env.MUTATION_TESTS ?? TESTS[folder].join(',') } });
  if (run.status !== 0) process.exit(run.status ?? 1);
  // A run of some files only (MUTATE) gets a report of its own: the score merges reports per file.
  const name = process.env.MUTATE ? `${folder}-${Date.now()}` : folder;
  renameSync(join(ROOT, 'reports', 'mutation', 'mutation.json'), join(ROOT, 'reports', 'mutation', `${name}.json`));
}
spawnSync(process.execPath, [join(ROOT, 'scripts', 'mutation-score.mjs')], { cwd: ROOT, stdio: 'inherit' });
