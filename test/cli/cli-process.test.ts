/**
 * The CLI as a process, where in-process tests cannot reach: standard input, a full disk on
 * standard output. Runs src/bin.ts through tsx.
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { create } from 'tar';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../bundle/helpers.js';

const ROOT = join(import.meta.dirname, '..', '..');
const MINI = join(ROOT, 'test', 'fixtures', 'mini-bundle');
let scratch: string;
let archive: string;

beforeAll(async () => {
  scratch = await tempDir('ibundle-proc-');
  archive = join(scratch, 'mini.tar.gz');
  await create({ gzip: true, file: archive, cwd: MINI, portable: true }, ['.']);
});

function cli(args: string[], options: SpawnSyncOptions = {}) {
  // tsx keeps a compile cache in TMPDIR: point it at the test's scratch folder, removed afterwards.
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'bin.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, TMPDIR: scratch, NO_COLOR: '1' },
    timeout: 60_000,
    ...options,
  });
  return { code: result.status, stdout: String(result.stdout), stderr: String(result.stderr) };
}

describe('istio-bundle as a process', () => {
  it('`-` reads the archive from standard input', () => {
    const result = cli(['analyze', '-', '--format', 'json'], { input: Buffer.from(spawnSync('cat', [archive]).stdout) });
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { bundle: { source: string }; findings: Array<{ ruleId: string }> };
    expect(report.bundle.source).toBe('standard input');
    expect(report.findings.map((f) => f.ruleId)).toContain('LOG002');
  });

  it('empty standard input and an empty file say they are empty (exit 2, one line)', async () => {
    const stdin = cli(['analyze', '-'], { input: '' });
    expect(stdin.code).toBe(2);
    expect(stdin.stderr).toBe('istio-bundle: standard input: it is empty (0 bytes): nothing was sent\n');
    const empty = join(scratch, 'empty.tar.gz');
    await writeFile(empty, '');
    const file = cli(['analyze', empty]);
    expect(file.code).toBe(2);
    expect(file.stderr).toBe(`istio-bundle: ${empty}: the file is empty (0 bytes): the download or copy did not complete?\n`);
  });

  it('a full disk on standard output (/dev/full) is exit 2 with one line, no stack trace', () => {
    const result = cli(['analyze', MINI, '--format', 'md'], { stdio: ['ignore', 'ignore', 'pipe'] });
    expect(result.code).toBe(0); // the baseline: the same run to nowhere succeeds
    const full = spawnSync('sh', ['-c', `"${process.execPath}" --import tsx src/bin.ts analyze "${MINI}" --format md > /dev/full`], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, TMPDIR: scratch },
    });
    expect(full.status).toBe(2);
    expect(full.stderr).toBe('istio-bundle: cannot write the report to standard output: no space left on device (ENOSPC)\n');
    const output = cli(['analyze', MINI, '--output', '/dev/full']);
    expect(output.code).toBe(2);
    expect(output.stderr).toBe('istio-bundle: cannot write /dev/full: no space left on device (ENOSPC)\n');
  });
});

describe('istio-bundle --help', () => {
  it('is in English whatever LANG says (yargs would translate its own words only)', () => {
    const result = cli(['--help'], { env: { ...process.env, TMPDIR: scratch, LANG: 'de_DE.UTF-8', LC_ALL: 'de_DE.UTF-8' } });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('\nCommands:\n');
    expect(result.stdout).toContain('\nOptions:\n');
    expect(result.stdout).not.toContain('Kommandos');
  });
});
