import { normaliseEntryPath } from '../bundle/entry-path.js';
import { StringPool } from './entry/string-pool.js';
import { SharedEntries } from './entry/shared-entries.js';
import type { BundleLimits } from '../bundle/limits.js';
import type { BundleVisitor, EntryInfo, EntrySink } from '../bundle/types.js';
import type { Artifact, InventoryItem } from './artifact.js';
import { EntryIngest, type IngestTarget } from './entry/entry-ingest.js';
import type { KeepBudget } from './artifact-kind.js';
import type { Manifest } from './manifest/schema.js';
import type { ManifestHint } from './recognise.js';
import type { ParseThreads } from './entry/parse-threads.js';

/**
 * The artifact stage as a bundle visitor: recognises each entry as it streams in, parses and
 * validates it, and records exactly one inventory line per entry. An entry read in a parsing thread
 * ends after later ones: `settled()` waits for them and puts artifacts and inventory back in the
 * bundle's order, so nothing downstream can tell which thread read what.
 */
export class BundleIngest implements BundleVisitor {
  readonly artifacts: Artifact[] = [];
  readonly inventory: InventoryItem[] = [];
  readonly warnings: string[] = [];
  manifest?: Manifest;
  private manifestPrefix = '';
  private manifestPath = '';
  /** Bytes the sinks keep (parsed documents), capped by maxParsedBytes; streamed logs keep none. */
  keptBytes = 0;
  readonly budget: KeepBudget = {
    tryKeep: (bytes) => {
      if (this.keptBytes + bytes > this.limits.maxParsedBytes) return false;
      this.keptBytes += bytes;
      return true;
    },
    release: (bytes) => {
      this.keptBytes = Math.max(0, this.keptBytes - bytes);
    },
  };
  readonly strings = new StringPool();
  private readonly shared = new SharedEntries();
  private hints = new Map<string, ManifestHint>();
  /** Entries seen so far (read or skipped): each one's place in the bundle. */
  private entriesSeen = 0;
  private readonly place = new WeakMap<Artifact | InventoryItem, number>();
  private readonly endings: Array<Promise<void>> = [];

  constructor(
    private readonly limits: BundleLimits,
    private readonly threads?: ParseThreads,
  ) {}

  onSkipped(path: string, reason: string, size?: number): void {
    this.record(size === undefined ? { path, status: 'skipped', reason } : { path, status: 'skipped', size, reason }, this.entriesSeen++);
  }

  onEntry(info: EntryInfo): EntrySink {
    return new EntryIngest(info, this.targetFor(this.entriesSeen++), this.limits);
  }

  /** Waits for the entries still being read in parsing threads, then restores the bundle's order. */
  async settled(): Promise<void> {
    while (this.endings.length > 0) await Promise.all(this.endings.splice(0));
    const order = (a: Artifact | InventoryItem, b: Artifact | InventoryItem) => this.place.get(a)! - this.place.get(b)!;
    this.artifacts.sort(order);
    this.inventory.sort(order);
  }

  /** What one entry's reader records into: the bundle's collections, each item marked with the entry's place. */
  private targetFor(place: number): IngestTarget {
    return {
      budget: this.budget,
      strings: this.strings,
      shared: this.shared,
      ...(this.threads ? { threads: this.threads } : {}),
      hintFor: (path) => this.hintFor(path),
      adoptManifest: (manifest, path) => this.adoptManifest(manifest, path, place),
      accept: (artifact) => {
        this.place.set(artifact, place);
        this.artifacts.push(artifact);
      },
      record: (item) => this.record(item, place),
      defer: (ending) => {
        this.endings.push(ending);
      },
    };
  }

  private record(item: InventoryItem, place: number): void {
    this.place.set(item, place);
    this.inventory.push(item);
  }

  /** The collector's stderr files by their path relative to the manifest (as the manifest names them). */
  stderrTexts(): Map<string, string> {
    const texts = new Map<string, string>();
    for (const artifact of this.artifacts) {
      if (artifact.kind !== 'collector.stderr' || !artifact.path.startsWith(this.manifestPrefix)) continue;
      texts.set(artifact.path.slice(this.manifestPrefix.length), artifact.data.text);
    }
    return texts;
  }

  private hintFor(path: string): ManifestHint | undefined {
    if (!this.manifest || !path.startsWith(this.manifestPrefix)) return undefined;
    return this.hints.get(path.slice(this.manifestPrefix.length));
  }

  /**
   * Called when an entry turns out to be a manifest. The first one wins: a second manifest (a bundle
   * inside a bundle, or a forgery) must not redefine the collection time or the kinds of files.
   */
  private adoptManifest(manifest: Manifest, path: string, place: number): string | undefined {
    if (this.manifest) return `a second manifest: ${this.manifestPath} already describes this bundle`;
    this.manifestPath = path;
    // Its place, not the inventory's length: entries before it may still be in a parsing thread.
    if (place > 0) {
      const before = place === 1 ? 'the entry before it was' : `the ${place} entries before it were`;
      this.warnings.push(`${path} is not the first entry of the bundle: ${before} recognised by path and content`);
    }
    this.manifest = manifest;
    this.manifestPrefix = path.includes('/') ? path.slice(0, path.lastIndexOf('/') + 1) : '';
    for (const artifact of manifest.artifacts) {
      const hint: ManifestHint = { exitCode: artifact.exitCode };
      const path = normalisedManifestPath(artifact.path);
      if (!path) continue;
      if (artifact.kind) hint.kind = artifact.kind;
      if (artifact.forbidden) hint.forbidden = true;
      if (artifact.namespace) hint.namespace = artifact.namespace;
      if (artifact.pod) hint.pod = artifact.pod;
      if (artifact.container) hint.container = artifact.container;
      this.hints.set(path, hint);
      const stderr = artifact.stderr ? normalisedManifestPath(artifact.stderr) : undefined;
      if (stderr) this.hints.set(stderr, { kind: 'collector.stderr' });
    }
    return undefined;
  }

  /** Files the manifest lists with output that the bundle does not contain (lost in transfer?). */
  missingFromBundle(): string[] {
    if (!this.manifest) return [];
    const present = new Set(this.inventory.map((i) => i.path));
    return this.manifest.artifacts
      .filter((a) => a.exitCode === 0 && (a.bytes ?? 1) > 0)
      .map((a) => normalisedManifestPath(a.path))
      .filter((p): p is string => p !== undefined && !present.has(this.manifestPrefix + p));
  }
}

/** Manifest paths are compared with normalised entry paths (`./a//b` is `a/b`); unsafe ones are ignored. */
function normalisedManifestPath(path: string): string | undefined {
  const normalised = normaliseEntryPath(path);
  return normalised.ok ? normalised.path : undefined;
}
