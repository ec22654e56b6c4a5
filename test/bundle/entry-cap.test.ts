import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/bundle/limits.js';
import { readBundle } from '../../src/bundle/read-bundle.js';
import { RecordingVisitor, tempDir, writeTree } from './helpers.js';
import { buildTar, buildTarGz } from './tar-builder.js';

/**
 * The entry-size cap is inclusive: an entry of exactly `maxEntryBytes` is read, one byte more is
 * skipped with the reason naming the flag (src/bundle/entry-gate.ts `size > maxEntryBytes`).
 * Tested at, one below and one above the cap, for folders and for archives.
 */
const CAP = 4096;
const FILES = {
  'below.log': 'b'.repeat(CAP - 1),
  'at.log': 'a'.repeat(CAP),
  'over.log': 'o'.repeat(CAP + 1),
};

async function read(kind: 'folder' | 'tar' | 'tar.gz') {
  const dir = await tempDir();
  let source = join(dir, 'bundle');
  if (kind === 'folder') await writeTree(source, FILES);
  else {
    const entries = Object.entries(FILES).map(([name, data]) => ({ name: `bundle/${name}`, data }));
    source = join(dir, `bundle.${kind}`);
    await writeFile(source, kind === 'tar' ? buildTar(entries) : buildTarGz(entries));
  }
  const visitor = new RecordingVisitor();
  await readBundle(source, { ...DEFAULT_LIMITS, maxEntryBytes: CAP }, visitor);
  const prefix = kind === 'folder' ? '' : 'bundle/';
  return { visitor, prefix };
}

describe('maxEntryBytes: at, just below and just above the cap', () => {
  it.each(['folder', 'tar', 'tar.gz'] as const)('%s: reads entries of cap-1 and cap bytes in full, skips cap+1 with a reason', async (kind) => {
    const { visitor, prefix } = await read(kind);
    const read_ = new Map(visitor.entries.map((e) => [e.path, e]));
    expect([...read_.keys()].sort()).toEqual([`${prefix}at.log`, `${prefix}below.log`]);
    expect(read_.get(`${prefix}below.log`)!.bytes.length).toBe(CAP - 1);
    expect(read_.get(`${prefix}at.log`)!.bytes.length).toBe(CAP);
    expect(read_.get(`${prefix}at.log`)!.bytes.toString()).toBe(FILES['at.log']);
    expect(visitor.skipped).toEqual([
      { path: `${prefix}over.log`, size: CAP + 1, reason: 'too large: 4.0 KiB over the 4.0 KiB entry cap (raise with --max-entry-size)' },
    ]);
  }, 10_000);
});
