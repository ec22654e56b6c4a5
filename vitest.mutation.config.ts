import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * The suite as `npm run mutation` (Stryker) runs it for each mutant: the in-process tests only.
 * Tests that work through child processes (the collector under dash, the hostile corpus, the
 * network-denied runs, the browser) see no mutant (Stryker instruments this process) and would
 * only multiply the run's hours.
 *
 * Not `isolate: false`, though it halves the in-process suite: Stryker's per-test coverage is then
 * wrong (a mutant killed by test/bundle/read-bundle.test.ts was recorded as covered only by other
 * files' tests, and reported as surviving), so the score would be too low.
 */
const config = mergeConfig(
  base,
  defineConfig({
    test: {
      exclude: ['test/collector/**', 'test/hostile/**', 'test/network/**', 'test/browser/**', 'test/cli/cli-process.test.ts', 'node_modules/**'],
      reporters: ['default'],
      // Every rule-fixture test analyses its bundle itself, so that each is credited with the code it checks.
      env: { RULE_FIXTURES_CACHE: 'off' },
    },
  }),
);

// scripts/mutation.mjs names the test folders (or files) aimed at the folder it mutates
// (MUTATION_TESTS, comma-separated); the score is then a lower bound of what the whole suite kills.
// Set after mergeConfig, which would append to the base's include instead of replacing it.
if (process.env.MUTATION_TESTS) config.test!.include = process.env.MUTATION_TESTS.split(',').map((entry) => (entry.endsWith('.test.ts') ? entry : `${entry}/**/*.test.ts`));

export default config;
