#!/usr/bin/env node
/**
 * `npm run mutation:score`: the mutation score per source folder, from every Stryker JSON report in
 * reports/mutation/ (one per `npm run mutation` run; a run may cover one folder, so the reports are
 * merged, the newest report winning for a file found in several).
 *
 * Score = (killed + timed out) / (killed + timed out + survived + no coverage), as Stryker counts it,
 * over the mutants in functions. Static mutants (module-level values: constants, tables, messages
 * built at load) are shown apart and not counted: the vitest runner tests them with the one test that
 * happened to load the module (a static mutant that test/bundle/reader-edges.test.ts kills when run
 * by hand was reported surviving after one test), so their status says little.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const DIR = join(import.meta.dirname, '..', 'reports', 'mutation');
const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

const reports = readdirSync(DIR)
  .filter((name) => name.endsWith('.json'))
  .map((name) => join(DIR, name))
  .sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs);
if (reports.length === 0) {
  process.stderr.write(`no Stryker JSON report in ${DIR}: run npm run mutation first\n`);
  process.exit(2);
}

/** file → its mutants, newest report last so that it wins. */
const files = new Map();
for (const path of reports) {
  const report = JSON.parse(readFileSync(path, 'utf8'));
  for (const [file, result] of Object.entries(report.files)) files.set(file, result.mutants);
}

const folders = new Map();
for (const [file, mutants] of files) {
  const folder = file.split('/').slice(0, 2).join('/');
  const row = folders.get(folder) ?? { detected: 0, undetected: 0, ignored: 0, other: 0, files: 0 };
  row.files += 1;
  for (const { status, static: isStatic } of mutants) {
    if (isStatic || status === 'Ignored') row.ignored += 1;
    else if (DETECTED.has(status)) row.detected += 1;
    else if (UNDETECTED.has(status)) row.undetected += 1;
    else row.other += 1;
  }
  folders.set(folder, row);
}

const lines = ['| folder | files | killed | survived or not covered | score | static (not counted) | errors |', '|---|---|---|---|---|---|---|'];
for (const [folder, row] of [...folders].sort(([a], [b]) => a.localeCompare(b))) {
  const counted = row.detected + row.undetected;
  const score = counted === 0 ? '–' : `${((100 * row.detected) / counted).toFixed(1)} %`;
  lines.push(`| ${folder} | ${row.files} | ${row.detected} | ${row.undetected} | ${score} | ${row.ignored} | ${row.other} |`);
}
process.stdout.write(`${lines.join('\n')}\n`);
