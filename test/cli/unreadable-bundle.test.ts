/**
 * A bundle the user may not read (EACCES). Root reads every file, and tests often run as root, so
 * the file system's refusal is injected: `open` of the bundle fails as it does for a mode-000 file.
 */
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

const LOCKED = join(import.meta.dirname, '..', 'fixtures', 'formats', 'istio-proxy-access-text.log');

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...real,
    open: (path: Parameters<typeof real.open>[0], ...rest: unknown[]) => {
      if (String(path) === LOCKED) return Promise.reject(Object.assign(new Error(`EACCES: permission denied, open '${String(path)}'`), { code: 'EACCES', errno: -13 }));
      return (real.open as (...args: unknown[]) => ReturnType<typeof real.open>)(path, ...rest);
    },
  };
});

describe('a bundle the user may not read', () => {
  it('is exit 2 with one line in words, not an internal error', async () => {
    const { runCli } = await import('../helpers/cli.js');
    const { code, stderr } = await runCli('analyze', LOCKED);
    expect(code).toBe(2);
    expect(stderr).toBe(`istio-bundle: ${LOCKED}: cannot read: permission denied (EACCES)\n`);
  });
});
