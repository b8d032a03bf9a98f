// Bad input on the command line: one line naming the problem and the fix, exit code 2, no key.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { runSuite } from './run-suite';

const KEY = 'dataset-CLICANARY0123456789';

function brokenSpec(): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'spec-')), 'broken.yaml');
  writeFileSync(file, 'openapi: 3.0.3\ninfo: [unclosed\n');
  return file;
}

// One bad setting per way the run can stop: a setting, the dotenv file. Each setting's own message is
// a unit test in config.test.ts.
const cases: [string, Record<string, string>, RegExp][] = [
  [
    'a malformed dataset id',
    { DIFY_BASE_URL: 'https://dify.example.com/v1', DIFY_DATASET_ID: '42' },
    /DIFY_DATASET_ID is not a UUID/,
  ],
  [
    'a missing env file',
    { CONFORMANCE_ENV_FILE: '/nowhere/.env' },
    /CONFORMANCE_ENV_FILE names a file that does not exist/,
  ],
];

for (const [what, env, message] of cases) {
  test(`${what} stops the run with one line before any test`, async () => {
    const run = await runSuite({ DIFY_API_KEY: KEY, ...env });
    expect(run.code).toBe(2);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(run.stdout + run.stderr).not.toContain(KEY);
    expect(run.report).toBeUndefined();
  });
}

test('a broken spec file stops the run with one line naming the file', async () => {
  const file = brokenSpec();
  const run = await runSuite({ CONFORMANCE_SPEC: file });
  expect(run.code).toBe(2);
  expect(run.stderr.trim()).toMatch(
    new RegExp(`^dify-knowledge-conformance: ${file}: not valid YAML at line 3, column 1 \\(Flow sequence`),
  );
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
});
