import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['./test/global-tmpdir.ts'],
    // In every test file, also when modules are shared across files (isolate: false).
    setupFiles: ['./test/helpers/temp-dirs-setup.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
    testTimeout: 30_000,
  },
});
