/**
 * Pairs of bundles for the diff tests, derived from samples/ the way a second collection differs
 * from a first: a copy of a sample folder with real files changed (a `kubectl top` value, a
 * DestinationRule, a resourceVersion, a restarted pod), the manifest's `collectedAt` and `bytes`
 * kept in step. Nothing is committed: every bundle is written into a temp folder by the test.
 */
import { cp, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { tempDir } from '../bundle/helpers.js';

export const SAMPLES = join(import.meta.dirname, '..', '..', 'samples');

interface ManifestEntry {
  path: string;
  bytes?: number;
  exitCode?: number;
  [key: string]: unknown;
}
interface Manifest {
  collectedAt: string;
  cluster?: { name?: string };
  artifacts: ManifestEntry[];
  [key: string]: unknown;
}

/** A copy of a sample being edited into a later collection of the same cluster. */
export class DerivedBundle {
  private constructor(readonly root: string) {}

  /** `samples/<sample>` copied to `<temp>/<name>` (the name is the report's `bundle.source`). */
  static async from(sample: string, name: string): Promise<DerivedBundle> {
    const root = join(await tempDir('ibundle-diff-'), name);
    await cp(join(SAMPLES, sample), root, { recursive: true });
    return new DerivedBundle(root);
  }

  async read(path: string): Promise<string> {
    return readFile(join(this.root, path), 'utf8');
  }

  /** Rewrites a file and its manifest `bytes`. */
  async edit(path: string, change: (text: string) => string): Promise<this> {
    const before = await this.read(path);
    const after = change(before);
    if (after === before) throw new Error(`editing ${path} changed nothing`);
    await writeFile(join(this.root, path), after);
    await this.manifest((m) => {
      const entry = m.artifacts.find((a) => a.path === path);
      if (entry) entry.bytes = Buffer.byteLength(after);
    });
    return this;
  }

  async editJson<T>(path: string, change: (value: T) => void, indent = 4): Promise<this> {
    return this.edit(path, (text) => {
      const value = JSON.parse(text) as T;
      change(value);
      return `${JSON.stringify(value, null, indent)}\n`;
    });
  }

  async manifest(change: (m: Manifest) => void): Promise<this> {
    const path = join(this.root, 'manifest.json');
    const m = JSON.parse(await readFile(path, 'utf8')) as Manifest;
    change(m);
    await writeFile(path, `${JSON.stringify(m, null, 2)}\n`);
    return this;
  }

  async collectedAt(time: string): Promise<this> {
    return this.manifest((m) => {
      m.collectedAt = time;
    });
  }

  /**
   * `kubectl top pod --containers`: the MEMORY(bytes) cell of one container, in Mi as kubectl
   * prints it (the last column, so the tabwriter's padding before it stays).
   */
  async topMemory(path: string, pod: string, container: string, mi: number): Promise<this> {
    return this.edit(path, (text) =>
      text
        .split('\n')
        .map((line) => {
          const cells = line.trim().split(/\s+/);
          if (cells[0] !== pod || cells[1] !== container) return line;
          return line.replace(/\d+Mi(\s*)$/, (_m, blanks: string) => `${mi}Mi${blanks}`);
        })
        .join('\n'),
    );
  }

  /** A pod replaced (a restart: new pod hash): its name in every file and every path, the manifest's included. */
  async renamePod(from: string, to: string): Promise<this> {
    for (const file of await this.files()) {
      const text = await readFile(join(this.root, file), 'utf8');
      if (text.includes(from)) await writeFile(join(this.root, file), text.replaceAll(from, to));
    }
    await this.manifest((m) => {
      for (const a of m.artifacts) a.path = a.path.replaceAll(from, to);
    });
    // The pod's own folders (logs/<ns>/<pod>/, proxies/<ns>/<pod>/).
    const folders = [...new Set((await this.files()).map((f) => dirname(f)).filter((d) => d.split('/').at(-1) === from))];
    for (const folder of folders) await rename(join(this.root, folder), join(this.root, dirname(folder), to));
    // Sizes after the rename (the pod name is part of the content).
    for (const file of await this.files()) {
      const size = (await stat(join(this.root, file))).size;
      await this.manifest((m) => {
        const entry = m.artifacts.find((a) => a.path === file);
        if (entry) entry.bytes = size;
      });
    }
    return this;
  }

  /** Files the collector did not get (removed with their manifest entries). */
  async remove(paths: readonly string[]): Promise<this> {
    for (const path of paths) await rm(join(this.root, path), { force: true });
    return this.manifest((m) => {
      m.artifacts = m.artifacts.filter((a) => !paths.includes(a.path));
    });
  }

  async files(): Promise<string[]> {
    const out: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const full = join(dir, entry.name);
        if (entry.isDirectory()) await walk(full);
        else out.push(relative(this.root, full));
      }
    };
    await walk(this.root);
    return out.sort();
  }
}

/** Raises a Kubernetes object's resourceVersion, as the API server does on any change. */
export function bumpResourceVersion(object: { metadata: { resourceVersion?: string } }): void {
  object.metadata.resourceVersion = String(Number(object.metadata.resourceVersion ?? '0') + 1);
}

export type KubeList = { items: Array<{ kind: string; metadata: { name: string; namespace?: string; resourceVersion?: string }; spec?: Record<string, unknown> }> };
