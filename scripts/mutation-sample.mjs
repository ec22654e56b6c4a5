/**
 * A random sample of a folder's mutants, so that a mutation score can be estimated in a session
 * when the full run cannot: on this project's 2-core machine Stryker needs about 2.7 s per mutant,
 * and src/rules alone has about 13,600 (10 hours).
 *
 * The unit sampled is a mutated node (one place in the code, with all the mutants Stryker makes
 * there), drawn without replacement in an order fixed by the seed: the same seed gives the same
 * sample, another seed a fresh one. Stryker is then told to mutate exactly those nodes: a `mutate`
 * range per node (which would also take every mutant nested inside it, such as the whole body of a
 * function whose block is emptied) and the ignorer in stryker-sample-ignorer.mjs, which ignores the
 * nodes inside a range that were not drawn.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Instrumenter } from '@stryker-mutator/instrumenter';

const QUIET = { isTraceEnabled: () => false, isDebugEnabled: () => false, isInfoEnabled: () => false, isWarnEnabled: () => false, isErrorEnabled: () => false, isFatalEnabled: () => false, trace() {}, debug() {}, info() {}, warn() {}, error() {}, fatal() {} };

/** Stryker's locations: lines and columns from 0. */
const key = (file, { start, end }) => `${file}:${start.line}:${start.column}-${end.line}:${end.column}`;

/**
 * @param {string[]} files  source files, relative to the project
 * @param {number} size     mutants wanted (whole nodes are drawn, so the sample may exceed it by a few)
 * @param {string} seed
 * @returns {{ seed: string, population: number, size: number, nodes: { file: string, location: object, mutants: number }[] }}
 */
export async function sampleMutants(files, size, seed) {
  const instrumenter = new Instrumenter(QUIET);
  const nodes = new Map();
  let population = 0;
  for (const file of [...files].sort()) {
    const { mutants } = await instrumenter.instrument([{ name: file, content: readFileSync(file, 'utf8'), mutate: true }], { plugins: null, excludedMutations: [], ignorers: [], noHeader: true });
    for (const { location } of mutants) {
      const id = key(file, location);
      const node = nodes.get(id) ?? { file, location, mutants: 0 };
      node.mutants += 1;
      nodes.set(id, node);
      population += 1;
    }
  }
  const order = (id) => createHash('sha256').update(`${seed}\0${id}`).digest('hex');
  const drawn = [];
  let taken = 0;
  for (const id of [...nodes.keys()].sort((a, b) => order(a).localeCompare(order(b)))) {
    if (taken >= size) break;
    const node = nodes.get(id);
    drawn.push(node);
    taken += node.mutants;
  }
  drawn.sort((a, b) => key(a.file, a.location).localeCompare(key(b.file, b.location)));
  return { seed, population, size: taken, nodes: drawn };
}

/** The `mutate` patterns for a sample: one range per node (Stryker's ranges count lines from 1). */
export function mutateRanges(sample) {
  return sample.nodes.map(({ file, location: { start, end } }) => `${file}:${start.line + 1}:${start.column}-${end.line + 1}:${end.column}`);
}
