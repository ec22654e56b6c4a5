import { describe, expect, it } from 'vitest';
import { ARTIFACT_KINDS } from '../../src/artifacts/registry.js';
import { ingestEntry } from './run-entry.js';
import { seeds, seedsOf } from './seeds.js';

describe('fuzz seeds', () => {
  it('every artifact kind has at least one seed', () => {
    expect(ARTIFACT_KINDS.map((k) => k.id).filter((id) => seedsOf(id).length === 0)).toEqual([]);
    expect([...seeds().keys()].sort()).toEqual(ARTIFACT_KINDS.map((k) => k.id).sort());
  });

  // A seed that is not read as its kind would fuzz another parser (or none) under its kind's name.
  it.each([...seeds().values()].flat().map((s) => [s.kind, s.file, s] as const))('%s seed %s is used as that kind at its path', (kind, _file, seed) => {
    const outcome = ingestEntry(seed.path, seed.bytes);
    expect(outcome.inventory).toEqual([expect.objectContaining({ path: seed.path, status: 'used', kind, recognisedBy: 'path' })]);
  });
});
