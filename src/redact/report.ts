import { LAYERS, type Layer, type LayerCounts } from './layers.js';

export const REPORT_NAME = 'redaction-report.json';
export const DESCRIPTION = 'Values removed from each file before it was written into this bundle, by kind and count.';
export const MERGE =
  'The counts are the sums over the passes, in order: the report the bundle had (its files, paths and counts kept) plus what each later pass removed. A value removed by one pass is a marker for the next and is not counted twice.';

/**
 * redaction-report.json, in the collector's format (schemaVersion 1, `files: [{path, redactions}]`,
 * paths in byte order, kinds in byte order), with two fields the collector does not write:
 * `passes` (who redacted: the collector, then `istio-bundle redact`) and `notScanned` (entries left
 * out or copied without being read as text, and why).
 */
export interface RedactionReport {
  schemaVersion: 1;
  description: string;
  passes?: string[];
  /** How the counts of several passes were merged (only when there were several). */
  merge?: string;
  files: Array<{ path: string; redactions: LayerCounts }>;
  notScanned?: Array<{ path: string; reason: string }>;
}

const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * An existing report (the collector's, or an earlier redact's) read as found at `dir` inside the bundle:
 * its paths are relative to its own folder. Returns undefined when it is not a report of this format.
 */
export function parseReport(text: string, dir: string): RedactionReport | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const report = value as Partial<RedactionReport> | null;
  if (!report || report.schemaVersion !== 1 || !Array.isArray(report.files)) return undefined;
  const prefix = dir === '' ? '' : `${dir}/`;
  const files: RedactionReport['files'] = [];
  for (const file of report.files) {
    if (!file || typeof file.path !== 'string' || typeof file.redactions !== 'object' || file.redactions === null) return undefined;
    const redactions: Record<string, number> = {};
    for (const [kind, n] of Object.entries(file.redactions)) if (typeof n === 'number' && Number.isInteger(n) && n > 0) redactions[kind] = n;
    files.push({ path: prefix + file.path, redactions: redactions as LayerCounts });
  }
  const passes = Array.isArray(report.passes) ? report.passes.filter((p): p is string => typeof p === 'string') : ['collect.sh'];
  const notScanned = Array.isArray(report.notScanned) ? report.notScanned.filter((n) => n && typeof n.path === 'string' && typeof n.reason === 'string').map((n) => ({ path: prefix + n.path, reason: n.reason })) : [];
  return { schemaVersion: 1, description: DESCRIPTION, passes, files, ...(notScanned.length > 0 ? { notScanned } : {}) };
}

/**
 * Merges: counts of the same file and kind are added (a value removed by the collector is a marker now
 * and is not counted again), files of either are listed once. Paths are written relative to `dir`.
 */
export function buildReport(
  ours: Map<string, LayerCounts>,
  notScanned: Array<{ path: string; reason: string }>,
  existing: RedactionReport | undefined,
  dir: string,
  pass: string,
): RedactionReport {
  const merged = new Map<string, Map<string, number>>();
  const add = (path: string, counts: LayerCounts) => {
    const entry = merged.get(path) ?? new Map<string, number>();
    for (const [kind, n] of Object.entries(counts)) if (n && n > 0) entry.set(kind, (entry.get(kind) ?? 0) + n);
    if (entry.size > 0) merged.set(path, entry);
  };
  for (const file of existing?.files ?? []) add(file.path, file.redactions);
  for (const [path, counts] of ours) add(path, counts);
  const prefix = dir === '' ? '' : `${dir}/`;
  const relative = (path: string) => (prefix !== '' && path.startsWith(prefix) ? path.slice(prefix.length) : path);
  const files = [...merged.keys()].sort(byteOrder).map((path) => {
    const counts = merged.get(path)!;
    const redactions: Record<string, number> = {};
    for (const kind of [...counts.keys()].sort(byteOrder)) redactions[kind] = counts.get(kind)!;
    return { path: relative(path), redactions: redactions as LayerCounts };
  });
  const unscanned = [...(existing?.notScanned ?? []), ...notScanned].map((n) => ({ path: relative(n.path), reason: n.reason })).sort((a, b) => byteOrder(a.path, b.path));
  const passes = [...(existing?.passes ?? []), pass];
  return {
    schemaVersion: 1,
    description: DESCRIPTION,
    passes,
    ...(passes.length > 1 ? { merge: MERGE } : {}),
    files,
    ...(unscanned.length > 0 ? { notScanned: unscanned } : {}),
  };
}

/** Totals per layer over the files, in LAYERS order then any other kind (an older or newer collector's). */
export function totals(files: Iterable<LayerCounts>): Array<[string, number]> {
  const sum = new Map<string, number>();
  for (const counts of files) for (const [kind, n] of Object.entries(counts)) sum.set(kind, (sum.get(kind) ?? 0) + (n ?? 0));
  const order = (kind: string) => {
    const i = (LAYERS as readonly string[]).indexOf(kind as Layer);
    return i < 0 ? LAYERS.length : i;
  };
  return [...sum.entries()].filter(([, n]) => n > 0).sort((a, b) => order(a[0]) - order(b[0]) || byteOrder(a[0], b[0]));
}

export function reportText(report: RedactionReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
