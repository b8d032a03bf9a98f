// Known deviations (CONFORMANCE_EXPECTATIONS): accepted failures do not fail the run, but stay in
// the report; an accepted failure that now passes is news, and fails a strict run.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { loadCatalog } from '../src/catalog';
import { loadExpectations } from '../src/expectations';
import { DEFAULT_SPEC, PROJECT_ROOT } from '../src/paths';
import { runSuite } from './run-suite';

const EXPIRY = 'downloadDocument/signed-url/expiry';

function expectationsFile(content: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'expectations-')), 'staging.yaml');
  writeFileSync(file, content);
  return file;
}

/** The one check these runs are about: the rest would only add time. */
const ONLY_EXPIRY = ['--grep', EXPIRY];

const accepted = () =>
  expectationsFile(
    `target: staging\nexpectations:\n  - check: ${EXPIRY}\n    reason: our CDN caches files\n    link: https://example.com/issue/1\n`,
  );

test('an accepted failure is a known deviation: the run passes and the report still shows it', async () => {
  const run = await runSuite(
    { CONFORMANCE_MOCK_DEVIATIONS: 'never-expires', CONFORMANCE_EXPECTATIONS: accepted() },
    ONLY_EXPIRY,
  );
  expect(run.code).toBe(0);
  expect(run.report?.verdict).toBe('conformant with known deviations');
  const result = run.report?.results.find((r) => r.check === EXPIRY);
  expect(result?.outcome).toBe('known-deviation');
  expect(result?.expectation?.reason).toBe('our CDN caches files');
  expect(result?.detail).toContain('expected: a 4xx refusal');
});

test('an accepted failure that passes is reported as unexpectedly passing', async () => {
  const run = await runSuite({ CONFORMANCE_EXPECTATIONS: accepted() }, ONLY_EXPIRY);
  expect(run.code).toBe(0);
  expect(run.report?.results.find((r) => r.check === EXPIRY)?.outcome).toBe('unexpectedly-passing');
  expect(run.report?.summary.unexpectedlyPassing).toBe(1);
});

test('under CONFORMANCE_STRICT=1 an unexpectedly passing check fails the run', async () => {
  const run = await runSuite({ CONFORMANCE_EXPECTATIONS: accepted(), CONFORMANCE_STRICT: '1' }, ONLY_EXPIRY);
  expect(run.code).toBe(1);
  expect(run.report?.verdict).toBe('not conformant');
});

const bad: [string, string, RegExp][] = [
  ['malformed YAML', 'expectations: [', /cannot be read/],
  ['an entry without a reason', `expectations:\n  - check: ${EXPIRY}\n`, /is malformed: .*"reason"/],
  [
    'an unknown check id',
    'expectations:\n  - check: nope/nothing\n    reason: typo\n',
    /unknown check id "nope\/nothing"/,
  ],
];

for (const [what, content, message] of bad) {
  test(`an expectations file with ${what} stops the run with one line`, async () => {
    const run = await runSuite({ CONFORMANCE_EXPECTATIONS: expectationsFile(content) });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(message);
  });
}

test('the example expectations file is valid', () => {
  const file = path.join(PROJECT_ROOT, 'examples', 'expectations.example.yaml');
  expect(loadExpectations(file, new Set(loadCatalog(DEFAULT_SPEC).checks.keys())).size).toBeGreaterThan(0);
});
