/**
 * One fuzz case for a kind: a seed of that kind, mutated (or an input generated from scratch or from
 * the seed's tokens), placed at the kind's path or at a neutral one (so content sniffing decides).
 */
import fc from 'fast-check';
import type { ArtifactId } from '../../src/artifacts/artifact-kind.js';
import { applyMutations, mutationArb, type Mutation } from './mutations.js';
import { seeds, seedsOf, type Seed } from './seeds.js';

export type Generated =
  | { gen: 'bytes'; bytes: Uint8Array }
  | { gen: 'string'; text: string }
  | { gen: 'json'; json: string }
  | { gen: 'tokens'; picks: number[]; separators: string[] }
  | { gen: 'lines'; picks: number[] };

export interface EntryCase {
  seed: number;
  input: { from: 'seed'; mutations: Mutation[] } | { from: 'generated'; generated: Generated };
  /** `path`: the seed's entry path; `content`: a path no kind claims, so only sniffing recognises it. */
  where: 'path' | 'content';
  /** Chunk size of the second read (determinism across how the reader cuts the stream). */
  chunk: number;
}

export const NEUTRAL_PATH = 'fuzz/entry-0001';

const generatedArb: fc.Arbitrary<Generated> = fc.oneof(
  fc.record({ gen: fc.constant('bytes' as const), bytes: fc.uint8Array({ maxLength: 2048 }) }),
  fc.record({ gen: fc.constant('string' as const), text: fc.oneof(fc.string({ unit: 'grapheme', maxLength: 400 }), fc.string({ unit: 'binary', maxLength: 400 })) }),
  fc.record({ gen: fc.constant('json' as const), json: fc.json({ maxDepth: 6 }) }),
  fc.record({ gen: fc.constant('tokens' as const), picks: fc.array(fc.nat(), { maxLength: 300 }), separators: fc.array(fc.constantFrom(' ', '\n', '\t', '   ', ',', ':', '\r\n', ''), { minLength: 1, maxLength: 4 }) }),
  fc.record({ gen: fc.constant('lines' as const), picks: fc.array(fc.nat(), { maxLength: 60 }) }),
);

export const entryCaseArb: fc.Arbitrary<EntryCase> = fc.record({
  seed: fc.nat(),
  input: fc.oneof(
    { weight: 8, arbitrary: fc.record({ from: fc.constant('seed' as const), mutations: fc.array(mutationArb, { minLength: 1, maxLength: 3 }) }) },
    { weight: 2, arbitrary: fc.record({ from: fc.constant('generated' as const), generated: generatedArb }) },
  ),
  where: fc.oneof({ weight: 4, arbitrary: fc.constant('path' as const) }, { weight: 1, arbitrary: fc.constant('content' as const) }),
  chunk: fc.constantFrom(1 << 20, 65_536, 4096, 512, 7, 1),
});

/** Every seed of every kind, for splices. */
function allSeeds(): Seed[] {
  return [...seeds().values()].flat();
}

export function spliceSource(index: number): Buffer {
  const all = allSeeds();
  return all[index % all.length]!.bytes;
}

export function pickSeed(kind: ArtifactId, index: number): Seed {
  const of = seedsOf(kind);
  if (of.length === 0) throw new Error(`no seed for ${kind}`);
  return of[index % of.length]!;
}

/** The entry a case stands for: its path and bytes. */
export function materialise(kind: ArtifactId, c: EntryCase): { seed: Seed; path: string; bytes: Buffer } {
  const seed = pickSeed(kind, c.seed);
  const path = c.where === 'path' ? seed.path : NEUTRAL_PATH;
  const bytes = c.input.from === 'seed' ? applyMutations(seed.bytes, c.input.mutations, spliceSource) : generate(seed, c.input.generated);
  return { seed, path, bytes };
}

function generate(seed: Seed, g: Generated): Buffer {
  switch (g.gen) {
    case 'bytes':
      return Buffer.from(g.bytes);
    case 'string':
      return Buffer.from(g.text);
    case 'json':
      return Buffer.from(g.json);
    case 'tokens': {
      // The seed's own words in a random order: right vocabulary, wrong grammar.
      const tokens = seed.bytes.toString('utf8').split(/\s+/).filter(Boolean);
      if (tokens.length === 0) return Buffer.alloc(0);
      return Buffer.from(g.picks.map((p, i) => tokens[p % tokens.length]! + g.separators[i % g.separators.length]!).join(''));
    }
    case 'lines': {
      const lines = seed.bytes.toString('utf8').split('\n');
      return Buffer.from(g.picks.map((p) => lines[p % lines.length]!).join('\n'));
    }
  }
}
