import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

export const CORPUS = join(import.meta.dirname, '..', 'fixtures', 'secret-corpus');
export const REPO = join(import.meta.dirname, '..', '..');

/** What the corpus plants: values that must be gone from every redacted output, and certificates (and prose) that must stay. */
export const PLANTED = JSON.parse(readFileSync(join(CORPUS, 'planted.json'), 'utf8')) as { secrets: string[]; kept: string[] };

/** The corpus's input files (not its README or planted.json), by name. */
export function corpusFiles(): string[] {
  return readdirSync(CORPUS)
    .filter((f) => f !== 'README.md' && f !== 'planted.json')
    .sort();
}

const dirs: string[] = [];
export function tempDir(prefix = 'redact-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}
export function removeTempDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Extracts a .tar.gz with the system tar (as a customer would); returns the folder and entry names in archive order. */
export function extract(tarball: string): { dir: string; entries: string[] } {
  const listing = spawnSync('tar', ['-tzf', tarball], { encoding: 'utf8' });
  if (listing.status !== 0) throw new Error(`tar -tzf ${tarball}: ${listing.stderr}`);
  const dir = tempDir('redact-extract-');
  const x = spawnSync('tar', ['-xzf', tarball, '-C', dir], { encoding: 'utf8' });
  if (x.status !== 0) throw new Error(`tar -xzf: ${x.stderr}`);
  return { dir, entries: listing.stdout.split('\n').filter((l) => l !== '') };
}

/** Every file under a folder, relative, sorted, with its text. */
export function texts(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

/** Packs a folder into a .tar.gz with the system tar. */
export function pack(folder: string, tarball: string): void {
  const r = spawnSync('tar', ['-czf', tarball, '-C', folder, '.'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tar -czf: ${r.stderr}`);
}

export interface ReportShape {
  schemaVersion: number;
  description: string;
  passes?: string[];
  files: Array<{ path: string; redactions: Record<string, number> }>;
  notScanned?: Array<{ path: string; reason: string }>;
}
