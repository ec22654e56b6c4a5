/**
 * Caps applied while reading a bundle that came from a stranger. Every cap can be raised from the
 * CLI; what a cap stops is listed in the inventory with the flag that raises it.
 */
export interface BundleLimits {
  /** Largest single entry read at all (logs are streamed, so this may be large). */
  maxEntryBytes: number;
  /** Largest entry that is buffered and parsed as a document (JSON, YAML, tables). */
  maxDocumentBytes: number;
  /** Sum of the sizes of all documents parsed: parsed JSON/YAML takes several times its text in memory. */
  maxParsedBytes: number;
  /** Sum of the sizes of all entries read. */
  maxTotalBytes: number;
  /** Number of entries looked at (files, links, directories alike). */
  maxEntries: number;
}

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

export const DEFAULT_LIMITS: BundleLimits = {
  maxEntryBytes: 2 * GiB,
  // JSON.parse of pathological input grows super-linearly and can exhaust the heap uncatchably
  // (the `yaml` package was measured at 59 s for 100 MB of `[{},{}…]`); 64 MiB keeps real config dumps readable.
  maxDocumentBytes: 64 * MiB,
  // Dense JSON can take ~8x its size once parsed; 256 MiB of documents stays well inside a 4 GiB heap.
  maxParsedBytes: 256 * MiB,
  maxTotalBytes: 16 * GiB,
  maxEntries: 100_000,
};

/** CLI flag names, so messages can tell the user how to raise a cap. */
export const LIMIT_FLAGS: Record<keyof BundleLimits, string> = {
  maxEntryBytes: '--max-entry-size',
  maxDocumentBytes: '--max-document-size',
  maxParsedBytes: '--max-parsed-size',
  maxTotalBytes: '--max-total-size',
  maxEntries: '--max-entries',
};

export function formatBytes(bytes: number): string {
  if (bytes >= GiB) return `${(bytes / GiB).toFixed(1)} GiB`;
  if (bytes >= MiB) return `${(bytes / MiB).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}

/** Parses sizes such as `512MiB`, `2G`, `100k` or a plain byte count. */
export function parseSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b?)\s*$/i.exec(text);
  if (!m) throw new Error(`invalid size "${text}" (expected e.g. 64MiB, 2GiB, 1000000)`);
  const unit = (m[2] ?? '').toLowerCase();
  const power = { '': 0, k: 1, m: 2, g: 3, t: 4 }[unit] ?? 0;
  return Math.round(Number(m[1]) * 1024 ** power);
}
