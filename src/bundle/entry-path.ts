/**
 * Turns an archive entry name into a safe bundle-relative POSIX path, or explains why it is unsafe.
 * The tar package passes names through raw (`../../x`, `/etc/x`, `C:\x`), so this is our only guard.
 */
export type NormalisedPath = { ok: true; path: string } | { ok: false; reason: string };

export function normaliseEntryPath(raw: string): NormalisedPath {
  if (raw.includes('\0')) return { ok: false, reason: 'unsafe path: contains a NUL byte' };
  if (raw.startsWith('/') || raw.startsWith('\\')) {
    return { ok: false, reason: 'unsafe path: absolute path' };
  }
  if (/^[A-Za-z]:/.test(raw)) return { ok: false, reason: 'unsafe path: Windows drive letter' };
  const segments = raw.split(/[/\\]+/);
  const kept: string[] = [];
  for (const segment of segments) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') return { ok: false, reason: 'unsafe path: contains ".."' };
    kept.push(segment);
  }
  if (kept.length === 0) return { ok: false, reason: 'empty path' };
  return { ok: true, path: kept.join('/') };
}
