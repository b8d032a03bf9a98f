// The conformance suite: tests/ against DIFY_BASE_URL, or the embedded mock when it is unset.
import path from 'node:path';
import { defineConfig } from '@playwright/test';
import { catalogOrExit, loadDotenv, settingsOrExit } from './src/config';

loadDotenv();
const settings = settingsOrExit();
catalogOrExit(settings.specPath);
// A shard writes a blob for `playwright merge-reports`, which then writes the one report of the run.
const sharded = process.argv.some((arg) => arg.startsWith('--shard'));

export default defineConfig({
  testDir: 'tests',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results',
  fullyParallel: true,
  workers: settings.workers,
  // A retry could turn a contract failure into a pass; a flaky server is a finding, not noise.
  retries: 0,
  // Long enough for the signed-URL expiry check, which waits for the URL to lapse.
  timeout: (settings.maxWaitSeconds + 60) * 1000,
  // The checks keep to CONFORMANCE_MAX_DURATION themselves (src/checks.ts); this only backs them up.
  globalTimeout: settings.maxDurationMs + 60_000,
  globalSetup: './src/global-setup.ts',
  reporter: [
    // First, because it also redacts the step titles the reporters after it print or store.
    // Writes conformance.json, conformance.html and junit.xml (one test case per check).
    ['./src/report/conformance-reporter.ts'],
    ['list'],
    sharded
      ? ['blob', { outputDir: path.join(settings.reportDir, 'blob') }]
      : ['html', { outputFolder: path.join(settings.reportDir, 'html'), open: 'never' }],
  ],
  use: {
    // Traces record request headers, i.e. the API key; the suite keeps its own redacted evidence.
    trace: 'off',
  },
});
