// What redact refuses and what it does not follow: traversal and link entries, OUT == IN, OUT inside IN, bad input.
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTarGz } from '../bundle/tar-builder.js';
import { runCli } from '../helpers/cli.js';
import { redactBundle } from '../../src/redact/redact-bundle.js';
import { extract, removeTempDirs, tempDir, texts, type ReportShape } from './helpers.js';

afterAll(removeTempDirs);

const POD_LOG = '2026-12-01T08:14:09.000Z\terror\tbody: {"password":"Corpus-S3cret-safety"}\n';

describe('entries that are not followed', () => {
  it('leaves out traversal, absolute and link entries of an archive, writes nothing outside OUT, and lists them in the report', async () => {
    const dir = tempDir();
    const input = join(dir, 'in', 'evil.tar.gz');
    mkdirSync(join(dir, 'in'));
    writeFileSync(
      input,
      buildTarGz([
        { name: 'logs/ok.log', data: POD_LOG },
        { name: '../escape.txt', data: 'password=Corpus-S3cret-escape\n' },
        { name: '/tmp/absolute-redact-test.txt', data: 'x\n' },
        { name: 'logs/link', type: 'symlink', linkname: '/etc/passwd' },
        { name: 'logs/hard', type: 'hardlink', linkname: 'logs/ok.log' },
        { name: 'dev/null', type: 'chardev' },
      ]),
    );
    const out = join(dir, 'out', 'redacted.tar.gz');
    mkdirSync(join(dir, 'out'));
    await redactBundle(input, out);
    const { entries, dir: x } = extract(out);
    expect(entries).toEqual(['redaction-report.json', 'logs/ok.log']);
    expect(existsSync(join(dir, 'escape.txt'))).toBe(false);
    expect(existsSync(join(dir, 'in', '..', 'escape.txt'))).toBe(false);
    expect(existsSync('/tmp/absolute-redact-test.txt')).toBe(false);
    const files = texts(x);
    expect(files.get('logs/ok.log')).toBe('2026-12-01T08:14:09.000Z\terror\tbody: {"password":"[REDACTED]"}\n');
    const report = JSON.parse(files.get('redaction-report.json')!) as ReportShape;
    expect(report.notScanned?.map((n) => n.path)).toEqual(['../escape.txt', '/tmp/absolute-redact-test.txt', 'dev/null', 'logs/hard', 'logs/link']);
    expect(report.notScanned?.find((n) => n.path === 'logs/link')?.reason).toBe('not written: symbolic link to "/etc/passwd": not followed');
    expect(report.notScanned?.find((n) => n.path === '../escape.txt')?.reason).toBe('not written: unsafe path: contains ".."');
  });

  it('does not follow a symbolic link in a folder (the file it points to holds a secret)', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'outside.txt'), 'token: Corpus-S3cret-outside\n');
    mkdirSync(join(dir, 'in'));
    writeFileSync(join(dir, 'in', 'pod.log'), POD_LOG);
    symlinkSync(join(dir, 'outside.txt'), join(dir, 'in', 'linked.txt'));
    const out = join(dir, 'out.tar.gz');
    await redactBundle(join(dir, 'in'), out);
    const { entries, dir: x } = extract(out);
    expect(entries).toEqual(['redaction-report.json', 'pod.log']);
    expect([...texts(x).values()].join('')).not.toContain('outside');
  });
});

describe('binary entries', () => {
  const folder = () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'in'));
    writeFileSync(join(dir, 'in', 'pod.log'), POD_LOG);
    writeFileSync(join(dir, 'in', 'keystore.p12'), Buffer.from([0x30, 0x82, 0x00, 0x00, 0x01, 0xff, 0x00, 0x41]));
    writeFileSync(join(dir, 'in', 'latin1.txt'), Buffer.from('caf\xe9 password=x\n', 'latin1'));
    return dir;
  };

  it('are left out and listed as not scanned (a keystore could hold a key no text layer sees)', async () => {
    const dir = folder();
    const out = join(dir, 'out.tar.gz');
    const summary = await redactBundle(join(dir, 'in'), out);
    expect(extract(out).entries).toEqual(['redaction-report.json', 'pod.log']);
    expect(summary.notScanned).toEqual([
      { path: 'keystore.p12', reason: 'binary: has NUL bytes: left out, not scanned (--keep-binary copies it)' },
      { path: 'latin1.txt', reason: 'binary: not UTF-8 text: left out, not scanned (--keep-binary copies it)' },
    ]);
  });

  it('are copied unchanged with keepBinary, still listed', async () => {
    const dir = folder();
    const out = join(dir, 'out.tar.gz');
    const summary = await redactBundle(join(dir, 'in'), out, { keepBinary: true });
    const { entries, dir: x } = extract(out);
    expect(entries).toEqual(['redaction-report.json', 'keystore.p12', 'latin1.txt', 'pod.log']);
    expect(readFileSync(join(x, 'keystore.p12')).equals(readFileSync(join(dir, 'in', 'keystore.p12')))).toBe(true);
    expect(summary.notScanned.map((n) => n.reason)).toEqual([
      'binary: has NUL bytes: copied unchanged, not scanned (--keep-binary)',
      'binary: not UTF-8 text: copied unchanged, not scanned (--keep-binary)',
    ]);
  });
});

describe('istio-bundle redact (CLI)', () => {
  const input = () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'in'));
    writeFileSync(join(dir, 'in', 'pod.log'), POD_LOG);
    return dir;
  };

  it('writes OUT and prints the summary on stderr', async () => {
    const dir = input();
    const { code, stdout, stderr } = await runCli('redact', join(dir, 'in'), '-o', join(dir, 'out.tar.gz'));
    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toBe(`Redacted bundle: ${join(dir, 'out.tar.gz')} (2 files)\nRemoved: 1 values in 1 files: key-value 1\nDetails per file: redaction-report.json in the bundle\n`);
  });

  it('refuses OUT == IN, OUT inside the IN folder, standard input, and a missing -o, with exit 2 and one line naming the file', async () => {
    const dir = input();
    const archive = join(dir, 'a.tar.gz');
    await redactBundle(join(dir, 'in'), archive);
    const before = readFileSync(archive);
    const same = await runCli('redact', archive, '-o', archive);
    expect(same).toMatchObject({ code: 2, stderr: `istio-bundle: ${archive}: is the input: write the redacted bundle to a new file\n` });
    expect(readFileSync(archive).equals(before)).toBe(true);
    const inside = await runCli('redact', join(dir, 'in'), '-o', join(dir, 'in', 'x.tar.gz'));
    expect(inside).toMatchObject({ code: 2, stderr: `istio-bundle: ${join(dir, 'in', 'x.tar.gz')}: is inside the input folder ${join(dir, 'in')}: write it elsewhere\n` });
    expect(existsSync(join(dir, 'in', 'x.tar.gz'))).toBe(false);
    const missing = await runCli('redact', join(dir, 'in'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^istio-bundle: .*output/);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('exits 2 naming the file on input that is not a bundle, and leaves no OUT behind', async () => {
    const dir = input();
    writeFileSync(join(dir, 'notes.tar.gz'), 'not an archive\n');
    const { code, stderr } = await runCli('redact', join(dir, 'notes.tar.gz'), '-o', join(dir, 'out.tar.gz'));
    expect(code).toBe(2);
    expect(stderr).toBe(`istio-bundle: ${join(dir, 'notes.tar.gz')}: not a .tar.gz, .tgz or .tar archive (no gzip or tar signature); pass the archive or the folder of outputs\n`);
    expect(existsSync(join(dir, 'out.tar.gz'))).toBe(false);
    const truncated = join(dir, 'truncated.tar.gz');
    writeFileSync(truncated, buildTarGz([{ name: 'a.log', data: 'x'.repeat(5000) }]).subarray(0, 40));
    const cut = await runCli('redact', truncated, '-o', join(dir, 'out2.tar.gz'));
    expect(cut.code).toBe(2);
    expect(cut.stderr).toMatch(new RegExp(`^istio-bundle: ${truncated.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
    expect(existsSync(join(dir, 'out2.tar.gz'))).toBe(false);
  });
});
