// Whatever the target does, a run that got past its settings writes a report: a server that hangs
// or resets gets "not run" with a failing JUnit case for the preflight, and a slow one that
// outlasts CONFORMANCE_MAX_DURATION gets "incomplete", its unfinished checks "not run".
import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { MOCK_IDS } from '../src/mock/data';
import { runSuite, type SuiteRun } from './run-suite';

/** A TCP server that does `onConnection` to every connection, e.g. never answers, or resets it. */
async function tcpServer(onConnection: (socket: Socket) => void): Promise<{ server: Server; origin: string }> {
  const server = createServer(onConnection);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the server has no port');
  return { server, origin: `http://127.0.0.1:${address.port}` };
}

const liveEnv = (origin: string) => ({
  DIFY_BASE_URL: `${origin}/v1`,
  DIFY_API_KEY: 'dataset-CANARY0KEY0a1ways0rep0rt',
  DIFY_DATASET_ID: MOCK_IDS.datasetId,
  CONFORMANCE_REQUEST_TIMEOUT: '2',
});

function expectNotRun(run: SuiteRun, cause: RegExp): void {
  expect(run.code, run.stdout).toBe(1);
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
  expect(run.stderr).toMatch(cause);
  expect(run.report?.verdict).toBe('not run');
  expect(run.report?.stopped?.check).toBe('run/preflight');
  expect(run.report?.stopped?.cause).toMatch(cause);
  const junit = readFileSync(path.join(run.reportDir, 'junit.xml'), 'utf8');
  expect(junit).toMatch(/<testsuites [^>]*tests="1" failures="1"/);
  expect(junit).toMatch(/<testcase classname="run" name="run\/preflight: [^"]+"[^>]*>\s*<failure message="[^"]+"/);
  const html = readFileSync(path.join(run.reportDir, 'conformance.html'), 'utf8');
  expect(html).toContain('The run stopped: <code>run/preflight</code>');
  expect(`${run.stdout}${run.stderr}${junit}${html}`).not.toContain('CANARY0KEY');
}

test('a server that accepts the connection and never answers gets a "not run" report', async () => {
  const sockets: Socket[] = [];
  const { server, origin } = await tcpServer((socket) => sockets.push(socket));
  try {
    expectNotRun(await runSuite(liveEnv(origin)), /cannot reach DIFY_BASE_URL .*: no complete answer within 2 s/);
  } finally {
    for (const socket of sockets) socket.destroy();
    server.close();
  }
});

test('a server that resets every connection gets a "not run" report', async () => {
  const { server, origin } = await tcpServer((socket) => socket.resetAndDestroy());
  try {
    expectNotRun(await runSuite(liveEnv(origin)), /cannot reach DIFY_BASE_URL .*: the server reset the connection/);
  } finally {
    server.close();
  }
});

// How close to the budget a run ends is a figure for `npm run bench`, not an assertion here.
test('a run that outlasts CONFORMANCE_MAX_DURATION stops: the rest "not run", a report, one line', async () => {
  const budgetS = 20;
  // Every answer 150 ms late, one worker: the whole suite would take minutes.
  const run = await runSuite({ CONFORMANCE_MOCK_LATENCY_MS: '150', CONFORMANCE_MAX_DURATION: String(budgetS) });
  expect(run.code, run.stdout).toBe(1);
  expect(run.stderr.trim().split('\n')).toEqual([
    expect.stringMatching(
      /^dify-knowledge-conformance: the time budget ran out \(CONFORMANCE_MAX_DURATION=20\): \d+ of \d+ checks not run; raise it, or shard/,
    ),
  ]);
  const report = run.report;
  expect(report?.verdict).toBe('incomplete');
  expect(report?.stopped?.check).toBe('run/time-budget');
  expect(report?.summary.passed).toBeGreaterThan(0);
  expect(report?.summary.failed, JSON.stringify(report?.results.filter((r) => r.outcome === 'failed'))).toBe(0);
  expect(report?.summary.notRun).toBeGreaterThan(0);
  for (const result of report?.results.filter((r) => r.outcome === 'not-run') ?? []) {
    expect(result.detail).toMatch(/^not run: time budget spent/);
  }
  const junit = readFileSync(path.join(run.reportDir, 'junit.xml'), 'utf8');
  expect(junit).toContain('name="run/time-budget: the run finishes within CONFORMANCE_MAX_DURATION (20 s)"');
  expect(junit).toContain('<skipped message="not run: time budget spent');
});
