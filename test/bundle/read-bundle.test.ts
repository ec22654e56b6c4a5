import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/bundle/limits.js';
import { readBundle } from '../../src/bundle/read-bundle.js';
import { BundleError } from '../../src/bundle/types.js';
import { RecordingVisitor, tempDir } from './helpers.js';
import { buildTar, buildTarGz } from './tar-builder.js';

async function readError(source: string): Promise<BundleError> {
  try {
    await readBundle(source, DEFAULT_LIMITS, new RecordingVisitor());
  } catch (error) {
    expect(error).toBeInstanceOf(BundleError);
    return error as BundleError;
  }
  throw new Error(`expected readBundle(${source}) to throw`);
}

/** Deterministic bytes that no compressor can shrink much (so a cut lands inside the data). */
function noise(length: number): Buffer {
  const bytes = Buffer.alloc(length);
  let x = 0x2545f491;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

describe('readBundle: unreadable inputs throw BundleError, and never hang', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await tempDir();
  });

  it('a truncated .tar.gz', async () => {
    const gz = buildTarGz([{ name: 'bundle/data.log', data: noise(200_000) }]);
    const file = join(dir, 'truncated.tar.gz');
    await writeFile(file, gz.subarray(0, Math.floor(gz.length / 2)));
    const error = await readError(file);
    expect(error.source).toBe(file);
    expect(error.problem).toBe('truncated archive: the gzip stream ends early (incomplete download or copy?)');
    expect(error.message).toBe(`${file}: ${error.problem}`);
  }, 10_000);

  it('a corrupt gzip body', async () => {
    const gz = buildTarGz([{ name: 'bundle/data.log', data: noise(50_000) }]);
    gz.fill(0x55, 20, 400);
    const file = join(dir, 'corrupt.tar.gz');
    await writeFile(file, gz);
    expect((await readError(file)).problem).toMatch(/^(corrupt gzip data|cannot read archive|truncated archive)/);
  }, 10_000);

  it('a plain tar cut in the middle of an entry', async () => {
    const tar = buildTar([{ name: 'a.txt', data: 'x'.repeat(5000) }]);
    const file = join(dir, 'cut.tar');
    await writeFile(file, tar.subarray(0, 2048));
    expect((await readError(file)).problem).toMatch(/^not a readable tar archive/);
  }, 10_000);

  it('a random-bytes file', async () => {
    const file = join(dir, 'random.bin');
    await writeFile(file, noise(4096));
    expect((await readError(file)).problem).toBe(
      'not a .tar.gz, .tgz or .tar archive (no gzip or tar signature); pass the archive or the folder of outputs',
    );
  }, 10_000);

  it('an empty file, and a gzip of something that is not tar', async () => {
    const empty = join(dir, 'empty.tar.gz');
    await writeFile(empty, '');
    expect((await readError(empty)).problem).toBe('the file is empty (0 bytes): the download or copy did not complete?');
    const { gzipSync } = await import('node:zlib');
    const notTar = join(dir, 'text.gz');
    await writeFile(notTar, gzipSync(Buffer.from('hello world, this is not a tar archive\n'.repeat(20))));
    expect((await readError(notTar)).problem).toMatch(/not a (readable )?tar archive/);
  }, 10_000);

  it('a path that does not exist', async () => {
    const error = await readError(join(dir, 'missing.tar.gz'));
    expect(error.problem).toBe('cannot open: no such file or folder (ENOENT)');
  });

  it('a well-formed tar is read, with its source type', async () => {
    const file = join(dir, 'ok.tar');
    await writeFile(file, buildTar([{ name: 'x.txt', data: 'x' }]));
    const visitor = new RecordingVisitor();
    expect(await readBundle(file, DEFAULT_LIMITS, visitor)).toEqual({ sourceType: 'tar', warnings: [] });
    expect(visitor.entries.map((e) => e.path)).toEqual(['x.txt']);
  });
});
