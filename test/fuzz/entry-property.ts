/**
 * The per-kind property: a mutated seed through the entry boundary never throws, never takes long,
 * ends used (schema-valid) or not used with a reason, and reads the same twice however it is chunked.
 */
import fc from 'fast-check';
import type { ArtifactId } from '../../src/artifacts/artifact-kind.js';
import type { InventoryStatus } from '../../src/artifacts/artifact.js';
import { entryCaseArb, materialise } from './cases.js';
import { entryViolations, fingerprint, ingestEntry, READER_CHUNK } from './run-entry.js';

export const DEFAULT_MAX_MS = 2000;

export interface KindStats {
  cases: number;
  byStatus: Partial<Record<InventoryStatus, number>>;
  slowestMs: number;
  slowest?: string;
}

export function emptyStats(): KindStats {
  return { cases: 0, byStatus: {}, slowestMs: 0 };
}

/** Thrown by the property so that the report names the entry (the case itself is printed by fast-check). */
export class EntryPropertyError extends Error {
  override name = 'EntryPropertyError';
}

export function entryProperty(kind: ArtifactId, stats: KindStats, maxMs = DEFAULT_MAX_MS) {
  return fc.property(entryCaseArb, (c) => {
    const { seed, path, bytes } = materialise(kind, c);
    const first = ingestEntry(path, bytes);
    // Tiny chunks only on small inputs: the readers hand over ≥ 16 KiB (gunzip) to 1 MiB (files), and a
    // long line in 7-byte writes measures the line splitter's rescans of its pending text, not the parser.
    const chunk = bytes.length > 65_536 && c.chunk < READER_CHUNK ? Math.max(c.chunk, 16_384) : c.chunk;
    const second = ingestEntry(path, bytes, chunk);
    stats.cases++;
    const status = first.inventory[0]?.status;
    if (status) stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
    const ms = Math.max(first.ms, second.ms);
    if (ms > stats.slowestMs) {
      stats.slowestMs = ms;
      stats.slowest = `${seed.file} (${bytes.length} bytes)`;
    }
    const problems = [...entryViolations(path, first, maxMs), ...(second.ms > maxMs ? [`took ${second.ms.toFixed(0)} ms on the second read`] : [])];
    if (fingerprint(first) !== fingerprint(second)) {
      problems.push(chunk === READER_CHUNK ? 'not deterministic: the same input read twice gives different results' : `reading in ${chunk}-byte chunks gives a different result`);
    }
    if (problems.length > 0) {
      const item = first.inventory[0];
      throw new EntryPropertyError(`${kind} seed ${seed.file} at ${path} (${bytes.length} bytes; ${item ? `${item.status}: ${item.reason ?? ''}` : 'no inventory'}): ${problems.join('; ')}`);
    }
  });
}
