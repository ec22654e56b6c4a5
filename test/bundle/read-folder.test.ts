import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/bundle/limits.js';
import { readBundle } from '../../src/bundle/read-bundle.js';
import { RecordingVisitor, tempDir, writeTree } from './helpers.js';

describe('readFolder (through readBundle)', () => {
  let root = '';
  let fifo = false;
  beforeAll(async () => {
    root = join(await tempDir(), 'bundle');
    await writeTree(root, {
      'b/two.txt': 'two',
      'a.txt': 'one',
      'c/deep/three.txt': 'three',
      'big.txt': 'z'.repeat(5000),
    });
    await symlink('/etc/passwd', join(root, 'passwd'));
    await symlink('/etc', join(root, 'etc-dir'));
    await mkdir(join(root, 'empty-dir'));
    try {
      execFileSync('mkfifo', [join(root, 'pipe')]);
      fifo = true;
    } catch {
      fifo = false; // no mkfifo: the FIFO case is covered by the tar test
    }
  });

  it('walks in sorted order, reads regular files, skips links without following them', async () => {
    const visitor = new RecordingVisitor();
    const result = await readBundle(root, { ...DEFAULT_LIMITS, maxEntryBytes: 4096 }, visitor);
    expect(result).toEqual({ sourceType: 'folder', warnings: [] });
    expect(visitor.entries.map((e) => [e.path, e.bytes.toString(), e.ended])).toEqual([
      ['a.txt', 'one', 1],
      ['b/two.txt', 'two', 1],
      ['c/deep/three.txt', 'three', 1],
    ]);
    const skipped = new Map(visitor.skipped.map((s) => [s.path, s]));
    expect(skipped.get('passwd')).toEqual({ path: 'passwd', reason: 'symbolic link: not followed' });
    expect(skipped.get('etc-dir')).toEqual({ path: 'etc-dir', reason: 'symbolic link: not followed' });
    expect(skipped.get('big.txt')).toEqual({ path: 'big.txt', size: 5000, reason: 'too large: 4.9 KiB over the 4.0 KiB entry cap (raise with --max-entry-size)' });
    if (fifo) expect(skipped.get('pipe')).toEqual({ path: 'pipe', reason: 'named pipe: not followed' });
    expect(visitor.skipped).toHaveLength(fifo ? 4 : 3);
    // nothing from /etc was read through the links
    expect(visitor.entries.some((e) => e.bytes.toString().includes('root:'))).toBe(false);
  }, 10_000);

  it('never feeds more bytes than the size it admitted', async () => {
    const visitor = new RecordingVisitor();
    await readBundle(root, DEFAULT_LIMITS, visitor);
    for (const entry of visitor.entries) expect(entry.bytes.length).toBe(entry.size);
  });

  it('an empty folder is a bundle with no entries', async () => {
    const dir = await tempDir();
    const visitor = new RecordingVisitor();
    expect(await readBundle(dir, DEFAULT_LIMITS, visitor)).toEqual({ sourceType: 'folder', warnings: [] });
    expect(visitor.entries).toEqual([]);
    expect(visitor.skipped).toEqual([]);
  });

  it('a file name with a newline is passed through as a path (only skipped names are rewritten)', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'odd\nname.txt'), 'x');
    const visitor = new RecordingVisitor();
    await readBundle(dir, DEFAULT_LIMITS, visitor);
    expect(visitor.entries.map((e) => e.path)).toEqual(['odd\nname.txt']);
  });
});
