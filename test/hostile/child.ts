/**
 * One hostile case in a process of its own, as a customer's bundle would be read: `analyze` to JSON,
 * then `render` of that report in every other format, all through the CLI's own entry (main), with
 * bin.ts's handling of an internal error. Prints one JSON line: exit codes, peak RSS after the
 * analysis and at the end, and whether
 * anything reached Object.prototype.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT, main } from '../../src/cli.js';
import { FORMAT_IDS } from '../../src/report/renderers.js';

const [bundle, out] = process.argv.slice(2) as [string, string];

async function cli(args: string[]): Promise<number> {
  try {
    return await main(args);
  } catch (error) {
    process.stderr.write(`istio-bundle: internal error (please report it): ${(error as Error | undefined)?.stack ?? String(error)}\n`);
    return EXIT.internal;
  }
}

const started = performance.now();
const analyze = await cli(['analyze', bundle, '--format', 'json', '--fail-on', 'high', '-o', join(out, 'report.json')]);
// The analysis's own peak, before any render: `analyze` and `render` are separate runs of the CLI in real use.
const analyzeRssBytes = process.resourceUsage().maxRSS * 1024;
const renders: Record<string, number> = {};
if (existsSync(join(out, 'report.json'))) {
  for (const format of FORMAT_IDS.filter((f) => f !== 'json')) renders[format] = await cli(['render', join(out, 'report.json'), '--format', format, '-o', join(out, `report.${format}`)]);
}
const polluted = ({} as Record<string, unknown>).polluted !== undefined || Object.getOwnPropertyNames(Object.prototype).length !== Object.getOwnPropertyNames(Object.getPrototypeOf({})).length;
process.stdout.write(`${JSON.stringify({ analyze, renders, seconds: (performance.now() - started) / 1000, analyzeRssBytes, maxRssBytes: process.resourceUsage().maxRSS * 1024, polluted })}\n`);
