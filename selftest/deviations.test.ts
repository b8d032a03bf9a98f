// Every check can fail: each broken variant of the mock makes exactly its intended checks fail.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import reportSchema from '../schemas/conformance-report.schema.json';
import { DEVIATIONS } from '../src/mock/deviations';
import { createAjv } from '../src/validation';
import { checksWith, runSuite } from './run-suite';

test('the conforming mock passes every check, none skipped, and writes the three outputs', async () => {
  const run = await runSuite();
  expect(run.stderr).toBe('');
  expect(checksWith(run, 'failed')).toEqual([]);
  expect(checksWith(run, 'skipped')).toEqual([]);
  expect(checksWith(run, 'warning')).toEqual([]);
  expect(run.report?.summary.passed).toBeGreaterThan(0);
  expect(run.report?.verdict).toBe('conformant');
  expect(run.code).toBe(0);
  for (const file of ['conformance.json', 'conformance.html', 'junit.xml', 'html/index.html']) {
    expect(existsSync(path.join(run.reportDir, file)), file).toBe(true);
  }
  const junit = readFileSync(path.join(run.reportDir, 'junit.xml'), 'utf8');
  expect(junit.match(/<testcase /g)?.length).toBe(run.report?.summary.total);
  // Every documented status of the two core operations is exercised; any other one says why not.
  const coverage = run.report?.coverage.statusCodes ?? {};
  for (const operationId of ['getDocumentDetail', 'downloadDocument']) {
    expect(coverage[operationId]?.filter((c) => !c.exercised)).toEqual([]);
  }
  expect(
    Object.values(coverage)
      .flat()
      .filter((c) => !c.exercised && !c.reason),
  ).toEqual([]);
  expect(run.report?.coverage.documentFields.filter((f) => !f.seen)).toEqual([]);
});

test('conformance.json is valid against schemas/conformance-report.schema.json', async () => {
  const run = await runSuite({ CONFORMANCE_MOCK_DEVIATIONS: 'undocumented-field,wrong-file-name' });
  const validate = createAjv().compile(reportSchema);
  expect(validate(run.report), JSON.stringify(validate.errors)).toBe(true);
});

for (const [name, deviation] of Object.entries(DEVIATIONS)) {
  test(`deviation ${name} (${deviation.description}) breaks exactly its checks`, async () => {
    const started = Date.now();
    const run = await runSuite({ CONFORMANCE_MOCK_DEVIATIONS: name, ...deviation.suiteEnv });
    // Bounded: even a hanging server ends the run, by itself, well within the runner's limit.
    expect(run.code, run.stderr).not.toBeNull();
    expect(Date.now() - started).toBeLessThan(90_000);
    expect(checksWith(run, 'failed')).toEqual([...deviation.fails].sort());
    expect(checksWith(run, 'warning')).toEqual([...(deviation.warns ?? [])].sort());
    expect(checksWith(run, 'skipped')).toEqual([]);
    expect(run.code).toBe(deviation.fails.length > 0 ? 1 : 0);
    for (const result of run.report?.results ?? []) {
      if (result.outcome !== 'failed' && result.outcome !== 'warning') continue;
      // A failure reads like a bug report: the check, expected vs actual, the request, the contract.
      expect(result.detail).toContain(result.check);
      expect(result.detail).toMatch(/expected: .+\nactual: {3}.+/);
      expect(result.detail).toMatch(/request: {2}(GET|POST|DELETE) http/);
      expect(result.detail).toMatch(/\ncontract: #\/(paths|components)\//);
      if (deviation.cause) expect(result.detail).toContain(deviation.cause);
    }
    if (deviation.retried) {
      const retried = (run.report?.results ?? []).flatMap((r) => r.evidence).filter((e) => e.retried);
      expect(retried.length).toBeGreaterThan(0);
    }
  });
}

test('CONFORMANCE_STRICT=1 turns undocumented fields from a warning into a failure', async () => {
  const run = await runSuite({ CONFORMANCE_MOCK_DEVIATIONS: 'undocumented-field', CONFORMANCE_STRICT: '1' });
  expect(checksWith(run, 'failed')).toEqual([...(DEVIATIONS['undocumented-field'].warns ?? [])].sort());
  expect(run.code).toBe(1);
});
