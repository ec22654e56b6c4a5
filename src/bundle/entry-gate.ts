import { normaliseEntryPath } from './entry-path.js';
import { formatBytes, LIMIT_FLAGS, type BundleLimits } from './limits.js';
import type { BundleVisitor, EntrySink } from './types.js';

/**
 * The safety checks both readers share: path normalisation, duplicates and the size and count caps.
 * Returns the sink to feed, or null when the entry was skipped (and reported as such).
 */
export class EntryGate {
  private seen = new Set<string>();
  private entries = 0;
  private totalBytes = 0;

  constructor(
    private readonly limits: BundleLimits,
    private readonly visitor: BundleVisitor,
  ) {}

  /** Reports a non-regular entry (link, device…) as skipped; directories are structure, not content. */
  skipNonFile(rawPath: string, type: string, linkTarget?: string): void {
    if (!this.count(rawPath)) return;
    if (type === 'Directory') return;
    const known = describeType(type);
    if (!known) {
      // GNU sparse files, tape volume headers, Solaris ACLs…: tar's name for the type, for a search.
      this.visitor.onSkipped(displayPath(rawPath), `a tar entry of type ${type}, which this reader does not read`);
      return;
    }
    const target = linkTarget ? ` to ${JSON.stringify(linkTarget)}` : '';
    this.visitor.onSkipped(displayPath(rawPath), `${known}${target}: not followed`);
  }

  admit(rawPath: string, size: number): EntrySink | null {
    if (!this.count(rawPath)) return null;
    const normalised = normaliseEntryPath(rawPath);
    if (!normalised.ok) {
      this.visitor.onSkipped(displayPath(rawPath), normalised.reason, size);
      return null;
    }
    const path = normalised.path;
    if (this.seen.has(path)) {
      this.visitor.onSkipped(path, 'duplicate entry: an earlier entry has the same path', size);
      return null;
    }
    this.seen.add(path);
    if (size > this.limits.maxEntryBytes) {
      this.visitor.onSkipped(
        path,
        `too large: ${formatBytes(size)} over the ${formatBytes(this.limits.maxEntryBytes)} entry cap (raise with ${LIMIT_FLAGS.maxEntryBytes})`,
        size,
      );
      return null;
    }
    if (this.totalBytes + size > this.limits.maxTotalBytes) {
      this.visitor.onSkipped(
        path,
        `not read: the bundle's ${formatBytes(this.limits.maxTotalBytes)} total-size cap was reached (raise with ${LIMIT_FLAGS.maxTotalBytes})`,
        size,
      );
      return null;
    }
    this.totalBytes += size;
    return this.visitor.onEntry({ path, size });
  }

  private count(rawPath: string): boolean {
    this.entries += 1;
    if (this.entries === this.limits.maxEntries + 1) {
      this.visitor.onSkipped(
        displayPath(rawPath),
        `not read, nor any later entry: the ${this.limits.maxEntries}-entry cap was reached (raise with ${LIMIT_FLAGS.maxEntries})`,
      );
    }
    return this.entries <= this.limits.maxEntries;
  }
}

function describeType(type: string): string | undefined {
  switch (type) {
    case 'SymbolicLink':
      return 'symbolic link';
    case 'Link':
      return 'hard link';
    case 'CharacterDevice':
    case 'BlockDevice':
      return 'device file';
    case 'FIFO':
      return 'named pipe';
    case 'Socket':
      return 'socket';
    default:
      return undefined;
  }
}

/** Paths shown in the report are never interpreted, only displayed: keep them printable. */
function displayPath(raw: string): string {
  // eslint-disable-next-line no-control-regex
  return raw.replace(/[\u0000-\u001f\u007f]/g, '?');
}
