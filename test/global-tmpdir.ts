/**
 * Vitest global setup: the whole run gets a private temporary folder (TMPDIR, which os.tmpdir(),
 * tsx and the collector's mktemp all honour), and the run fails if a test leaves anything in it.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const previous = process.env.TMPDIR;
  const root = mkdtempSync(join(tmpdir(), 'iba-test-run-'));
  process.env.TMPDIR = root;
  return () => {
    const left = readdirSync(root);
    rmSync(root, { recursive: true, force: true });
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    if (left.length > 0) {
      // A throw here is only logged by vitest ("error during close"); the exit code must say it.
      process.stderr.write(`\nFAIL: tests left ${left.length} entries in the temporary folder: ${left.slice(0, 10).join(', ')}\n`);
      process.exitCode = 1;
    }
  };
}
