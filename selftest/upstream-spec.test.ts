// The suite with the Dify docs' own OpenAPI file as its contract: the generic families run for its
// operations against the embedded mock, the deep checks wherever its operationIds match ours, and
// the report is a docs maintainer's list of where the docs fall short of what a server does.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { PROJECT_ROOT } from '../src/paths';
import { checksWith, runSuite } from './run-suite';

const UPSTREAM = path.resolve(PROJECT_ROOT, '..', 'shared', 'upstream', 'openapi_knowledge.json');

test('CONFORMANCE_SPEC=<the docs own file> runs the families and the deep checks, and reports the drift', async () => {
  test.skip(!existsSync(UPSTREAM), `${UPSTREAM} is not present on this machine`);
  // Playwright starts a new worker after each failing test, and this run has dozens: give it time.
  test.setTimeout(300_000);
  const run = await runSuite({ CONFORMANCE_SPEC: UPSTREAM, CONFORMANCE_WORKERS: '2' }, [], 280_000);
  expect(run.stderr).toBe('');
  // The docs and the mock (which follows our contract) disagree: a finished run that fails, not a crash.
  expect(run.code).toBe(1);
  const report = run.report;
  expect(report?.spec.file).toContain('openapi_knowledge.json');
  const operations = new Set(report?.results.map((r) => r.operationId));
  expect(operations.size).toBeGreaterThanOrEqual(20);
  // The deep checks run where the operationIds match ours.
  for (const id of ['getDocumentDetail/metadata-only/exact-fields', 'downloadDocument/signed-url/original-bytes'])
    expect(report?.results.find((r) => r.check === id)?.outcome, id).toBe('passed');
  // Every failure is a claim that did not hold, said as one: never a crash of the suite.
  for (const check of checksWith(run, 'failed')) {
    const detail = report?.results.find((r) => r.check === check)?.detail ?? '';
    expect(detail, check).toMatch(/\nexpected: .+\nactual: {3}/);
  }
  // What the docs leave out is listed once, not failed once per check.
  expect(report?.spec.gaps).toContain(
    'listDatasets: requires the API key, but documents no 401 answer (no auth checks generated)',
  );
  expect(checksWith(run, 'failed').filter((id) => id.includes('/auth/'))).toEqual([]);
});
