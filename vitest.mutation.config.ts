import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * The suite as `npm run mutation` (Stryker) runs it for each mutant: the in-process tests only.
 * Tests that work through child processes (the collector under dash, the hostile corpus, the
 * network-denied runs, the browser) see no mutant (Stryker instruments this process) and would
 * only multiply the run's hours.
 *
 * `isolate: false` evaluates the project's modules once per worker instead of once per test file
 * (measured: the in-process suite in 63 s instead of 139 s on one thread), and Stryker runs each
 * mutant with only the tests that cover it, so the saving repeats for every mutant. Stryker
 * switches a mutant on at run time, which needs no fresh module. The two tests that replace a
 * module with `vi.mock` (which needs a fresh module graph) are left out.
 */
export default mergeConfig(
  base,
  defineConfig({
    test: {
      exclude: ['test/collector/**', 'test/hostile/**', 'test/network/**', 'test/browser/**', 'test/cli/cli-process.test.ts', 'test/cli/unreadable-bundle.test.ts', 'test/artifacts/precompiled-validators.test.ts', 'node_modules/**'],
      isolate: false,
      reporters: ['default'],
    },
  }),
);
