/**
 * `npm run fuzz [-- --runs N] [-- --seed S] [-- --kind K] [-- --path P] [-- --bundles M]`: property-based
 * fuzzing of every artifact parser through the entry boundary, then of the whole pipeline on small
 * bundles. Prints per-kind counts and every failure with the command that replays it; exit 1 on any.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Table from 'cli-table3';
import fc from 'fast-check';
import { ARTIFACT_KINDS } from '../src/artifacts/registry.js';
import { bundleProperty, emptyBundleStats } from '../test/fuzz/bundle-property.js';
import { DEFAULT_MAX_MS, emptyStats, entryProperty, type KindStats } from '../test/fuzz/entry-property.js';

const args = process.argv.slice(2);
const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const number = (name: string, fallback: number) => {
  const value = option(name);
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`${name} wants an integer, got ${value}`);
  return n;
};

const seed = number('--seed', Math.floor(Math.random() * 2 ** 31));
const onlyKind = option('--kind');
const replayPath = option('--path');
const maxMs = number('--max-ms', DEFAULT_MAX_MS);
const kinds = ARTIFACT_KINDS.filter((k) => !onlyKind || k.id === onlyKind);
if (kinds.length === 0) throw new Error(`unknown --kind ${onlyKind}; kinds: ${ARTIFACT_KINDS.map((k) => k.id).join(', ')}`);
if (replayPath !== undefined && !onlyKind) throw new Error('--path replays one kind\'s failure: give its --kind too (the failure report prints both)');
// The entry cases are spread over the kinds; a replay runs just the failing case.
const runs = number('--runs', 11_500);
const perKind = Math.max(1, Math.ceil(runs / kinds.length));
const bundles = number('--bundles', onlyKind ? 0 : 60);

const failures: string[] = [];
const rows: Array<[string, KindStats]> = [];
const started = performance.now();
console.log(replayPath !== undefined ? `fuzz: replaying seed ${seed} path ${replayPath} of ${onlyKind}` : `fuzz: seed ${seed}, ${perKind} cases per kind × ${kinds.length} kinds, ${bundles} bundles`);

for (const kind of kinds) {
  const stats = emptyStats();
  const details = fc.check(entryProperty(kind.id, stats, maxMs), { seed, numRuns: perKind, ...(replayPath !== undefined ? { path: replayPath } : {}) });
  rows.push([kind.id, stats]);
  if (details.failed) failures.push(describeFailure(`entry ${kind.id}`, details, `--seed ${details.seed} --kind ${kind.id} --path ${details.counterexamplePath ?? ''}`));
  console.log(`  ${kind.id}: ${stats.cases} cases, ${((performance.now() - started) / 1000).toFixed(1)} s${details.failed ? ' FAILED' : ''}`);
}

const table = new Table({ style: { head: [], border: [] }, head: ['kind', 'cases', 'used', 'invalid', 'not-recognised', 'not-analysed', 'skipped', 'slowest ms', 'slowest case (seed, bytes after mutation)'] });
for (const [id, s] of rows) {
  const n = (status: keyof KindStats['byStatus']) => s.byStatus[status] ?? 0;
  table.push([id, s.cases, n('used'), n('invalid'), n('not-recognised'), n('not-analysed'), n('skipped'), s.slowestMs.toFixed(1), s.slowest ?? '']);
}
const total = rows.reduce((sum, [, s]) => sum + s.cases, 0);
table.push(['(all kinds)', total, '', '', '', '', '', Math.max(...rows.map(([, s]) => s.slowestMs)).toFixed(1), '']);
console.log(table.toString());

if (bundles > 0) {
  const stats = emptyBundleStats();
  const dirs: string[] = [];
  const newDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'iba-fuzz-'));
    dirs.push(dir);
    return dir;
  };
  const details = await fc.check(bundleProperty(newDir, stats), { seed, numRuns: bundles });
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  console.log(`pipeline: ${stats.cases} bundles, ${stats.analysed} analysed, ${stats.refused} refused as unusable, slowest ${stats.slowestMs.toFixed(0)} ms`);
  if (details.failed) failures.push(describeFailure('pipeline', details, `--seed ${details.seed} --bundles ${bundles}`));
}

console.log(`wall time ${((performance.now() - started) / 1000).toFixed(1)} s`);
for (const failure of failures) console.error(`\nFAILED ${failure}`);
process.exitCode = failures.length > 0 ? 1 : 0;

function describeFailure<T>(what: string, details: fc.RunDetails<T>, replay: string): string {
  const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  const example = fc.stringify(details.counterexample);
  return `${what} after ${details.numRuns} cases (${details.numShrinks} shrinks)\n  ${error}\n  counterexample: ${example.length > 2000 ? `${example.slice(0, 2000)}…` : example}\n  replay: npm run fuzz -- ${replay}`;
}
