#!/usr/bin/env node
/**
 * `npm run mutation:score`: the mutation score per source folder, from every Stryker JSON report in
 * reports/mutation/ (one per `npm run mutation` run; a run may cover one folder, so the reports are
 * merged, the newest report winning for a file found in several).
 *
 * Score = (killed + timed out) / (killed + timed out + survived + no coverage), as Stryker counts it.
 * The last column counts survivors that are "static" (code run while a module loads or in a hook,
 * outside any test) and were tested with at most one test: Stryker's vitest runner then runs only the
 * test that happened to load the module, so such a survivor may be killed by others (one that
 * test/bundle/reader-edges.test.ts kills when applied by hand was reported surviving).
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
  const row = folders.get(folder) ?? { detected: 0, undetected: 0, ignored: 0, other: 0, files: 0, doubtful: 0 };
  row.files += 1;
  for (const { status, static: isStatic, testsCompleted } of mutants) {
    if (status === 'Ignored') row.ignored += 1;
    else if (DETECTED.has(status)) row.detected += 1;
    else if (UNDETECTED.has(status)) {
      row.undetected += 1;
      if (isStatic && status === 'Survived' && (testsCompleted ?? 0) <= 1) row.doubtful += 1;
    } else row.other += 1;
  }
  folders.set(folder, row);
}

const lines = ['| folder | files | killed | survived or not covered | score | ignored | errors | of the survivors, static ones tested by ≤ 1 test |', '|---|---|---|---|---|---|---|---|'];
for (const [folder, row] of [...folders].sort(([a], [b]) => a.localeCompare(b))) {
  const counted = row.detected + row.undetected;
  const score = counted === 0 ? '–' : `${((100 * row.detected) / counted).toFixed(1)} %`;
  lines.push(`| ${folder} | ${row.files} | ${row.detected} | ${row.undetected} | ${score} | ${row.ignored} | ${row.other} | ${row.doubtful} |`);
}
process.stdout.write(`${lines.join('\n')}\n`);
