import fc from 'fast-check';
import { describe, it } from 'vitest';
import { ARTIFACT_KINDS } from '../../src/artifacts/registry.js';
import { emptyStats, entryProperty } from './entry-property.js';

/** Fixed, so CI replays the same cases; `npm run fuzz` explores with fresh seeds and many more. */
const SEED = 1414;
const RUNS_PER_KIND = 50;
// A hang bound, not a benchmark: CI shares its cores (npm run fuzz keeps the 2 s default, --max-ms).
const MAX_MS = 5000;

describe('every artifact parser, fuzzed through the entry boundary', () => {
  it.each(ARTIFACT_KINDS.map((k) => [k.id] as const))('%s: mutated seeds are used or refused with a reason, quickly and deterministically', (kind) => {
    fc.assert(entryProperty(kind, emptyStats(), MAX_MS), { seed: SEED, numRuns: RUNS_PER_KIND });
  });
});
