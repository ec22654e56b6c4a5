/**
 * The analyzer never opens a socket or resolves a name: every sample is analysed in a process where
 * each network call throws (deny-network.ts), and, where the machine allows, in a process with no
 * network namespace at all (`unshare -n`). Both must give exactly the outputs of an ordinary run.
 */
import { execFile, execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/pipeline.js';
import { FORMAT_IDS, RENDERERS } from '../../src/report/renderers.js';
import { tempDir } from '../bundle/helpers.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const SAMPLES = readdirSync(join(ROOT, 'samples'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== 'dist')
  .map((d) => join(ROOT, 'samples', d.name))
  .sort();
const CHILD = [join(import.meta.dirname, 'child.ts')];
const TSX = ['--import', import.meta.resolve('tsx')];
const DENY = ['--import', import.meta.resolve('./deny-network.ts')];

/** Every format of every sample, rendered in this process (the network untouched, nothing denied). */
const expected = new Map<string, string>();
/** The children's environment: a TMPDIR of this file's for tsx's compile cache, removed after it. */
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  env = { ...process.env, TMPDIR: await tempDir('iba-nonet-tmp-') };
  for (const sample of SAMPLES) {
    const { report } = await analyzeBundle(sample);
    for (const format of FORMAT_IDS) expected.set(`${sample.split('/').pop()}.${format}`, RENDERERS[format].render(report, { terminal: { color: false } }));
  }
}, 120_000);

async function compare(out: string): Promise<void> {
  expect(expected.size).toBe(SAMPLES.length * FORMAT_IDS.length);
  for (const [name, text] of expected) expect(await readFile(join(out, name), 'utf8'), name).toBe(text);
}

/** Whether this machine lets an unprivileged process (or root in this container) drop its network. */
function unshareWorks(): boolean {
  try {
    execFileSync('unshare', ['-n', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('no network, ever', () => {
  it('the stubs are in force: a connect, a lookup and a fetch throw in the guarded process', async () => {
    const probe = [
      "import { connect } from 'node:net'; import { lookup } from 'node:dns/promises';",
      "for (const [name, call] of [['connect', () => connect(80, 'example.com')], ['lookup', () => lookup('example.com')], ['fetch', () => fetch('https://example.com/')]]) {",
      "  try { await call(); console.log(name, 'went through'); } catch (e) { console.log(name, String(e.message)); }",
      '}',
    ].join('\n');
    const { stdout } = await run(process.execPath, [...TSX, ...DENY, '--input-type=module', '-e', probe], { env });
    expect(stdout.trim().split('\n')).toEqual([
      'connect network access denied in this test: net.connect(80, "example.com")',
      'lookup network access denied in this test: dns.promises.lookup("example.com")',
      'fetch network access denied in this test: globalThis.fetch("https://example.com/")',
    ]);
  });

  it('every sample, in every format, gives the same output with every network call made to throw', async () => {
    const out = await tempDir('iba-nonet-');
    const { stdout } = await run(process.execPath, [...TSX, ...DENY, ...CHILD, out, ...SAMPLES], { maxBuffer: 64 * 1024 * 1024, env });
    const result = JSON.parse(stdout.trim().split('\n').pop()!) as { guarded: boolean; attempts: string[] };
    expect(result.guarded).toBe(true);
    expect(result.attempts).toEqual([]);
    await compare(out);
  }, 180_000);

  it('and without a network namespace (`unshare -n`) where the machine allows it', async () => {
    if (!unshareWorks()) {
      // Not every CI container may create namespaces; the stubbed run above still holds there.
      process.stdout.write('unshare -n is not permitted on this machine: the namespace run is not possible here\n');
      expect(unshareWorks()).toBe(false);
      return;
    }
    const out = await tempDir('iba-unshare-');
    await run('unshare', ['-n', process.execPath, ...TSX, ...CHILD, out, ...SAMPLES], { maxBuffer: 64 * 1024 * 1024, env });
    await compare(out);
  }, 180_000);
});
