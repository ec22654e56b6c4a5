import { normaliseEntryPath } from '../bundle/entry-path.js';
import { StringPool } from './entry/string-pool.js';
import type { BundleLimits } from '../bundle/limits.js';
import type { BundleVisitor, EntryInfo, EntrySink } from '../bundle/types.js';
import type { Artifact, InventoryItem } from './artifact.js';
import { EntryIngest, type IngestTarget } from './entry/entry-ingest.js';
import type { KeepBudget } from './artifact-kind.js';
import type { Manifest } from './manifest/schema.js';
import type { ManifestHint } from './recognise.js';

/**
 * The artifact stage as a bundle visitor: recognises each entry as it streams in, parses and
 * validates it, and records exactly one inventory line per entry.
 */
export class BundleIngest implements BundleVisitor, IngestTarget {
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
  private hints = new Map<string, ManifestHint>();

  constructor(private readonly limits: BundleLimits) {}

  onSkipped(path: string, reason: string, size?: number): void {
    this.inventory.push(size === undefined ? { path, status: 'skipped', reason } : { path, status: 'skipped', size, reason });
  }

  onEntry(info: EntryInfo): EntrySink {
    return new EntryIngest(info, this, this.limits);
  }

  accept(artifact: Artifact): void {
    this.artifacts.push(artifact);
  }

  record(item: InventoryItem): void {
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

  hintFor(path: string): ManifestHint | undefined {
    if (!this.manifest || !path.startsWith(this.manifestPrefix)) return undefined;
    return this.hints.get(path.slice(this.manifestPrefix.length));
  }

  /**
   * Called when an entry turns out to be a manifest. The first one wins: a second manifest (a bundle
   * inside a bundle, or a forgery) must not redefine the collection time or the kinds of files.
   */
  adoptManifest(manifest: Manifest, path: string): string | undefined {
    if (this.manifest) return `a second manifest: ${this.manifestPath} already describes this bundle`;
    this.manifestPath = path;
    if (this.inventory.length > 0) {
      this.warnings.push(`${path} is not the first entry of the bundle: the ${this.inventory.length} entries before it were recognised by path and content`);
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
