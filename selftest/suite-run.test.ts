// The suite as a user runs it, in a child process: exit codes, the report files, JUnit and the
// console line, for a conforming mock and for one cause that blocks many checks.
// (Every deviation's root checks are asserted in-process, by the suite projects of selftest/projects.ts.)
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import reportSchema from '../schemas/conformance-report.schema.json';
import { successJson } from '../src/contract';
import { DEFAULT_SPEC } from '../src/paths';
import { loadSpecSync } from '../src/spec';
import { createAjv } from '../src/validation';
import { checksWith, runSuite } from './run-suite';

const OPERATIONS = [...loadSpecSync(DEFAULT_SPEC).operations.values()];
/** The reads: every documented field of their success answers must be seen (writes are judged by their lifecycles). */
const READS = OPERATIONS.filter((operation) => operation.method === 'GET').map((operation) => operation.operationId);
const WRITES = OPERATIONS.filter((operation) => operation.method !== 'GET').map((operation) => operation.operationId);

test('the conforming mock passes every check, none skipped, and writes the three outputs', async () => {
  // The sweep on: off, its checks skip (naming CONFORMANCE_SWEEP).
  const run = await runSuite({ CONFORMANCE_SWEEP: 'all' });
  expect(run.stderr).toBe('');
  expect(checksWith(run, 'failed')).toEqual([]);
  expect(checksWith(run, 'skipped')).toEqual([]);
  expect(checksWith(run, 'blocked')).toEqual([]);
  expect(checksWith(run, 'warning')).toEqual([]);
  expect(run.report?.summary.passed).toBeGreaterThan(100);
  expect(run.report?.verdict).toBe('conformant');
  expect(run.code).toBe(0);
  for (const file of ['conformance.json', 'conformance.html', 'junit.xml', 'html/index.html']) {
    expect(existsSync(path.join(run.reportDir, file)), file).toBe(true);
  }
  const junit = readFileSync(path.join(run.reportDir, 'junit.xml'), 'utf8');
  expect(junit.match(/<testcase /g)?.length).toBe(run.report?.summary.total);
  // Every documented status is exercised or says why not; every documented field of every read was seen.
  const coverage = run.report?.coverage;
  for (const operationId of ['getDocumentDetail', 'downloadDocument', 'getDatasetDetail']) {
    expect(coverage?.statusCodes[operationId]?.filter((c) => !c.exercised)).toEqual([]);
  }
  expect(
    Object.values(coverage?.statusCodes ?? {})
      .flat()
      .filter((c) => !c.exercised && !c.reason),
  ).toEqual([]);
  expect(Object.keys(coverage?.fields ?? {}).sort()).toEqual(
    OPERATIONS.filter((operation) => successJson(operation))
      .map((operation) => operation.operationId)
      .sort(),
  );
  // Every write succeeded at least once: some check got its documented success answer.
  expect(
    WRITES.filter(
      (operationId) => !coverage?.statusCodes[operationId]?.some((c) => c.status.startsWith('2') && c.exercised),
    ),
  ).toEqual([]);
  // Every read answered with every parameter it documents, and every documented value of it.
  for (const operationId of READS) expect(coverage?.parameters[operationId], operationId).toBeDefined();
  for (const [operationId, fields] of Object.entries(coverage?.fields ?? {})) {
    if (!READS.includes(operationId)) continue;
    expect(
      fields.filter((f) => !f.seen),
      operationId,
    ).toEqual([]);
  }
  // One exchange, many judges: a reused answer is one its sender holds, a GET sent before any write
  // of the reusing check, never a freshly minted signed URL; the report's counts add up.
  const results = run.report?.results ?? [];
  const sent = new Map(results.map((r) => [r.check, r.evidence.filter((e) => !e.reusedFrom)]));
  const reused = results.flatMap((r) => r.evidence.filter((e) => e.reusedFrom !== undefined));
  expect(reused.length).toBeGreaterThan(20);
  for (const exchange of reused) {
    expect(sent.get(exchange.reusedFrom ?? '')?.map((e) => e.fingerprint)).toContain(exchange.fingerprint);
    expect(exchange.method).toBe('GET');
    expect(exchange.operationId).not.toBe('downloadDocument');
  }
  for (const result of results) {
    const firstWrite = result.evidence.findIndex((e) => e.method !== 'GET');
    if (firstWrite >= 0) expect(result.evidence.slice(firstWrite).filter((e) => e.reusedFrom)).toEqual([]);
  }
  expect(run.report?.traffic).toEqual({
    requests: [...sent.values()].flat().length,
    distinct: new Set([...sent.values()].flat().map((e) => e.fingerprint)).size,
    reused: reused.length,
  });
});

test('a relative download URL is one failure; the checks that need the URL are blocked, naming it', async () => {
  const run = await runSuite({ CONFORMANCE_MOCK_DEVIATIONS: 'relative-url' }, ['--grep', '@download-document']);
  expect(run.code).toBe(1);
  expect(checksWith(run, 'failed')).toEqual(['downloadDocument/signed-url/absolute']);
  const blocked = (run.report?.results ?? []).filter((r) => r.outcome === 'blocked');
  expect(blocked.length).toBeGreaterThanOrEqual(9);
  for (const result of blocked) {
    expect(result.blockedBy).toBe('downloadDocument/signed-url/absolute');
    expect(result.detail).toMatch(
      /^blocked by downloadDocument\/signed-url\/absolute: expected: url, an absolute http\(s\) URL/,
    );
  }
  const root = run.report?.results.find((r) => r.check === 'downloadDocument/signed-url/absolute');
  expect(root?.blocks?.sort()).toEqual(blocked.map((r) => r.check).sort());
  expect(run.report?.summary).toMatchObject({ failed: 1, blocked: blocked.length });
  expect(run.stdout).toContain(`1 failed, ${blocked.length} blocked`);
  const junit = readFileSync(path.join(run.reportDir, 'junit.xml'), 'utf8');
  expect(junit.match(/<failure /g)?.length).toBe(1);
  expect(junit.match(/<skipped message="blocked by downloadDocument\/signed-url\/absolute: /g)?.length).toBe(
    blocked.length,
  );
  const html = readFileSync(path.join(run.reportDir, 'conformance.html'), 'utf8');
  expect(html).toContain(`It blocks ${blocked.length} more check(s)`);
  const validate = createAjv().compile(reportSchema);
  expect(validate(run.report), JSON.stringify(validate.errors)).toBe(true);
});
