/**
 * Edges of the bundle readers that the mutation run (npm run mutation) showed no test pinned: the
 * exact refusal for each kind of unreadable input, standard input, the signature sniffing at its
 * byte boundaries, streaming gunzip, the visiting order of a folder, sockets, and the caps and size
 * formats exactly at their thresholds.
 */
import { createServer } from 'node:net';
import { appendFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { normaliseEntryPath } from '../../src/bundle/entry-path.js';
import { describeIoError } from '../../src/bundle/io-errors.js';
import { DEFAULT_LIMITS, formatBytes, parseSize } from '../../src/bundle/limits.js';
import { readBundle } from '../../src/bundle/read-bundle.js';
import { readTar } from '../../src/bundle/read-tar.js';
import type { EntryInfo, EntrySink } from '../../src/bundle/types.js';
import { RecordingVisitor, tempDir, writeTree } from './helpers.js';
import { buildTar, buildTarGz, tarHeader } from './tar-builder.js';

let dir = '';
beforeAll(async () => {
  dir = await tempDir();
});

/** A byte stream that delivers `chunks` after the reader has started, as a pipe on standard input does. */
function piped(...chunks: Buffer[]): PassThrough {
  const stream = new PassThrough();
  setImmediate(() => {
    for (const chunk of chunks) stream.write(chunk);
    setImmediate(() => stream.end());
  });
  return stream;
}

async function problemOf(read: Promise<unknown>): Promise<string> {
  try {
    await read;
  } catch (error) {
    expect((error as Error).name).toBe('BundleError');
    return (error as { problem: string }).problem;
  }
  throw new Error('expected a BundleError');
}

/** Records the size of every chunk an entry is fed. */
class ChunkSizes extends RecordingVisitor {
  readonly sizes: number[] = [];
  override onEntry(info: EntryInfo): EntrySink {
    const inner = super.onEntry(info);
    return { write: (chunk) => (this.sizes.push(chunk.length), inner.write(chunk)), end: () => inner.end() };
  }
}

describe('standard input (`-`)', () => {
  it('is read as a tar stream, gzip or not', async () => {
    for (const bytes of [buildTar([{ name: 'a.txt', data: 'one' }]), buildTarGz([{ name: 'a.txt', data: 'one' }])]) {
      const visitor = new RecordingVisitor();
      expect(await readBundle('-', DEFAULT_LIMITS, visitor, piped(bytes))).toEqual({ sourceType: 'tar', warnings: [] });
      expect(visitor.entries.map((e) => [e.path, e.bytes.toString()])).toEqual([['a.txt', 'one']]);
    }
  });

  it('nothing at all on it is "empty", and zero blocks "not a readable tar archive"', async () => {
    expect(await problemOf(readBundle('-', DEFAULT_LIMITS, new RecordingVisitor(), piped()))).toBe('it is empty (0 bytes): nothing was sent');
    expect(await problemOf(readBundle('-', DEFAULT_LIMITS, new RecordingVisitor(), piped(Buffer.alloc(1024))))).toBe('not a readable tar archive (Unrecognized archive format)');
  });

  it('is gzip only when both magic bytes are there: one of them alone is read as tar', async () => {
    const tar = buildTar([{ name: 'a.txt', data: 'one' }, { name: 'b.txt', data: 'two' }]);
    // The first header loses its checksum to the changed byte, so a.txt is lost and b.txt read.
    for (const head of [[0x1f, 0x00], [0x00, 0x8b]]) {
      const visitor = new RecordingVisitor();
      const result = await readBundle('-', DEFAULT_LIMITS, visitor, piped(Buffer.concat([Buffer.from(head), tar.subarray(2)])));
      expect(result.sourceType).toBe('tar');
      expect(visitor.entries.map((e) => e.path)).toEqual(['b.txt']);
    }
  });

  it('names itself "standard input" in errors', async () => {
    const error = await readBundle('-', DEFAULT_LIMITS, new RecordingVisitor(), piped()).catch((e: unknown) => e as Error);
    expect((error as Error).message).toBe('standard input: it is empty (0 bytes): nothing was sent');
  });
});

describe('what is not a bundle', () => {
  it('a device is "not a file or folder"', async () => {
    expect(await problemOf(readBundle('/dev/null', DEFAULT_LIMITS, new RecordingVisitor()))).toBe('not a file or folder');
  });

  it('a corrupt deflate body is "corrupt gzip data" with zlib\'s words', async () => {
    const gz = gzipSync(buildTar([{ name: 'a.txt', data: 'x'.repeat(10_000) }]));
    gz[10] = 0xff; // the first deflate block header: block type 3 does not exist
    const file = join(dir, 'corrupt.tar.gz');
    await writeFile(file, gz);
    expect(await problemOf(readBundle(file, DEFAULT_LIMITS, new RecordingVisitor()))).toBe('corrupt gzip data: invalid block type');
  });

  it('a header with a bad checksum loses its entry with tar\'s warning, and the entries after it are read', async () => {
    const tar = buildTar([{ name: 'a.txt', data: 'one' }, { name: 'b.txt', data: 'two' }, { name: 'c.txt', data: 'three' }]);
    tar[1024 + 148] = 0x37; // a digit of b.txt's header checksum
    const file = join(dir, 'bad-checksum.tar');
    await writeFile(file, tar);
    const visitor = new RecordingVisitor();
    // Two warnings: the header, then b.txt's data block, which the parser tries as a header too.
    expect(await readBundle(file, DEFAULT_LIMITS, visitor)).toEqual({ sourceType: 'tar', warnings: ['TAR_ENTRY_INVALID: checksum failure', 'TAR_ENTRY_INVALID: checksum failure'] });
    expect(visitor.entries.map((e) => [e.path, e.bytes.toString()])).toEqual([['a.txt', 'one'], ['c.txt', 'three']]);
  });

  it('text is "not a readable tar archive", and a read error of the file is "cannot read"', async () => {
    const text = Buffer.from('NAME  READY  STATUS\n'.repeat(40));
    expect(await problemOf(readTar({ name: 'x', stream: piped(text) }, DEFAULT_LIMITS, new RecordingVisitor()))).toMatch(/^not a readable tar archive \(.+\)$/);
    expect(await problemOf(readTar(dir, DEFAULT_LIMITS, new RecordingVisitor()))).toBe('cannot read: is a folder (EISDIR)');
  });

  it('the gzip signature is both magic bytes, from the first byte; the ustar one needs all 262 bytes', async () => {
    const gzipMagicOnly = join(dir, 'magic.gz');
    await writeFile(gzipMagicOnly, Buffer.from([0x1f, 0x8b]));
    expect(await problemOf(readBundle(gzipMagicOnly, DEFAULT_LIMITS, new RecordingVisitor()))).toBe('truncated archive: the gzip stream ends early (incomplete download or copy?)');
    for (const [name, bytes] of [
      ['half-magic.bin', Buffer.from([0x1f, 0x00, 0x8b, 0x00])],
      ['other-half.bin', Buffer.from([0x00, 0x8b, 0x1f, 0x8b])],
      ['short-header.bin', tarHeader({ name: 'a.txt', data: 'x' }).subarray(0, 261)],
    ] as const) {
      const file = join(dir, name);
      await writeFile(file, bytes);
      expect(await problemOf(readBundle(file, DEFAULT_LIMITS, new RecordingVisitor())), name).toBe(
        'not a .tar.gz, .tgz or .tar archive (no gzip or tar signature); pass the archive or the folder of outputs',
      );
    }
    const header262 = join(dir, 'header-262.tar');
    await writeFile(header262, tarHeader({ name: 'a.txt', data: 'x' }).subarray(0, 262));
    expect(await problemOf(readBundle(header262, DEFAULT_LIMITS, new RecordingVisitor()))).toMatch(/^not a (readable )?tar archive/);
  });
});

/** A header of typeflag `flag` (ustar's '0' is written by tar-builder; '\0' and '7' are older or rarer forms of a file). */
function withTypeflag(header: Buffer, flag: string): Buffer {
  const block = Buffer.from(header);
  block.write(flag, 156, 'latin1');
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return block;
}

describe('tar entry types', () => {
  it("old-style ('\\0') and contiguous ('7') files are read as regular files", async () => {
    const data = Buffer.from('hello\n'.padEnd(512, '\0'));
    const tar = Buffer.concat([
      withTypeflag(tarHeader({ name: 'old.txt', data: 'hello\n' }), '\0'),
      data,
      withTypeflag(tarHeader({ name: 'contiguous.txt', data: 'hello\n' }), '7'),
      data,
      Buffer.alloc(1024),
    ]);
    const visitor = new RecordingVisitor();
    await readBundle('-', DEFAULT_LIMITS, visitor, piped(tar));
    expect(visitor.entries.map((e) => [e.path, e.bytes.toString()])).toEqual([
      ['old.txt', 'hello\n'],
      ['contiguous.txt', 'hello\n'],
    ]);
    expect(visitor.skipped).toEqual([]);
  });

  it("entries of other types (a GNU sparse file as `tar --sparse` writes, a GNU dump folder) are listed as not read, with tar's name for the type", async () => {
    // tar drops the sparse entry itself and hands the dump folder on: both must reach the inventory.
    const data = Buffer.from('hello\n'.padEnd(512, '\0'));
    const tar = Buffer.concat([
      withTypeflag(tarHeader({ name: 'sparse.log', data: 'hello\n' }), 'S'),
      data,
      withTypeflag(tarHeader({ name: 'dump/', data: 'hello\n' }), 'D'),
      data,
      buildTar([{ name: 'after.txt', data: 'x' }]),
    ]);
    const visitor = new RecordingVisitor();
    await readBundle('-', DEFAULT_LIMITS, visitor, piped(tar));
    expect(visitor.skipped).toEqual([
      { path: 'sparse.log', reason: 'a tar entry of type SparseFile, which this reader does not read' },
      { path: 'dump/', reason: 'a tar entry of type GNUDumpDir, which this reader does not read' },
    ]);
    expect(visitor.entries.map((e) => e.path)).toEqual(['after.txt']);
  });
});

describe('gzip is inflated as a stream', () => {
  it('an entry of 8 MiB of zeros (8 KiB compressed) reaches its sink in small chunks, never whole', async () => {
    const file = join(dir, 'zeros.tar.gz');
    await writeFile(file, buildTarGz([{ name: 'zeros.log', data: Buffer.alloc(8 << 20) }]));
    const visitor = new ChunkSizes();
    await readTar(file, DEFAULT_LIMITS, visitor);
    expect(visitor.sizes.reduce((a, b) => a + b, 0)).toBe(8 << 20);
    // Node's gunzip emits 16 KiB at a time; the tar parser's own inflation would hand over megabytes.
    expect(Math.max(...visitor.sizes)).toBeLessThanOrEqual(64 * 1024);
  });

  it('a folder entry is read in chunks of at most 1 MiB, exactly its size', async () => {
    const root = join(dir, 'chunks');
    await writeTree(root, { 'big.log': Buffer.alloc(3 * (1 << 20) + 5, 'a') });
    const visitor = new ChunkSizes();
    await readBundle(root, DEFAULT_LIMITS, visitor);
    expect(visitor.sizes).toEqual([1 << 20, 1 << 20, 1 << 20, 5]);
  });
});

describe('a folder', () => {
  it('is visited manifest first, then in code-unit order of names at each level', async () => {
    const root = join(dir, 'order');
    await writeTree(root, { 'b.txt': 'b', 'a.txt': 'a', 'C.txt': 'C', '_x.txt': '_', 'manifest.json': '{}', 'z/manifest.json': '{}', 'z/a.txt': 'a' });
    const visitor = new RecordingVisitor();
    await readBundle(root, DEFAULT_LIMITS, visitor);
    expect(visitor.entries.map((e) => e.path)).toEqual(['manifest.json', 'C.txt', '_x.txt', 'a.txt', 'b.txt', 'z/manifest.json', 'z/a.txt']);
  });

  it('a file growing while it is read gives exactly the bytes its size said, also from empty, and no empty write', async () => {
    const root = join(dir, 'growing');
    await writeTree(root, { 'empty.log': '', 'some.log': 'abc' });
    class Growing extends ChunkSizes {
      override onEntry(info: EntryInfo): EntrySink {
        appendFileSync(join(root, info.path), 'XYZ'.repeat(1000)); // after stat, before the read
        return super.onEntry(info);
      }
    }
    const visitor = new Growing();
    await readBundle(root, DEFAULT_LIMITS, visitor);
    expect(visitor.entries.map((e) => [e.path, e.size, e.bytes.toString(), e.ended])).toEqual([
      ['empty.log', 0, '', 1],
      ['some.log', 3, 'abc', 1],
    ]);
    expect(visitor.sizes).toEqual([3]);
  });

  it('holding a Unix socket lists it as skipped, not followed', async () => {
    const root = join(dir, 'socket');
    await writeTree(root, { 'a.txt': 'a' });
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(join(root, 'agent.sock'), resolve));
    try {
      const visitor = new RecordingVisitor();
      await readBundle(root, DEFAULT_LIMITS, visitor);
      expect(visitor.skipped).toEqual([{ path: 'agent.sock', reason: 'socket: not followed' }]);
      expect(visitor.entries.map((e) => e.path)).toEqual(['a.txt']);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('caps and sizes at their thresholds', () => {
  it('entries that add up to exactly the total-size cap are all read; one byte more is not', async () => {
    const file = join(dir, 'total.tar');
    await writeFile(file, buildTar([{ name: 'a.txt', data: 'y'.repeat(600) }, { name: 'b.txt', data: 'y'.repeat(600) }]));
    const atCap = new RecordingVisitor();
    await readTar(file, { ...DEFAULT_LIMITS, maxTotalBytes: 1200 }, atCap);
    expect(atCap.entries.map((e) => e.path)).toEqual(['a.txt', 'b.txt']);
    const below = new RecordingVisitor();
    await readTar(file, { ...DEFAULT_LIMITS, maxTotalBytes: 1199 }, below);
    expect(below.entries.map((e) => e.path)).toEqual(['a.txt']);
  });

  it('formatBytes changes unit exactly at 1 KiB, 1 MiB and 1 GiB', () => {
    expect([1023, 1024, 1024 ** 2 - 1, 1024 ** 2, 1024 ** 3 - 1, 1024 ** 3].map(formatBytes)).toEqual(['1023 B', '1.0 KiB', '1024.0 KiB', '1.0 MiB', '1024.0 MiB', '1.0 GiB']);
  });

  it('parseSize takes a number with an optional unit and nothing around it', () => {
    expect(['64MiB', ' 2 GiB ', '100k', '1.5m', '1.25k', '7', '3t', '10kb'].map(parseSize)).toEqual([64 * 1024 ** 2, 2 * 1024 ** 3, 102_400, 1_572_864, 1280, 7, 3 * 1024 ** 4, 10_240]);
    for (const bad of ['x10MB', '10MB x', '1.MB', '.5G', '10 MiB extra', '']) expect(() => parseSize(bad), bad).toThrow(`invalid size "${bad}"`);
  });
});

describe('the entry-count cap', () => {
  it('counts links and devices too, and once reached, reports nothing more of any type', async () => {
    const tar = buildTar([
      { name: 'a.txt', data: 'a' },
      { name: 'link', type: 'symlink', linkname: '/etc/passwd' },
      { name: 'b.txt', data: 'b' },
      { name: 'late-link', type: 'symlink', linkname: '/etc/shadow' },
      { name: 'fifo', type: 'fifo' },
    ]);
    const visitor = new RecordingVisitor();
    await readBundle('-', { ...DEFAULT_LIMITS, maxEntries: 2 }, visitor, piped(tar));
    expect(visitor.entries.map((e) => e.path)).toEqual(['a.txt']);
    expect(visitor.skipped).toEqual([
      { path: 'link', reason: 'symbolic link to "/etc/passwd": not followed' },
      { path: 'b.txt', reason: 'not read, nor any later entry: the 2-entry cap was reached (raise with --max-entries)' },
    ]);
  });
});

describe('entry names', () => {
  it('a drive letter counts only at the start of the name', () => {
    expect(normaliseEntryPath('C:\\x')).toEqual({ ok: false, reason: 'unsafe path: Windows drive letter' });
    expect(normaliseEntryPath('logs/istiod-C:1.log')).toEqual({ ok: true, path: 'logs/istiod-C:1.log' });
  });
});

describe('describeIoError', () => {
  it('puts known codes in words, keeps unknown codes, and falls back to the message, then the value', () => {
    expect(describeIoError(Object.assign(new Error('x'), { code: 'ENOSPC' }))).toBe('no space left on device (ENOSPC)');
    expect(describeIoError(Object.assign(new Error('x'), { code: 'ENOTSUP' }))).toBe('ENOTSUP');
    expect(describeIoError(new Error('the disk went away'))).toBe('the disk went away');
    expect(describeIoError('plain words')).toBe('plain words');
    expect(describeIoError(undefined)).toBe('undefined');
    expect(describeIoError(null)).toBe('null');
  });
});
