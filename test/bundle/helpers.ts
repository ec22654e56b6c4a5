/** Temp folders and a one-call "read this bundle through the artifact stage" for bundle/ingest tests. */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { BundleIngest } from '../../src/artifacts/ingest.js';
import { DEFAULT_LIMITS, type BundleLimits } from '../../src/bundle/limits.js';
import { readBundle } from '../../src/bundle/read-bundle.js';
import type { BundleReadResult, BundleVisitor, EntryInfo, EntrySink } from '../../src/bundle/types.js';

export { tempDir } from '../helpers/temp-dirs.js';

/** Writes `files` (bundle-relative path → content) under `root`, creating folders. */
export async function writeTree(root: string, files: Record<string, string | Buffer>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
}

export async function ingest(source: string, limits: Partial<BundleLimits> = {}): Promise<{ collector: BundleIngest; result: BundleReadResult }> {
  const all = { ...DEFAULT_LIMITS, ...limits };
  const collector = new BundleIngest(all);
  const result = await readBundle(source, all, collector);
  return { collector, result };
}

/** A visitor that only records what the readers report: bytes per entry, skips with reasons. */
export class RecordingVisitor implements BundleVisitor {
  readonly entries: Array<{ path: string; size: number; bytes: Buffer; ended: number }> = [];
  readonly skipped: Array<{ path: string; reason: string; size?: number }> = [];

  onEntry(info: EntryInfo): EntrySink {
    const record = { path: info.path, size: info.size, bytes: Buffer.alloc(0), ended: 0 };
    this.entries.push(record);
    return {
      write: (chunk) => {
        record.bytes = Buffer.concat([record.bytes, chunk]);
      },
      end: () => {
        record.ended++;
      },
    };
  }

  onSkipped(path: string, reason: string, size?: number): void {
    this.skipped.push(size === undefined ? { path, reason } : { path, reason, size });
  }
}
