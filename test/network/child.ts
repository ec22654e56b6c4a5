/**
 * Analyses every sample given and writes each report in every format to OUT/<sample>.<format>, then
 * one JSON line: the network attempts recorded by deny-network.ts (run with it preloaded).
 */
import { writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { analyzeBundle } from '../../src/pipeline.js';
import { FORMAT_IDS, RENDERERS } from '../../src/report/renderers.js';

const [out, ...bundles] = process.argv.slice(2) as [string, ...string[]];
for (const bundle of bundles) {
  const { report } = await analyzeBundle(bundle);
  for (const format of FORMAT_IDS) await writeFile(join(out, `${basename(bundle)}.${format}`), RENDERERS[format].render(report, { terminal: { color: false } }));
}
const attempts = (globalThis as { NETWORK_ATTEMPTS?: string[] }).NETWORK_ATTEMPTS;
process.stdout.write(`${JSON.stringify({ guarded: Array.isArray(attempts), attempts: attempts ?? [] })}\n`);
