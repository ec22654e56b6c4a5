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

describe('views', () => {
  it('build from the facets they declare only', async () => {
    const { VIEWS, viewCache } = await import('../../src/model/views/index.js');
    const { analyzeBundle } = await import('../../src/pipeline.js');
    const { join } = await import('node:path');
    const { model } = await analyzeBundle(join(import.meta.dirname, '..', '..', 'samples', 'control-plane-failure'));
    for (const id of Object.keys(VIEWS) as Array<keyof typeof VIEWS>) expect(() => model.view(id)).not.toThrow();
    const leaky = { ...VIEWS.routing, build: (facets: typeof model.facets) => ({ n: facets['kubectl.pods'].length }) };
    const original = VIEWS.routing;
    (VIEWS as Record<string, unknown>).routing = leaky;
    try {
      expect(() => viewCache(model.facets, model.bundle)('routing')).toThrow('view routing read facet "kubectl.pods" that it does not declare');
    } finally {
      (VIEWS as Record<string, unknown>).routing = original;
    }
  });
});
