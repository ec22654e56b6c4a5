import type { BundleLimits } from '../bundle/limits.js';
import { analyzeBundle } from '../pipeline.js';
import { readStoredReport } from '../report/stored-report.js';
import type { DiffSide } from './mem003.js';

export type LoadedSide = DiffSide & { from: 'bundle' | 'report' };

/** A stored JSON report when the path ends in `.json`, else a bundle (archive, folder or standard input) to analyse now. */
export async function loadSide(input: string, limits: Partial<BundleLimits> = {}): Promise<LoadedSide> {
  if (/\.json$/i.test(input)) return { input, from: 'report', report: await readStoredReport(input) };
  const { report } = await analyzeBundle(input, { limits });
  return { input, from: 'bundle', report };
}
