// The project's own tests: units, the suite lint, and the suite run against good and broken mocks.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: '.',
  testMatch: '*.test.ts',
  outputDir: '../test-results/selftest',
  fullyParallel: true,
  workers: 2,
  retries: 0,
  timeout: 120_000,
  // The JSON results feed .ci/run's closing `N passed, N failed` line.
  reporter: [['list'], ['json', { outputFile: '../test-results/selftest.json' }]],
  use: { trace: 'off' },
});
