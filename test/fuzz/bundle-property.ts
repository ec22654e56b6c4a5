/**
 * The whole-pipeline property: a small folder bundle of mutated seeds of several kinds is either
 * refused with the documented BundleError, or analysed into a schema-valid report that lists every
 * entry and renders byte-identically when analysed again.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { ARTIFACT_IDS, type ArtifactId } from '../../src/artifacts/artifact-kind.js';
import { BundleError } from '../../src/bundle/types.js';
import { analyzeBundle } from '../../src/pipeline.js';
import { renderJson } from '../../src/report/json.js';
import { reportSchemaErrors } from '../helpers/report-schema.js';
import { pickSeed, spliceSource } from './cases.js';
import { applyMutations, mutationArb, type Mutation } from './mutations.js';

export interface BundleEntryCase {
  kind: ArtifactId;
  seed: number;
  mutations: Mutation[];
}

export const bundleCaseArb: fc.Arbitrary<BundleEntryCase[]> = fc.array(
  fc.record({ kind: fc.constantFrom(...ARTIFACT_IDS), seed: fc.nat(), mutations: fc.array(mutationArb, { maxLength: 2 }) }),
  { minLength: 1, maxLength: 6 },
);

/** What analyzeBundle may refuse a bundle for: nothing in it is usable. */
const DOCUMENTED_REFUSAL = /^(?:the bundle is empty|none of its \d+ entries is a usable Istio or Kubernetes artifact)/;

export interface BundleStats {
  cases: number;
  analysed: number;
  refused: number;
  slowestMs: number;
}

export function emptyBundleStats(): BundleStats {
  return { cases: 0, analysed: 0, refused: 0, slowestMs: 0 };
}

/** The bundle's files: one per case, the first of several cases at the same path kept. */
export function bundleFiles(cases: readonly BundleEntryCase[]): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const c of cases) {
    const seed = pickSeed(c.kind, c.seed);
    if (!files.has(seed.path)) files.set(seed.path, applyMutations(seed.bytes, c.mutations, spliceSource));
  }
  return files;
}

export function bundleProperty(newDir: () => Promise<string>, stats: BundleStats, maxMs = 20_000) {
  return fc.asyncProperty(bundleCaseArb, async (cases) => {
    const files = bundleFiles(cases);
    const dir = await newDir();
    for (const [path, bytes] of files) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), bytes);
    }
    const started = performance.now();
    const first = await analyse(dir);
    const second = await analyse(dir);
    const ms = (performance.now() - started) / 2;
    stats.cases++;
    stats.slowestMs = Math.max(stats.slowestMs, ms);
    const problems: string[] = [];
    if (ms > maxMs) problems.push(`took ${ms.toFixed(0)} ms (bound ${maxMs} ms)`);
    if ('refused' in first) {
      stats.refused++;
      if (!DOCUMENTED_REFUSAL.test(first.refused)) problems.push(`refused with an undocumented error: ${first.refused}`);
      if (!('refused' in second) || second.refused !== first.refused) problems.push('the second analysis did not refuse it the same way');
    } else {
      stats.analysed++;
      const errors = reportSchemaErrors(JSON.parse(first.json));
      if (errors.length > 0) problems.push(`the report does not match its schema: ${errors.slice(0, 3).join('; ')}`);
      const listed = new Set(first.inventory);
      const missing = [...files.keys()].filter((p) => !listed.has(p));
      if (missing.length > 0) problems.push(`entries missing from the inventory: ${missing.join(', ')}`);
      if (!('json' in second) || second.json !== first.json) problems.push('analysing twice gives different JSON');
    }
    if (problems.length > 0) throw new Error(`bundle of ${[...files.keys()].join(', ')}: ${problems.join('; ')}`);
  });
}

type Analysed = { json: string; inventory: string[] } | { refused: string };

async function analyse(dir: string): Promise<Analysed> {
  try {
    const { report } = await analyzeBundle(dir);
    return { json: renderJson(report), inventory: report.inventory.map((i) => i.path) };
  } catch (error) {
    if (error instanceof BundleError) return { refused: error.problem };
    throw error;
  }
}
