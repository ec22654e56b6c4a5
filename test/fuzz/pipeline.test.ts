import fc from 'fast-check';
import { describe, it } from 'vitest';
import { tempDir } from '../bundle/helpers.js';
import { bundleProperty, emptyBundleStats } from './bundle-property.js';

describe('the whole pipeline on bundles of mutated seeds', () => {
  it('refuses only with the documented BundleError, or reports schema-valid, complete and reproducible JSON', async () => {
    await fc.assert(bundleProperty(() => tempDir('iba-fuzz-'), emptyBundleStats()), { seed: 1414, numRuns: 20 });
  }, 120_000);
});
