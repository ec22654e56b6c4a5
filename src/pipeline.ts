import { ArtifactCollector } from './artifacts/ingest.js';
import { readBundle } from './bundle/read-bundle.js';
import { DEFAULT_LIMITS, type BundleLimits } from './bundle/limits.js';
import { BundleError } from './bundle/types.js';
import { buildModel } from './model/build.js';
import type { MeshModel } from './model/facets.js';
import { buildReport, type Report } from './report/report.js';
import { RULES } from './rules/registry.js';
import { runRules } from './rules/run.js';
import type { AnyRule } from './rules/rule.js';

export interface AnalyzeOptions {
  limits?: Partial<BundleLimits>;
  rules?: readonly AnyRule[];
}

export interface Analysis {
  model: MeshModel;
  report: Report;
}

/** bundle → artifacts → model → rules → report: the whole analyzer, without I/O beyond reading the bundle. */
export async function analyzeBundle(source: string, options: AnalyzeOptions = {}): Promise<Analysis> {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const collector = new ArtifactCollector(limits);
  const read = await readBundle(source, limits, collector);
  const usable = collector.artifacts.filter((a) => a.kind !== 'bundle.manifest' && a.kind !== 'collector.stderr');
  if (usable.length === 0) {
    const counts = collector.inventory.length;
    throw new BundleError(source, counts === 0 ? 'the bundle is empty' : `none of its ${counts} entries is a usable Istio or Kubernetes artifact (run \`istio-bundle validate\` to see why)`);
  }
  const model = buildModel({ source, artifacts: collector.artifacts, inventory: collector.inventory, ...(collector.manifest ? { manifest: collector.manifest } : {}) });
  const run = runRules(options.rules ?? RULES, model);
  const report = buildReport({
    model,
    run,
    inventory: collector.inventory,
    warnings: [...read.warnings, ...collector.warnings, ...collector.missingFromBundle().map((p) => `manifest.json lists ${p} with output, but the bundle has no such file`)],
    manifest: collector.manifest,
    stderrByPath: collector.stderrTexts(),
  });
  return { model, report };
}

/** Recognise and schema-check every entry, without building a model or running rules. */
export async function validateBundle(source: string, options: AnalyzeOptions = {}) {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const collector = new ArtifactCollector(limits);
  const read = await readBundle(source, limits, collector);
  return { inventory: sortInventory(collector.inventory), warnings: [...read.warnings, ...collector.warnings] };
}

export function sortInventory<T extends { path: string }>(items: T[]): T[] {
  return [...items].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
