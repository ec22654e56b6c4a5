import type { InventoryItem } from '../artifacts/artifact.js';
import { commandEnding, commandFailed } from '../artifacts/manifest/exit.js';
import type { Manifest, ManifestArtifact } from '../artifacts/manifest/schema.js';
import { normaliseEntryPath } from '../bundle/entry-path.js';
import { compareText } from '../order.js';

/** A command of the collector that did not succeed, with the line of its stderr that says why. */
export type CollectionFailure = {
  path: string;
  command: string;
  exitCode: number;
  forbidden?: boolean;
  stderr?: string;
  stderrFirstLine?: string;
  /** The exit as a table cell: `1`, `124 (timed out)`, `1 (forbidden by RBAC)`. */
  ending: string;
};

/**
 * How the bundle was collected, read once from the manifest: what failed and why, what was
 * skipped, and, for an input a rule misses, what the collector tried. Empty without a manifest.
 */
export interface Collection {
  failures: CollectionFailure[];
  skipped: Array<{ path: string; reason: string }>;
  /** Why these inputs are missing: the first failed attempt to collect them, in words. */
  whyMissing(inputs: readonly string[]): string | undefined;
}

const STDERR_LINE_CHARS = 200;

/** klog's header, as client-go prints its retries before kubectl's own message. */
const KLOG_LINE = /^[EWIF]\d{4} [\d:.]+\s+\d+ \S+:\d+\] /;

/**
 * The stderr line that says what went wrong (`connection refused`, `Unauthorized`, `forbidden`):
 * the first line that is not client-go's klog noise, else the message of the first klog line.
 */
export function meaningfulLine(stderr: string): string | undefined {
  const lines = stderr.split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() !== '');
  return lines.find((l) => !KLOG_LINE.test(l)) ?? lines[0]?.replace(KLOG_LINE, '');
}

export function collectionOf(manifest: Manifest | undefined, stderrByPath: ReadonlyMap<string, string>, inventory: readonly InventoryItem[] = []): Collection {
  const failed = (manifest?.artifacts ?? []).filter(commandFailed);
  const failures = failed.map((a) => failureOf(a, stderrByPath)).sort((a, b) => compareText(a.path, b.path));
  return {
    failures,
    skipped: [...(manifest?.skipped ?? [])].sort((a, b) => compareText(a.path, b.path)),
    whyMissing(inputs) {
      const unreadable = inventory.filter((i) => i.status === 'invalid' && i.kind !== undefined && inputs.includes(i.kind));
      if (unreadable.length > 0) {
        const first = unreadable[0]!;
        const more = unreadable.length > 1 ? ` (and ${unreadable.length - 1} more ${unreadable.length === 2 ? 'file' : 'files'} of that kind)` : '';
        return `${first.path} could not be read: ${first.reason ?? 'invalid'}${more}`;
      }
      const attempts = failed.filter((a) => a.kind !== undefined && inputs.includes(a.kind));
      if (attempts.length === 0) return undefined;
      const first = attempts[0]!;
      const more = attempts.length > 1 ? ` (and ${attempts.length - 1} more attempts)` : '';
      return `the collector ran \`${first.command}\`, which ${commandEnding(first).clause}${more}`;
    },
  };
}

function failureOf(a: ManifestArtifact, stderrByPath: ReadonlyMap<string, string>): CollectionFailure {
  const stderrPath = a.stderr ? normaliseEntryPath(a.stderr) : undefined;
  const stderrText = stderrPath?.ok ? stderrByPath.get(stderrPath.path) : undefined;
  const firstLine = stderrText === undefined ? undefined : meaningfulLine(stderrText)?.slice(0, STDERR_LINE_CHARS);
  return {
    path: a.path,
    command: a.command,
    exitCode: a.exitCode,
    ...(a.forbidden ? { forbidden: true } : {}),
    ...(a.stderr ? { stderr: a.stderr } : {}),
    ...(firstLine ? { stderrFirstLine: firstLine } : {}),
    ending: commandEnding(a).cell,
  };
}
