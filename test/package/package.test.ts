/**
 * `npm run package` (scripts/package.mjs): the single-file module and the single executable, each
 * copied alone into an empty folder (no node_modules, no package.json), must answer every sample in
 * every format byte for byte as the development build does, and SHA256SUMS must verify them.
 */
import { execFile, execFileSync } from 'node:child_process';
import { copyFile, readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { create as createTar } from 'tar';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { artifactKind } from '../../src/artifacts/registry.js';
import { FORMAT_IDS } from '../../src/report/renderers.js';
import type { Report } from '../../src/report/report.js';
import { TOOL_VERSION } from '../../src/version.js';
import { tempDir } from '../bundle/helpers.js';
import { runCli } from '../helpers/cli.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const SAMPLES = join(ROOT, 'samples');
const ARTIFACTS = ['istio-bundle', 'istio-bundle.mjs'] as const;

let release: string;
let empty: string;
let samples: string[];
/** The development build's answers, computed once for both artifacts. */
const development = new Map<string, Promise<Awaited<ReturnType<typeof runCli>>>>();
function developmentRun(args: string[]): Promise<Awaited<ReturnType<typeof runCli>>> {
  const key = JSON.stringify(args);
  if (!development.has(key)) development.set(key, runCli(...args));
  return development.get(key)!;
}

beforeAll(async () => {
  release = await tempDir('iba-release-');
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'package.mjs'), '--out', release], { stdio: ['ignore', 'ignore', 'pipe'] });
  empty = await tempDir('iba-empty-');
  for (const name of [...ARTIFACTS, 'SHA256SUMS']) await copyFile(join(release, name), join(empty, name));
  samples = (await readdir(SAMPLES, { withFileTypes: true })).filter((d) => d.isDirectory() && d.name !== 'dist').map((d) => d.name).sort();
}, 180_000);

/** Every log and config dump goes to a parsing thread (not only those over 1 MiB), and the CLI says how many did. */
const THREADS_EVERYWHERE = { ISTIO_BUNDLE_THREAD_MIN_BYTES: '0', ISTIO_BUNDLE_THREAD_TRACE: '1' };

/** Entries of the kinds a parsing thread reads (logs, config dumps), from a report's inventory. */
function offThreadEntries(report: Report): number {
  return report.inventory.filter((item) => item.kind !== undefined && artifactKind(item.kind).offThread === true).length;
}

/** Runs a packaged artifact from the empty folder, as someone would on an air-gapped machine. */
async function packaged(artifact: (typeof ARTIFACTS)[number], args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const [file, argv] = artifact === 'istio-bundle' ? [join(empty, artifact), args] : [process.execPath, [join(empty, artifact), ...args]];
  // NODE_OPTIONS and the like from the test runner must not reach the artifact.
  const env = { PATH: '/usr/bin:/bin', HOME: empty, TMPDIR: empty, LANG: 'C.UTF-8', ...extraEnv };
  try {
    const { stdout, stderr } = await run(file, argv, { cwd: empty, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('npm run package', () => {
  it('writes SHA256SUMS that sha256sum -c accepts for both files, in the empty folder they were copied to', () => {
    const sums = execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: empty, encoding: 'utf8' });
    expect(sums).toBe('istio-bundle: OK\nistio-bundle.mjs: OK\n');
  });

  it('leaves nothing else in the release folder', async () => {
    expect((await readdir(release)).sort()).toEqual(['SHA256SUMS', 'istio-bundle', 'istio-bundle.mjs']);
  });

  it('gives the same bytes when built twice, elsewhere, and the version of package.json', async () => {
    const again = await tempDir('iba-release-again-');
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'package.mjs'), '--out', again], { stdio: ['ignore', 'ignore', 'pipe'] });
    expect(await readFile(join(again, 'SHA256SUMS'), 'utf8')).toBe(await readFile(join(release, 'SHA256SUMS'), 'utf8'));
    for (const artifact of ARTIFACTS) expect((await packaged(artifact, ['--version'])).stdout).toBe(`${TOOL_VERSION}\n`);
  }, 180_000);

  for (const artifact of ARTIFACTS) {
    it(`${artifact}: every sample in every format is the development build's output, exit code included`, async () => {
      expect(samples.length).toBeGreaterThanOrEqual(8);
      for (const sample of samples) {
        for (const format of FORMAT_IDS) {
          const args = ['analyze', join(SAMPLES, sample), '--format', format, '--fail-on', 'high'];
          const expected = await developmentRun(args);
          const actual = await packaged(artifact, args);
          expect(actual.stderr, `${sample} ${format}`).toBe(expected.stderr);
          expect(actual.code, `${sample} ${format}`).toBe(expected.code);
          expect(actual.stdout === expected.stdout, `${sample} ${format}: output differs`).toBe(true);
        }
      }
    }, 300_000);

    it(`${artifact}: with every log and config dump read in parsing threads, every sample's report is the single-threaded one`, async () => {
      // The folders, and one as a .tar.gz: the tar reader pauses its entries for a thread that is behind.
      const archive = join(empty, 'data-plane-503.tar.gz');
      await createTar({ gzip: true, file: archive, cwd: SAMPLES, portable: true }, ['data-plane-503']);
      for (const input of [...samples.map((sample) => join(SAMPLES, sample)), archive]) {
        const sample = basename(input);
        const expected = await developmentRun(['analyze', input, '--format', 'json']);
        const offThread = offThreadEntries(JSON.parse(expected.stdout) as Report);
        for (const threads of ['1', '2']) {
          const actual = await packaged(artifact, ['analyze', input, '--format', 'json', '--threads', threads], THREADS_EVERYWHERE);
          expect(actual.code, `${sample} --threads ${threads}`).toBe(expected.code);
          expect(actual.stdout === expected.stdout, `${sample} --threads ${threads}: output differs`).toBe(true);
          // A single executable has no file to start a thread from: it reads everything on one thread.
          const trace = artifact === 'istio-bundle' ? '' : `istio-bundle: ${offThread} entries read in parsing threads\n`;
          expect(actual.stderr, `${sample} --threads ${threads}`).toBe(expected.stderr + trace);
        }
      }
    }, 300_000);

    it(`${artifact}: the other commands (validate, rules, explain, render, diff, redact, --help) as in development`, async () => {
      const report = join(empty, `${artifact}-report.json`);
      await writeFile(report, (await runCli('analyze', join(SAMPLES, 'data-plane-503'), '--format', 'json')).stdout);
      const commands = [
        ['validate', join(SAMPLES, 'bug-report-503'), '--format', 'json'],
        ['rules', '--format', 'json'],
        ['explain', 'LOG002'],
        ['render', report, '--format', 'md'],
        ['diff', join(SAMPLES, 'healthy'), join(SAMPLES, 'data-plane-503'), '--format', 'json'],
        ['analyze', join(empty, 'no-such-bundle')],
      ];
      for (const args of commands) {
        const expected = await developmentRun(args);
        const actual = await packaged(artifact, args);
        expect({ code: actual.code, stdout: actual.stdout, stderr: actual.stderr }, args.join(' ')).toEqual(expected);
      }
      // yargs prints help with console.log, which an in-process run does not capture: compare with the source run as a process.
      const help = execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'bin.ts'), '--help'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, TMPDIR: empty } });
      expect(help).toContain('\nCommands:\n');
      expect((await packaged(artifact, ['--help'])).stdout).toBe(help);
      const redacted = join(empty, `${artifact}-redacted.tar.gz`);
      const redaction = await packaged(artifact, ['redact', join(SAMPLES, 'cert-expiry'), '-o', redacted]);
      expect(redaction.code, redaction.stderr).toBe(0);
      expect((await packaged(artifact, ['analyze', redacted, '--format', 'json'])).code).toBe(0);
    }, 300_000);
  }
});
