import { createReadStream } from 'node:fs';
import { lstat, open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { EntryGate } from './entry-gate.js';
import { describeIoError } from './io-errors.js';
import type { BundleLimits } from './limits.js';
import { BundleError, type BundleReadResult, type BundleVisitor, type EntrySink } from './types.js';

const MANIFEST = 'manifest.json';

/**
 * Walks a folder of command outputs in a stable (sorted) order. Links are never followed, so a
 * folder cannot make the analyzer read outside itself.
 */
export async function readFolder(root: string, limits: BundleLimits, visitor: BundleVisitor): Promise<BundleReadResult> {
  const gate = new EntryGate(limits, visitor);
  try {
    await walk(root, '', gate, visitor);
  } catch (error) {
    throw new BundleError(root, `cannot read folder: ${describeIoError(error)}`);
  }
  return { sourceType: 'folder', warnings: [] };
}

async function walk(root: string, relative: string, gate: EntryGate, visitor: BundleVisitor): Promise<void> {
  let entries;
  try {
    entries = await readdir(join(root, relative), { withFileTypes: true });
  } catch (error) {
    if (relative === '') throw error; // the bundle folder itself: nothing to analyse
    visitor.onSkipped(relative, `cannot read this folder: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    return;
  }
  // The manifest drives recognition of the entries after it, so it is read first (as the collector
  // also writes it first into its tarball); everything else in byte order.
  entries.sort((a, b) => Number(b.name === MANIFEST) - Number(a.name === MANIFEST) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const dirent of entries) {
    const path = relative ? `${relative}/${dirent.name}` : dirent.name;
    if (dirent.isDirectory()) {
      await walk(root, path, gate, visitor);
    } else if (dirent.isFile()) {
      let size: number;
      try {
        size = (await lstat(join(root, path))).size;
        await (await open(join(root, path), 'r')).close(); // unreadable files are skipped, not fatal
      } catch (error) {
        visitor.onSkipped(path, `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
        continue;
      }
      const sink = gate.admit(path, size);
      if (sink) await pump(join(root, path), sink, size);
    } else {
      gate.skipNonFile(path, dirent.isSymbolicLink() ? 'SymbolicLink' : dirent.isFIFO() ? 'FIFO' : dirent.isSocket() ? 'Socket' : 'CharacterDevice');
    }
  }
}

/** Feeds at most `size` bytes: a file growing while we read must not exceed what the caps allowed. */
function pump(file: string, sink: EntrySink, size: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let remaining = size;
    const stream = createReadStream(file, { highWaterMark: 1 << 20, end: Math.max(0, size - 1) });
    // A visitor that throws must reject the read, not leave it waiting forever.
    const guarded = (step: () => void) => {
      try {
        step();
      } catch (error) {
        stream.destroy();
        reject(error as Error);
      }
    };
    stream.on('data', (chunk) =>
      guarded(() => {
        const buffer = chunk as Buffer;
        const slice = buffer.length > remaining ? buffer.subarray(0, remaining) : buffer;
        remaining -= slice.length;
        if (slice.length > 0) sink.write(slice);
        const behind = sink.backlog?.();
        if (behind) {
          stream.pause();
          void behind.then(() => stream.resume());
        }
      }),
    );
    stream.on('error', reject);
    stream.on('end', () =>
      guarded(() => {
        sink.end();
        resolve();
      }),
    );
  });
}
