#!/usr/bin/env node
/**
 * `npm run mutation:score`: the mutation score per source folder, from every Stryker JSON report in
 * reports/mutation/ (one per `npm run mutation` run; a run may cover one folder, so the reports are
 * merged, the newest report winning for a file found in several).
 *
 * Score = (killed + timed out) / (killed + timed out + survived + no coverage), as Stryker counts it.
 * The last column counts survivors that are "static" (code run while a module loads or in a hook,
 * outside any test) and not re-checked: with --ignoreStatic Stryker runs such a mutant only with
 * the tests that reached it from inside a test, so it may be killed by others (one that
 * test/bundle/reader-edges.test.ts kills when applied by hand was reported surviving). `npm run mutation` re-checks them at the end of each run; `npm run mutation --
 * --recheck-static REPORT` does it for a report alone.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const DIR = join(import.meta.dirname, '..', 'reports', 'mutation');
const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

const SAMPLE = /\.sample-[^/]*\.json$/;
// A re-check's own report: its results are already written into the report it re-checked.
const RECHECK = /\.recheck\.json$/;
const reports = readdirSync(DIR)
  .filter((name) => name.endsWith('.json') && !SAMPLE.test(name) && !RECHECK.test(name))
  .map((name) => join(DIR, name))
  .sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs);
const sampleReports = readdirSync(DIR).filter((name) => SAMPLE.test(name) && !RECHECK.test(name)).sort();
if (reports.length === 0 && sampleReports.length === 0) {
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
  const row = folders.get(folder) ?? { detected: 0, undetected: 0, ignored: 0, other: 0, files: 0, doubtful: 0 };
  row.files += 1;
  for (const { status, static: isStatic, recheckedStatic } of mutants) {
    if (status === 'Ignored') row.ignored += 1;
    else if (DETECTED.has(status)) row.detected += 1;
    else if (UNDETECTED.has(status)) {
      row.undetected += 1;
      if (isStatic && !recheckedStatic && status === 'Survived') row.doubtful += 1;
    } else row.other += 1;
  }
  folders.set(folder, row);
}

const lines = ['| folder | files | killed | survived or not covered | score | ignored | errors | of the survivors, static ones not re-checked |', '|---|---|---|---|---|---|---|---|'];
for (const [folder, row] of [...folders].sort(([a], [b]) => a.localeCompare(b))) {
  const counted = row.detected + row.undetected;
  const score = counted === 0 ? '–' : `${((100 * row.detected) / counted).toFixed(1)} %`;
  lines.push(`| ${folder} | ${row.files} | ${row.detected} | ${row.undetected} | ${score} | ${row.ignored} | ${row.other} | ${row.doubtful} |`);
}
process.stdout.write(`${lines.join('\n')}\n`);

/**
 * Samples (`npm run mutation -- --sample N`): only the mutants at the drawn places count, not those
 * Stryker also ran because they sit between two drawn places. The interval is Wilson's, for a
 * proportion of the mutants; it is a little narrow, since whole places are drawn, not single mutants.
 */
if (sampleReports.length > 0) {
  const rows = ['| sample | population | drawn | killed | survived or not covered | estimated score | 95 % interval |', '|---|---|---|---|---|---|---|'];
  for (const name of sampleReports) {
    const sample = JSON.parse(readFileSync(join(DIR, '..', name), 'utf8'));
    const drawn = new Set(sample.nodes.map(({ file, location: { start, end } }) => `${file}:${start.line}:${start.column}-${end.line}:${end.column}`));
    let detected = 0;
    let undetected = 0;
    for (const [file, { mutants }] of Object.entries(JSON.parse(readFileSync(join(DIR, name), 'utf8')).files)) {
      for (const { status, location: { start, end } } of mutants) {
        // Stryker's JSON report counts lines and columns from 1.
        if (!drawn.has(`${file}:${start.line - 1}:${start.column - 1}-${end.line - 1}:${end.column - 1}`)) continue;
        if (DETECTED.has(status)) detected += 1;
        else if (UNDETECTED.has(status)) undetected += 1;
      }
    }
    const [low, high] = wilson(detected, detected + undetected);
    const percent = (x) => `${(100 * x).toFixed(1)} %`;
    const score = detected + undetected === 0 ? '–' : percent(detected / (detected + undetected));
    rows.push(`| ${name.replace(/\.json$/, '')} | ${sample.population} | ${sample.size} | ${detected} | ${undetected} | ${score} | ${percent(low)} – ${percent(high)} |`);
  }
  process.stdout.write(`\n${rows.join('\n')}\n`);
}

/** Wilson's 95 % interval for `successes` of `trials`. */
function wilson(successes, trials) {
  if (trials === 0) return [0, 1];
  const z = 1.96;
  const p = successes / trials;
  const centre = p + (z * z) / (2 * trials);
  const spread = z * Math.sqrt((p * (1 - p)) / trials + (z * z) / (4 * trials * trials));
  const denominator = 1 + (z * z) / trials;
  return [(centre - spread) / denominator, (centre + spread) / denominator];
}
