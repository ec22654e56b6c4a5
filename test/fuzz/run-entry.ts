/**
 * One entry through the real entry boundary (BundleIngest.onEntry → write/end), as a bundle reader
 * hands it over: recognition, the kind's sink, parsing and schema validation all run.
 */
import type { Artifact, InventoryItem } from '../../src/artifacts/artifact.js';
import { BundleIngest } from '../../src/artifacts/ingest.js';
import { artifactKind } from '../../src/artifacts/registry.js';
import { validateValue } from '../../src/artifacts/validate.js';
import { DEFAULT_LIMITS } from '../../src/bundle/limits.js';

/** The folder and tar readers hand over chunks of up to 1 MiB. */
export const READER_CHUNK = 1 << 20;

export interface EntryOutcome {
  /** Every inventory line the entry produced (exactly one is expected). */
  inventory: InventoryItem[];
  artifacts: Artifact[];
  /** An exception that escaped the entry sink, if any. */
  escaped?: string;
  ms: number;
}

export function ingestEntry(path: string, bytes: Buffer, chunk = READER_CHUNK): EntryOutcome {
  const ingest = new BundleIngest(DEFAULT_LIMITS);
  const started = performance.now();
  let escaped: string | undefined;
  try {
    const sink = ingest.onEntry({ path, size: bytes.length });
    for (let at = 0; at < bytes.length; at += chunk) sink.write(bytes.subarray(at, at + chunk));
    sink.end();
  } catch (error) {
    escaped = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
  const ms = performance.now() - started;
  return { inventory: ingest.inventory, artifacts: ingest.artifacts, ms, ...(escaped !== undefined ? { escaped } : {}) };
}

/** What an outcome says, comparable across runs (the time aside). */
export function fingerprint(outcome: EntryOutcome): string {
  return JSON.stringify({ inventory: outcome.inventory, artifacts: outcome.artifacts, escaped: outcome.escaped }, (_key, value: unknown) =>
    typeof value === 'bigint' ? `${value}n` : value instanceof Map ? [...value] : value instanceof Set ? [...value] : value,
  );
}

/** The guard's wording when a parser threw something other than ArtifactParseError: a bug, not bad input. */
const ANALYZER_ERROR = /^analyzer error while reading this entry/;

/** The entry-boundary properties that one outcome must satisfy; the violations found. */
export function entryViolations(path: string, outcome: EntryOutcome, maxMs: number): string[] {
  const problems: string[] = [];
  if (outcome.escaped !== undefined) problems.push(`an exception escaped the entry boundary: ${outcome.escaped}`);
  if (outcome.ms > maxMs) problems.push(`took ${outcome.ms.toFixed(0)} ms (bound ${maxMs} ms)`);
  if (outcome.inventory.length !== 1) problems.push(`expected exactly one inventory line, got ${outcome.inventory.length}`);
  const item = outcome.inventory[0];
  if (!item) return problems;
  if (item.path !== path) problems.push(`inventory path ${item.path} is not the entry's ${path}`);
  if (item.status === 'used') {
    const artifact = outcome.artifacts.find((a) => a.path === path);
    if (!artifact || artifact.kind !== item.kind) problems.push(`used as ${item.kind} but no such artifact was accepted`);
    // Document and stream sinks hand their data to the boundary's schema check; a line kind's summary
    // is built, not read, and is checked by nobody: check it here.
    else if ('createScanner' in artifactKind(artifact.kind)) {
      const [violation] = validateValue(artifactKind(artifact.kind).schema, artifact.data);
      if (violation) problems.push(`used ${artifact.kind} data fails its schema: ${violation.message}`);
    }
  } else {
    if (outcome.artifacts.length > 0) problems.push(`status ${item.status} but an artifact was accepted`);
    if (typeof item.reason !== 'string' || item.reason.trim() === '') problems.push(`status ${item.status} without a reason`);
    else if (ANALYZER_ERROR.test(item.reason)) problems.push(`a parser threw (not ArtifactParseError): ${item.reason}`);
  }
  return problems;
}
