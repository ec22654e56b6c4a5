import Table from 'cli-table3';
import { OFFLINE_ANALYZERS } from '../src/analysis/analyzers/index.js';
import { conformance, notImplemented } from './conformance/grid.js';

/**
 * `npm run conformance [-- --analyzer <name>] [-- --verbose]`: our offline analyzers against
 * Istio's analyzer test grid, one row per IST code and analyzer; exit 1 on any miss or extra.
 */
const args = process.argv.slice(2);
const only = args.includes('--analyzer') ? args[args.indexOf('--analyzer') + 1] : undefined;
const verbose = args.includes('--verbose');
const analyzers = OFFLINE_ANALYZERS.filter((a) => !only || a.name === only);
const rows = conformance(analyzers);
const table = new Table({ head: ['code', 'analyzer', 'cases', 'expected', 'matched', 'missed', 'extra'] });
for (const row of rows) table.push([row.code, row.analyzer, row.cases, row.expected, row.matched, row.missed.length, row.extra.length]);
console.log(table.toString());
for (const row of rows) {
  if (row.missed.length === 0 && row.extra.length === 0 && !verbose) continue;
  for (const m of row.missed) console.log(`missed ${row.code}  ${m}`);
  for (const e of row.extra) console.log(`extra  ${row.code}  ${e}`);
}
if (!only) {
  console.log('\nCodes in Istio\'s grid not implemented offline (code: Istio analyzers that emit it):');
  for (const { code, analyzers: names } of notImplemented(OFFLINE_ANALYZERS)) console.log(`  ${code}: ${names.join(', ')}`);
}
process.exitCode = rows.some((r) => r.missed.length > 0 || r.extra.length > 0) ? 1 : 0;
