// The project's own tests: units, the suite lint and child-process runs ("unit"), and the suite
// itself against the conforming mock and every broken variant of it, one project each.
import path from 'node:path';
import { defineConfig } from '@playwright/test';
import { type SuiteOptions, suiteProjects } from './projects';

// The self-tests set every setting they test; the developer's shell and .env must not reach them
// (the resolved spec and catalog this process hands to its workers are kept).
for (const name of Object.keys(process.env)) {
  if (/^(DIFY_|CONFORMANCE_)(?!RESOLVED_)/.test(name)) delete process.env[name];
}
process.env.CONFORMANCE_ENV_FILE = 'none';

export default defineConfig<unknown, SuiteOptions>({
  outputDir: '../test-results/selftest',
  fullyParallel: true,
  // More workers than cores: much of a suite project is waiting (signed-URL expiry, timeouts).
  workers: 6,
  retries: 0,
  timeout: 120_000,
  // Thousands of suite checks: a dot each, failures in full; the summary feeds .ci/run's last line.
  reporter: [
    ['dot'],
    ['./summary-reporter.ts', { outputFile: path.join(__dirname, '..', 'test-results', 'selftest.json') }],
  ],
  use: { trace: 'off' },
  projects: [{ name: 'unit', testDir: '.', testMatch: '*.test.ts' }, ...suiteProjects()],
});
