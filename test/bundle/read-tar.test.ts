import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/bundle/limits.js';
import { readTar } from '../../src/bundle/read-tar.js';
import { ingest, RecordingVisitor, tempDir } from './helpers.js';
import { buildTar, buildTarGz, tarHeader, type TarEntry } from './tar-builder.js';

const PROXY_STATUS = 'NAME       CLUSTER      ISTIOD      VERSION     SUBSCRIBED TYPES\nproxy1     cluster1     istiod1     1.20        5 (CDS,LDS,EDS,RDS,ECDS)\n';

/** Every kind of entry a hostile or careless archive can hold. */
const HOSTILE: TarEntry[] = [
  { name: 'bundle/', type: 'directory' },
  { name: 'bundle/proxy-status.txt', data: PROXY_STATUS },
  { name: '../escape.txt', data: 'owned\n' },
  { name: 'bundle/../../escape2.txt', data: 'owned\n' },
  { name: '/etc/x', data: 'owned\n' },
  { name: 'C:\\Windows\\x', data: 'owned\n' },
  { name: 'bundle/passwd', type: 'symlink', linkname: '/etc/passwd' },
  { name: 'bundle/hard', type: 'hardlink', linkname: '/etc/shadow' },
  { name: 'bundle/fifo', type: 'fifo' },
  { name: 'bundle/tty', type: 'chardev' },
  { name: 'bundle/disk', type: 'blockdev' },
  { name: 'bundle/proxy-status.txt', data: 'NAME     PILOT     VERSION\n' },
  { name: 'bundle/big.log', data: 'x'.repeat(3000) },
  { name: './bundle/./notes.txt', data: 'hello\n' },
];

describe('readTar with hostile entries (raw ustar headers)', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await tempDir();
    await writeFile(join(dir, 'hostile.tar.gz'), buildTarGz(HOSTILE));
    await writeFile(join(dir, 'hostile.tar'), buildTar(HOSTILE));
  });

  it.each(['hostile.tar.gz', 'hostile.tar'])(
    '%s: every entry but the directory gets exactly one inventory item',
    async (name) => {
      const { collector, result } = await ingest(join(dir, name), { maxEntryBytes: 2048 });
      expect(result).toEqual({ sourceType: 'tar', warnings: [] });
      expect(collector.inventory).toEqual([
        { path: 'bundle/proxy-status.txt', size: PROXY_STATUS.length, status: 'used', kind: 'istioctl.proxyStatus', recognisedBy: 'path' },
        { path: '../escape.txt', status: 'skipped', size: 6, reason: 'unsafe path: contains ".."' },
        { path: 'bundle/../../escape2.txt', status: 'skipped', size: 6, reason: 'unsafe path: contains ".."' },
        { path: '/etc/x', status: 'skipped', size: 6, reason: 'unsafe path: absolute path' },
        { path: 'C:\\Windows\\x', status: 'skipped', size: 6, reason: 'unsafe path: Windows drive letter' },
        { path: 'bundle/passwd', status: 'skipped', reason: 'symbolic link to "/etc/passwd": not followed' },
        { path: 'bundle/hard', status: 'skipped', reason: 'hard link to "/etc/shadow": not followed' },
        { path: 'bundle/fifo', status: 'skipped', reason: 'named pipe: not followed' },
        { path: 'bundle/tty', status: 'skipped', reason: 'device file: not followed' },
        { path: 'bundle/disk', status: 'skipped', reason: 'device file: not followed' },
        { path: 'bundle/proxy-status.txt', status: 'skipped', size: 27, reason: 'duplicate entry: an earlier entry has the same path' },
        { path: 'bundle/big.log', status: 'skipped', size: 3000, reason: 'too large: 2.9 KiB over the 2.0 KiB entry cap (raise with --max-entry-size)' },
        { path: 'bundle/notes.txt', size: 6, status: 'not-recognised', reason: 'no artifact kind matches its path or content (first line: "hello")' },
      ]);
      // only the first proxy-status.txt was read
      expect(collector.artifacts.map((a) => a.path)).toEqual(['bundle/proxy-status.txt']);
    },
    10_000,
  );

  it('control characters in a skipped name are made printable', async () => {
    const file = join(dir, 'ctrl.tar');
    await writeFile(file, buildTar([{ name: '../\u001b[31mred', data: 'x' }]));
    const visitor = new RecordingVisitor();
    await readTar(file, DEFAULT_LIMITS, visitor);
    expect(visitor.skipped).toEqual([{ path: '../?[31mred', reason: 'unsafe path: contains ".."', size: 1 }]);
  });

  it('a header that declares a huge size without the bytes: skipped by the cap, then the archive is reported truncated', async () => {
    const file = join(dir, 'huge.tar');
    // 8 GiB - 1 declared, no data, no end blocks
    await writeFile(file, Buffer.concat([tarHeader({ name: 'ok.txt', data: 'hi\n' }), Buffer.from('hi\n'.padEnd(512, '\0')), tarHeader({ name: 'huge.log', declaredSize: 8 * 1024 ** 3 - 1 })]));
    const visitor = new RecordingVisitor();
    await expect(readTar(file, { ...DEFAULT_LIMITS, maxEntryBytes: 1024 }, visitor)).rejects.toMatchObject({
      name: 'BundleError',
      message: expect.stringContaining('not a readable tar archive'),
    });
    expect(visitor.entries.map((e) => [e.path, e.bytes.toString()])).toEqual([['ok.txt', 'hi\n']]);
    expect(visitor.skipped).toEqual([{ path: 'huge.log', size: 8 * 1024 ** 3 - 1, reason: 'too large: 8.0 GiB over the 1.0 KiB entry cap (raise with --max-entry-size)' }]);
  }, 10_000);

  it('the total-size cap stops reading entries once reached', async () => {
    const file = join(dir, 'total.tar');
    await writeFile(file, buildTar([1, 2, 3].map((i) => ({ name: `f${i}.txt`, data: 'y'.repeat(600) }))));
    const visitor = new RecordingVisitor();
    await readTar(file, { ...DEFAULT_LIMITS, maxTotalBytes: 1000 }, visitor);
    expect(visitor.entries.map((e) => e.path)).toEqual(['f1.txt']);
    expect(visitor.skipped.map((s) => [s.path, s.reason])).toEqual([
      ['f2.txt', "not read: the bundle's 1000 B total-size cap was reached (raise with --max-total-size)"],
      ['f3.txt', "not read: the bundle's 1000 B total-size cap was reached (raise with --max-total-size)"],
    ]);
  });

  it('the entry-count cap reports the first entry over it once, then reads nothing more', async () => {
    const file = join(dir, 'count.tar');
    await writeFile(file, buildTar([1, 2, 3, 4, 5].map((i) => ({ name: `f${i}.txt`, data: `${i}` }))));
    const { collector } = await ingest(file, { maxEntries: 3 });
    expect(collector.inventory.map((i) => [i.path, i.status])).toEqual([
      ['f1.txt', 'not-recognised'],
      ['f2.txt', 'not-recognised'],
      ['f3.txt', 'not-recognised'],
      ['f4.txt', 'skipped'],
    ]);
    expect(collector.inventory[3]!.reason).toBe('not read, nor any later entry: the 3-entry cap was reached (raise with --max-entries)');
  });

  it('feeds each entry its exact bytes, in order, with one end()', async () => {
    const file = join(dir, 'bytes.tar.gz');
    const big = Buffer.alloc(3 * 1024 * 1024 + 7, 'abc');
    await writeFile(file, buildTarGz([{ name: 'a.bin', data: big }, { name: 'b.txt', data: 'bee' }]));
    const visitor = new RecordingVisitor();
    await readTar(file, DEFAULT_LIMITS, visitor);
    expect(visitor.entries.map((e) => [e.path, e.size, e.bytes.length, e.ended])).toEqual([
      ['a.bin', big.length, big.length, 1],
      ['b.txt', 3, 3, 1],
    ]);
    expect(visitor.entries[0]!.bytes.equals(big)).toBe(true);
  }, 10_000);
});
