import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeIoError } from '../../src/bundle/io-errors.js';
import { DEFAULT_LIMITS, LIMIT_FLAGS, parseSize } from '../../src/bundle/limits.js';
import { tempDir } from './helpers.js';

/**
 * The README promises the caps a stranger's bundle is read under, in its usage block (flag and
 * default) and its Safety section (in words). Both must be what the code does.
 */
const README = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
const USAGE = /```\nistio-bundle analyze[\s\S]*?```/.exec(README)![0];
const SAFETY = README.slice(README.indexOf('### Safety'));

/** A size as the README writes it, whole units only: 64 MiB, 2 GiB. */
function inWords(bytes: number): string {
  for (const [unit, size] of [['GiB', 1024 ** 3], ['MiB', 1024 ** 2], ['KiB', 1024]] as const) {
    if (bytes % size === 0) return `${bytes / size} ${unit}`;
  }
  return `${bytes} B`;
}

describe('the default caps are the ones the README documents', () => {
  it('the usage block names every cap flag with its default, which parses back to the default', () => {
    const flags = Object.entries(LIMIT_FLAGS) as [keyof typeof DEFAULT_LIMITS, string][];
    expect(flags.map(([, flag]) => flag)).toEqual(['--max-entry-size', '--max-document-size', '--max-parsed-size', '--max-total-size', '--max-entries']);
    for (const [limit, flag] of flags) {
      const shown = new RegExp(`\\[${flag} ([^\\]]+)\\]`).exec(USAGE);
      expect(shown, `${flag} in the usage block`).not.toBeNull();
      expect(parseSize(shown![1]!), flag).toBe(DEFAULT_LIMITS[limit]);
    }
  });

  it('the Safety section states each cap in words', () => {
    expect(SAFETY).toContain(`${inWords(DEFAULT_LIMITS.maxEntryBytes)} per entry`);
    expect(SAFETY).toContain(`${inWords(DEFAULT_LIMITS.maxDocumentBytes)} per parsed`);
    expect(SAFETY).toContain(`${inWords(DEFAULT_LIMITS.maxParsedBytes)} of parsed documents in all`);
    expect(SAFETY).toContain(`${inWords(DEFAULT_LIMITS.maxTotalBytes)} read in all`);
    expect(SAFETY).toContain(`${DEFAULT_LIMITS.maxEntries.toLocaleString('en-US').replace(/,/g, ' ')} entries`);
  });

  it('the caps are the documented figures', () => {
    expect(DEFAULT_LIMITS).toEqual({ maxEntryBytes: 2 * 1024 ** 3, maxDocumentBytes: 64 * 1024 ** 2, maxParsedBytes: 256 * 1024 ** 2, maxTotalBytes: 16 * 1024 ** 3, maxEntries: 100_000 });
  });
});

describe('file-system errors in words', () => {
  const errno = (code: string) => Object.assign(new Error(`${code}: raw`), { code });

  it('names the errors the file system really raises', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'file'), 'x');
    const failure = (path: string) => readFile(path).then(() => undefined, (error: unknown) => describeIoError(error));
    expect(await failure(join(dir, 'missing'))).toBe('no such file or folder (ENOENT)');
    expect(await failure(dir)).toBe('is a folder (EISDIR)');
    expect(await failure(join(dir, 'file', 'below'))).toBe('a part of the path is not a folder (ENOTDIR)');
  });

  it('names the errors a full, read-only or failing disk raises', () => {
    expect(['EACCES', 'EPERM', 'ENOSPC', 'EDQUOT', 'EROFS', 'EIO', 'EMFILE'].map((code) => describeIoError(errno(code)))).toEqual([
      'permission denied (EACCES)',
      'operation not permitted (EPERM)',
      'no space left on device (ENOSPC)',
      'disk quota exceeded (EDQUOT)',
      'read-only file system (EROFS)',
      'input/output error (EIO)',
      'too many open files (EMFILE)',
    ]);
  });
});
