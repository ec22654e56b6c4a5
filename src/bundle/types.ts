/** One regular file of a bundle, as the readers hand it to the artifact stage. */
export interface EntryInfo {
  /** Normalised POSIX path inside the bundle (no leading `./`, no `..`). */
  path: string;
  /** Size in bytes as declared by the archive header or the file system. */
  size: number;
}

/**
 * Receives the bytes of one entry, synchronously and in order. Readers call `end()` exactly once
 * after the last chunk. Sinks never see more than `EntryInfo.size` bytes.
 */
export interface EntrySink {
  write(chunk: Buffer): void;
  end(): void;
  /**
   * After a write: a promise when the sink holds too many bytes it has not read yet (a parsing thread
   * is behind), for the reader to pause the entry until it settles; undefined to go on.
   */
  backlog?(): Promise<void> | undefined;
}

/** What the readers report for each entry of a bundle. */
export interface BundleVisitor {
  /** A regular file within the limits: the visitor returns the sink that consumes its bytes. */
  onEntry(info: EntryInfo): EntrySink;
  /** An entry that is not read (link, device, unsafe path, over a cap…) and why. */
  onSkipped(path: string, reason: string, size?: number): void;
}

export type BundleSourceType = 'tar' | 'folder';

export interface BundleReadResult {
  sourceType: BundleSourceType;
  /** Non-fatal remarks from the reader (for example tar header warnings). */
  warnings: string[];
}

/** A bundle that cannot be read at all: the CLI turns it into exit code 2. */
export class BundleError extends Error {
  constructor(
    readonly source: string,
    readonly problem: string,
  ) {
    super(`${source}: ${problem}`);
    this.name = 'BundleError';
  }
}
