import { describe, expect, it } from 'vitest';
import { FACET_BUILDERS } from '../../src/model/builders/index.js';
import { INPUT_IDS } from '../../src/model/facets.js';

describe('facet builders', () => {
  it('one per input, each after the facets it joins with', () => {
    expect(FACET_BUILDERS.map((b) => b.facet).sort()).toEqual([...INPUT_IDS].sort());
    FACET_BUILDERS.forEach((builder, i) => {
      const before = FACET_BUILDERS.slice(0, i).map((b) => b.facet);
      for (const used of builder.uses ?? []) expect(before, `${builder.facet} uses ${used}`).toContain(used);
    });
  });
});
