import { sortInventory, type InventoryItem } from './artifacts/artifact.js';
import { BundleIngest } from './artifacts/ingest.js';
import { ParseThreads, type ParseThreadOptions } from './artifacts/entry/parse-threads.js';
import { readBundle } from './bundle/read-bundle.js';
import { DEFAULT_LIMITS, type BundleLimits } from './bundle/limits.js';
import { BundleError } from './bundle/types.js';
import { findingsStage, type FindingsOptions, type FindingsOutcome } from './findings/stage.js';
import { buildModel } from './model/build.js';
import { isUsableInput, type MeshModel } from './model/facets.js';
import { buildReport, type Report } from './report/report.js';
import { RULES } from './rules/registry.js';
import { runRules } from './rules/run.js';
import type { AnyRule } from './rules/rule.js';

export interface AnalyzeOptions {
  limits?: Partial<BundleLimits>;
  rules?: readonly AnyRule[];
  /** `--min-severity`, `--fail-on`, suppressions: the findings stage's options. */
  findings?: FindingsOptions;
  /** Read large logs and config dumps in worker threads; absent: everything on the calling thread. */
  threads?: ParseThreadOptions;
}

export interface Analysis {
  model: MeshModel;
  report: Report;
  /** The findings stage's decision, which the exit code reads. */
  outcome: FindingsOutcome;
}

/** Reads the bundle once, recognising, parsing and validating every entry (shared by analyze and validate). */
async function ingestBundle(source: string, options: AnalyzeOptions): Promise<{ ingest: BundleIngest; warnings: string[] }> {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const threads = options.threads && options.threads.threads > 0 ? new ParseThreads(options.threads) : undefined;
  const ingest = new BundleIngest(limits, threads);
  let read;
  try {
    read = await readBundle(source, limits, ingest);
    await ingest.settled();
  } finally {
    await threads?.close();
  }
  const missing = ingest.missingFromBundle().map((p) => `manifest.json lists ${p} with output, but the bundle has no such file`);
  return { ingest, warnings: [...read.warnings, ...ingest.warnings, ...missing] };
}

/** bundle → artifacts → model → rules → report: the whole analyzer, without I/O beyond reading the bundle. */
export async function analyzeBundle(source: string, options: AnalyzeOptions = {}): Promise<Analysis> {
  const { ingest, warnings } = await ingestBundle(source, options);
  // A collector bundle whose commands all failed is still an answer: the report leads with why.
  if (!ingest.manifest && !hasUsableInput(ingest.inventory)) {
    const counts = ingest.inventory.length;
    throw new BundleError(source, counts === 0 ? 'the bundle is empty' : `none of its ${counts} entries is a usable Istio or Kubernetes artifact (run \`istio-bundle validate\` to see why)`);
  }
  const model = buildModel({
    source,
    artifacts: ingest.artifacts,
    inventory: ingest.inventory,
    stderrByPath: ingest.stderrTexts(),
    ...(ingest.manifest ? { manifest: ingest.manifest } : {}),
  });
  const rules = options.rules ?? RULES;
  const run = runRules(rules, model);
  // Suppressions expire against the bundle's collection time, never the wall clock.
  const collectedAt = model.bundle.collectedAt;
  const outcome = findingsStage(run.findings, { ...options.findings, ...(collectedAt !== undefined ? { collectedAt } : {}) });
  const report = buildReport({ model, rules, run, outcome, inventory: ingest.inventory, warnings });
  return { model, report, outcome };
}

/** Recognise and schema-check every entry, without building a model or running rules. */
export async function validateBundle(source: string, options: AnalyzeOptions = {}) {
  const { ingest, warnings } = await ingestBundle(source, options);
  return { inventory: sortInventory(ingest.inventory), warnings, usable: hasUsableInput(ingest.inventory) };
}

/** An entry a rule can read (not only the manifest and the collector's stderr files). */
export function hasUsableInput(inventory: readonly InventoryItem[]): boolean {
  return inventory.some(isUsableInput);
}
