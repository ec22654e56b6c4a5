import { join } from 'node:path';
import { create } from 'tar';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/bundle/limits.js';
import { readBundle } from '../../src/bundle/read-bundle.js';
import type { BundleVisitor } from '../../src/bundle/types.js';
import { tempDir, writeTree } from './helpers.js';

/** A visitor whose sink fails at end(): the read must reject, never hang. */
const throwing: BundleVisitor = {
  onEntry: () => ({
    write: () => undefined,
    end: () => {
      throw new Error('sink exploded');
    },
  }),
  onSkipped: () => undefined,
};

describe('readers when the visitor throws', () => {
  it('a folder read rejects', async () => {
    const dir = await tempDir();
    await writeTree(dir, { 'a.txt': 'a\n' });
    await expect(readBundle(dir, DEFAULT_LIMITS, throwing)).rejects.toThrow('sink exploded');
  });

  it('a tar read rejects with the entry named', async () => {
    const dir = await tempDir();
    await writeTree(dir, { 'a.txt': 'a\n', 'b.txt': 'b\n' });
    const file = join(await tempDir(), 'bundle.tar.gz');
    await create({ gzip: true, file, cwd: dir }, ['a.txt', 'b.txt']);
    await expect(readBundle(file, DEFAULT_LIMITS, throwing)).rejects.toThrow(/while reading a\.txt: sink exploded/);
  });
});
