import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Instrumenter } from '@stryker-mutator/instrumenter';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-dirs.js';

/**
 * `npm run mutation -- --sample N` estimates a folder's score from the mutants at randomly drawn
 * places. What it counts must be exactly what was drawn: the sample (scripts/mutation-sample.mjs)
 * and the ignore-plugin that keeps Stryker to it (scripts/stryker-sample-ignorer.mjs).
 */
interface Location {
  start: { line: number; column: number };
  end: { line: number; column: number };
}
interface Sample {
  seed: string;
  population: number;
  size: number;
  nodes: { file: string; location: Location; mutants: number }[];
}
interface Ignorer {
  shouldIgnore(path: unknown): string | undefined;
}

const ROOT = join(import.meta.dirname, '..', '..');
const FILES = ['src/report/escape.ts', 'src/bundle/limits.ts'];
const QUIET = { isTraceEnabled: () => false, isDebugEnabled: () => false, isInfoEnabled: () => false, trace() {}, debug() {}, info() {}, warn() {}, error() {}, fatal() {} };
const key = (file: string, { start, end }: Location) => `${file}:${start.line}:${start.column}-${end.line}:${end.column}`;

const { sampleMutants, mutateRanges } = (await import(join(ROOT, 'scripts', 'mutation-sample.mjs'))) as {
  sampleMutants(files: string[], size: number, seed: string): Promise<Sample>;
  mutateRanges(sample: Sample): string[];
};

/** Every mutant Stryker makes in FILES, by place. */
async function population(): Promise<Map<string, number>> {
  const places = new Map<string, number>();
  for (const name of FILES) {
    const { mutants } = await new Instrumenter(QUIET as never).instrument([{ name, content: readFileSync(join(ROOT, name), 'utf8'), mutate: true }], { plugins: null, excludedMutations: [], ignorers: [], noHeader: true });
    for (const { location } of mutants) places.set(key(name, location), (places.get(key(name, location)) ?? 0) + 1);
  }
  return places;
}

describe('the mutant sample', () => {
  let all: Map<string, number>;
  beforeAll(async () => {
    all = await population();
  });

  it('draws whole places until it has the size asked for, and counts the population', async () => {
    const sample = await sampleMutants(FILES, 30, 'a');
    const total = [...all.values()].reduce((a, b) => a + b, 0);
    expect(sample.population).toBe(total);
    expect(sample.size).toBe(sample.nodes.reduce((sum, node) => sum + node.mutants, 0));
    expect(sample.size).toBeGreaterThanOrEqual(30);
    expect(sample.size - sample.nodes.at(-1)!.mutants).toBeLessThan(30 + Math.max(...all.values()));
    for (const node of sample.nodes) expect(all.get(key(node.file, node.location)), key(node.file, node.location)).toBe(node.mutants);
  });

  it('stops at the first place that reaches the size: one more mutant asked adds one place at most', async () => {
    const places = async (size: number) => new Set((await sampleMutants(FILES, size, 'a')).nodes.map((node) => key(node.file, node.location)));
    const [one, two, three, ten, eleven] = await Promise.all([1, 2, 3, 10, 11].map(places));
    expect(one!.size).toBe(1);
    for (const [smaller, larger] of [[one!, two!], [two!, three!], [ten!, eleven!], [three!, ten!]] as const) {
      expect([...smaller].every((place) => larger.has(place))).toBe(true);
    }
    for (const [smaller, larger] of [[one!, two!], [two!, three!], [ten!, eleven!]] as const) expect(larger.size - smaller.size).toBeLessThanOrEqual(1);
  });

  it('is the same for the same seed and another for another seed', async () => {
    const places = (sample: Sample) => sample.nodes.map((node) => key(node.file, node.location));
    const first = await sampleMutants(FILES, 30, 'a');
    expect(places(await sampleMutants(FILES, 30, 'a'))).toEqual(places(first));
    expect(places(await sampleMutants(FILES, 30, 'b'))).not.toEqual(places(first));
  });

  it('asked for more than there is, takes everything', async () => {
    const sample = await sampleMutants(FILES, 1_000_000, 'a');
    expect(sample.nodes).toHaveLength(all.size);
    expect(sample.size).toBe(sample.population);
  });

  it('names each place as a Stryker range, lines from 1 and columns from 0', async () => {
    const sample = await sampleMutants(['src/bundle/limits.ts'], 1_000_000, 'a');
    const ranges = mutateRanges(sample);
    const lines = readFileSync(join(ROOT, 'src/bundle/limits.ts'), 'utf8').split('\n');
    const flag = ranges.find((range) => {
      const [, line, from, , to] = /:(\d+):(\d+)-(\d+):(\d+)$/.exec(range)!.map(Number);
      return lines[line! - 1]!.slice(from, to) === "'--max-entries'";
    });
    expect(flag).toMatch(/^src\/bundle\/limits\.ts:\d+:\d+-\d+:\d+$/);
  });
});

describe('the sample ignorer', () => {
  it('lets Stryker make exactly the drawn places\' mutants, and ignores the rest inside their ranges', async () => {
    const sample = await sampleMutants(FILES, 40, 'c');
    const file = join(await tempDir(), 'sample.json');
    writeFileSync(file, JSON.stringify(sample));
    process.env.STRYKER_SAMPLE = file;
    const { strykerPlugins } = (await import(join(ROOT, 'scripts', 'stryker-sample-ignorer.mjs'))) as { strykerPlugins: { kind: string; name: string; value: Ignorer }[] };
    delete process.env.STRYKER_SAMPLE;
    expect(strykerPlugins.map(({ kind, name }) => [kind, name])).toEqual([['Ignore', 'sample']]);

    const drawn = new Set(sample.nodes.map((node) => key(node.file, node.location)));
    const files = FILES.map((name) => ({
      name,
      content: readFileSync(join(ROOT, name), 'utf8'),
      mutate: sample.nodes.filter((node) => node.file === name).map(({ location }) => location),
    }));
    const { mutants } = await new Instrumenter(QUIET as never).instrument(files, { plugins: null, excludedMutations: [], ignorers: [strykerPlugins[0]!.value], noHeader: true } as never);
    const made = mutants.filter((mutant) => mutant.status !== 'Ignored');
    // Every drawn mutant is made; a mutant that is not drawn is made only at a place that holds a drawn one.
    expect(made.filter((mutant) => drawn.has(key(mutant.fileName, mutant.location)))).toHaveLength(sample.size);
    const holds = (outer: Location, inner: Location) =>
      (outer.start.line < inner.start.line || (outer.start.line === inner.start.line && outer.start.column <= inner.start.column)) &&
      (outer.end.line > inner.end.line || (outer.end.line === inner.end.line && outer.end.column >= inner.end.column));
    for (const extra of made.filter((mutant) => !drawn.has(key(mutant.fileName, mutant.location)))) {
      expect(sample.nodes.some((node) => node.file === extra.fileName && holds(extra.location, node.location)), key(extra.fileName, extra.location)).toBe(true);
    }
    expect(mutants.filter((mutant) => mutant.status === 'Ignored').every((mutant) => mutant.statusReason === 'not in the sample (npm run mutation -- --sample)')).toBe(true);
  });
});
