/**
 * Temp folders made by tests, removed after each test file by `temp-dirs-setup.ts` (a vitest
 * setup file, so the hook is registered in every file, also when `isolate: false` evaluates this
 * module once for the whole run, as `npm run mutation` does).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const created: string[] = [];

/** A fresh temp folder, removed after the test file. */
export async function tempDir(prefix = 'iba-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

export async function removeTempDirs(): Promise<void> {
  await Promise.all(created.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}
