// Benchmark: spec load and compile times, the suite's wall time against the embedded mock, the mock's raw request rate.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { type APIRequestContext, request } from '@playwright/test';
import { GUIDE_FILE, liveSettingsFor, MOCK_API_KEY, MOCK_IDS, MOCK_SIGNED_URL_TTL } from '../src/mock/data';
import { type RunningMock, startMock } from '../src/mock/server';
import { DEFAULT_SPEC, PROJECT_ROOT } from '../src/paths';
import type { ConformanceReport } from '../src/report/model';
import { benchSweep } from './bench-sweep';

const REPEATS = 5;
const SUITE_RUNS = 5;
const SUITE_TIMEOUT_MS = 300_000;
const REQUESTS = 2000;
const WARMUP_REQUESTS = 100;
const CONCURRENCY = 8;
const ENV_PREFIXES = ['DIFY_', 'CONFORMANCE_', 'PW_', 'PLAYWRIGHT_', 'TEST_'];

const ms = (value: number): string => `${value.toFixed(1)} ms`;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function spread(values: number[]): string {
  return `median ${ms(median(values))} (min–max ${ms(Math.min(...values))}–${ms(Math.max(...values))})`;
}

async function timed<T>(work: () => Promise<T> | T): Promise<[number, T]> {
  const started = performance.now();
  const value = await work();
  return [performance.now() - started, value];
}

async function benchSpecs(): Promise<void> {
  console.log('1. Spec load (parse + validate + dereference) and schema compile');
  // Imported here, not at the top, so the cold figure can show what the first import costs.
  const [importMs, [{ loadSpec }, { Validators }]] = await timed(() =>
    Promise.all([import('../src/spec'), import('../src/validation')]),
  );
  console.log(`   module import (spec.ts + validation.ts): ${ms(importMs)}`);
  const files = [
    DEFAULT_SPEC,
    path.resolve(PROJECT_ROOT, '../shared/upstream/openapi_knowledge.json'),
    path.resolve(PROJECT_ROOT, '../shared/upstream/openapi_service.json'),
  ];
  for (const file of files) {
    const name = path.relative(PROJECT_ROOT, file);
    if (!existsSync(file)) {
      console.log(`   ${name}: missing, skipped`);
      continue;
    }
    const loads: number[] = [];
    const compiles: number[] = [];
    let schemas = 0;
    let firstLoad = 0;
    let firstCompile = 0;
    // Run 0 is the warm-up; reported separately because it pays for lazy initialisation and JIT.
    for (let run = 0; run <= REPEATS; run++) {
      const [loadMs, spec] = await timed(() => loadSpec(file));
      // A fresh Validators each time: it caches compiled schemas, so reuse would measure a lookup.
      const [compileMs, count] = await timed(() => new Validators(spec).compileAll());
      schemas = count;
      if (run === 0) [firstLoad, firstCompile] = [loadMs, compileMs];
      else {
        loads.push(loadMs);
        compiles.push(compileMs);
      }
    }
    console.log(`   ${name} (${schemas} schemas compiled)`);
    console.log(`     load:    first ${ms(firstLoad)}, then ${spread(loads)}`);
    console.log(`     compile: first ${ms(firstCompile)}, then ${spread(compiles)}`);
  }
}

interface SuiteRun {
  wallMs: number;
  beforeBeginMs: number;
  exitCode: number | null;
  report: ConformanceReport;
}

function childEnv(reportDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!ENV_PREFIXES.some((prefix) => key.startsWith(prefix))) env[key] = value;
  }
  return { ...env, CONFORMANCE_ENV_FILE: 'none', CONFORMANCE_REPORT_DIR: reportDir, FORCE_COLOR: '0', ...extra };
}

function runSuite(run: number, tmp: string, extra: Record<string, string> = {}): Promise<SuiteRun> {
  const reportDir = path.join(tmp, 'reports');
  const reportFile = path.join(reportDir, 'conformance.json');
  // A stale report from the previous run must not pass for this one's.
  rmSync(reportDir, { recursive: true, force: true });
  const cli = path.join(PROJECT_ROOT, 'node_modules/@playwright/test/cli.js');
  const args = [cli, 'test', '--output', path.join(tmp, 'test-results')];
  return new Promise((resolve, reject) => {
    const spawnedAt = Date.now();
    const started = performance.now();
    // Detached, so a timeout can kill the runner together with its workers (one process group).
    const child = spawn(process.execPath, args, {
      cwd: PROJECT_ROOT,
      env: childEnv(reportDir, extra),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const stop = (reason: string) => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone: nothing left to stop.
      }
      reject(new Error(`suite run ${run} ${reason}`));
    };
    const timer = setTimeout(() => stop(`exceeded ${SUITE_TIMEOUT_MS / 1000} s and was killed`), SUITE_TIMEOUT_MS);
    // A detached group does not get the terminal's Ctrl-C, so pass it on rather than orphan the runner.
    const onInterrupt = () => stop('was interrupted');
    process.once('SIGINT', onInterrupt);
    const settle = () => {
      clearTimeout(timer);
      process.removeListener('SIGINT', onInterrupt);
    };
    child.once('error', (error) => {
      settle();
      reject(new Error(`suite run ${run} could not start: ${error.message}`));
    });
    child.once('close', (exitCode) => {
      settle();
      const wallMs = performance.now() - started;
      if (!existsSync(reportFile)) {
        const last = output.trim().split('\n').pop() ?? '';
        reject(new Error(`suite run ${run} exited with ${exitCode} and wrote no report: ${last}`));
        return;
      }
      const report = JSON.parse(readFileSync(reportFile, 'utf8')) as ConformanceReport;
      resolve({ wallMs, beforeBeginMs: Date.parse(report.startedAt) - spawnedAt, exitCode, report });
    });
  });
}

async function benchSuite(): Promise<{ report: ConformanceReport; medianWallMs: number }> {
  console.log(`\n2. Suite against the embedded mock (${SUITE_RUNS} runs)`);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'conformance-bench-'));
  try {
    const runs: SuiteRun[] = [];
    for (let run = 1; run <= SUITE_RUNS; run++) runs.push(await runSuite(run, tmp));
    const waits = (report: ConformanceReport) =>
      report.results.filter((r) => r.check.includes('/expiry')).reduce((sum, r) => sum + r.durationMs, 0);
    const last = runs[runs.length - 1]?.report;
    if (!last) throw new Error('no suite run finished');
    const rows: [string, (r: SuiteRun) => number][] = [
      ['wall time', (r) => r.wallMs],
      ['start-up: wall − reporter durationMs (node, CLI, config, exit)', (r) => r.wallMs - r.report.durationMs],
      ['checks: reporter durationMs (global setup, test loading, workers, checks)', (r) => r.report.durationMs],
      ['spawn → reporter onBegin (start-up + global setup + test loading)', (r) => r.beforeBeginMs],
      ['waits: checks whose id contains /expiry', (r) => waits(r.report)],
    ];
    const counts = [...new Set(runs.map((r) => r.report.results.length))];
    // The count can change between runs if tests/ is edited while the benchmark runs.
    console.log(`   checks per run: ${counts.join(', ')} (last run: ${JSON.stringify(last.summary)})`);
    const families = new Map<string, number>();
    for (const result of last.results) {
      const family = result.check.split('/')[1] ?? '';
      families.set(family, (families.get(family) ?? 0) + 1);
    }
    const byFamily = [...families].sort((a, b) => b[1] - a[1]).map(([family, n]) => `${family} ${n}`);
    console.log(
      `   operations: ${new Set(last.results.map((r) => r.operationId)).size}; checks by family: ${byFamily.join(', ')}`,
    );
    for (const [label, figure] of rows) console.log(`   ${label.padEnd(74)} ${spread(runs.map(figure))}`);
    const failed = runs.filter((r) => r.exitCode !== 0);
    if (failed.length > 0) console.log(`   note: ${failed.length} of ${runs.length} runs exited non-zero`);
    return { report: last, medianWallMs: median(runs.map((r) => r.wallMs)) };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Sends `total` GETs with `concurrency` in flight; returns the wall time and per-request latencies. */
async function hammer(context: APIRequestContext, url: string, total: number, concurrency: number) {
  const latencies: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < total) {
      next++;
      const started = performance.now();
      const response = await context.get(url, {
        headers: { Authorization: `Bearer ${MOCK_API_KEY}` },
        failOnStatusCode: false,
      });
      // Read the body as the project's client does; the request is not done until it has arrived.
      await response.body();
      latencies.push(performance.now() - started);
      if (response.status() !== 200) throw new Error(`the mock answered ${response.status()} to ${url}`);
    }
  };
  const [wallMs] = await timed(() => Promise.all(Array.from({ length: concurrency }, worker)));
  return { wallMs, latencies };
}

async function benchMock(report: ConformanceReport): Promise<void> {
  console.log(`\n3. Raw request rate of the mock (Playwright APIRequestContext, ${REQUESTS} GETs)`);
  let mock: RunningMock | undefined;
  let context: APIRequestContext | undefined;
  try {
    mock = await startMock({ apiKey: MOCK_API_KEY, signedUrlTtl: MOCK_SIGNED_URL_TTL });
    context = await request.newContext();
    const url = `${mock.origin}/v1/datasets/${MOCK_IDS.datasetId}/documents/${MOCK_IDS.documentId}?metadata=all`;
    await hammer(context, url, WARMUP_REQUESTS, 1);
    let sequentialMean = 0;
    for (const concurrency of [1, CONCURRENCY]) {
      const { wallMs, latencies } = await hammer(context, url, REQUESTS, concurrency);
      const mean = latencies.reduce((sum, value) => sum + value, 0) / latencies.length;
      if (concurrency === 1) sequentialMean = mean;
      const rate = (REQUESTS / wallMs) * 1000;
      console.log(`   concurrency ${concurrency}: ${rate.toFixed(0)} requests/s, mean latency ${ms(mean)}`);
    }
    // The checks' evidence includes exchanges one check judged after another sent them: count what was sent.
    const sent = report.results.flatMap((r) => r.evidence ?? []).filter((e) => e.reusedFrom === undefined);
    if (sent.length === 0) {
      console.log('   suite overhead: the last report has no evidence, so no requests to divide by');
      return;
    }
    const perRequest = report.durationMs / sent.length;
    const inSuiteMean = sent.reduce((sum, e) => sum + e.ms, 0) / sent.length;
    console.log(
      `   requests sent in the last suite run: ${sent.length} (${report.traffic.distinct} distinct, ` +
        `${report.traffic.reused} reused; mean in-suite latency ${ms(inSuiteMean)})`,
    );
    console.log(
      `   suite overhead: ${ms(perRequest)} of reporter durationMs per request = ` +
        `${(perRequest / sequentialMean).toFixed(0)}× the raw sequential mean latency`,
    );
  } finally {
    await context?.dispose();
    await mock?.close();
  }
}

/** Runs per variant; the 1 s rows take a minute each, so they run once. */
const liveRuns = (latencyMs: number) => (latencyMs >= 1000 ? 1 : 3);

/** Long enough for the signed-URL checks to fetch a URL twice over before it lapses, at any latency. */
const ttlFor = (latencyMs: number) => 3 + Math.ceil((8 * latencyMs) / 1000);

/**
 * The floor a live run cannot beat: the longest single wait (the expiry check), or the distinct
 * requests spread over the run's workers at the given latency, or the requests at the rate limit,
 * whichever is longest; plus start-up (wall time beyond the reporter's duration).
 */
function floorMs(run: SuiteRun, latencyMs: number, workers: number, rateLimit: number): number {
  const { traffic, results } = run.report;
  const expiry = results.find((r) => r.check.endsWith('/expiry'))?.durationMs ?? 0;
  const spread = (traffic.distinct * latencyMs) / workers;
  const paced = rateLimit > 0 ? (traffic.requests / rateLimit) * 1000 : 0;
  return Math.max(expiry, spread, paced) + (run.wallMs - run.report.durationMs);
}

/** A live run (DIFY_BASE_URL) against a mock on loopback, with latency added per answer. */
async function benchLive(): Promise<void> {
  console.log('\n4. Live runs against the mock over loopback, with latency added per answer');
  console.log('   (floor = max(expiry wait, distinct × latency / workers, requests / rate limit) + start-up)');
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'conformance-bench-live-'));
  try {
    // Read-only with the three basic settings (the rest discovered), and with writes and every id given.
    const variants = [
      { label: 'read-only, 3 settings', writes: false, workers: 4, latencies: [0, 100, 1000] },
      { label: 'read-only, 8 workers ', writes: false, workers: 8, latencies: [1000] },
      { label: 'writes, every id     ', writes: true, workers: 4, latencies: [0, 100] },
    ];
    const rateLimit = 10;
    for (const variant of variants) {
      for (const latencyMs of variant.latencies) {
        const ttl = ttlFor(latencyMs);
        const mock = await startMock({ apiKey: MOCK_API_KEY, signedUrlTtl: ttl, latencyMs });
        try {
          const all = liveSettingsFor(mock.origin, MOCK_API_KEY, ttl);
          const base = {
            DIFY_BASE_URL: all.DIFY_BASE_URL ?? '',
            DIFY_API_KEY: all.DIFY_API_KEY ?? '',
            DIFY_DATASET_ID: all.DIFY_DATASET_ID ?? '',
            DIFY_SIGNED_URL_TTL: all.DIFY_SIGNED_URL_TTL ?? '',
          };
          const env: Record<string, string> = {
            ...(variant.writes
              ? {
                  ...all,
                  DIFY_DOCUMENT_SHA256: createHash('sha256').update(GUIDE_FILE.bytes).digest('hex'),
                  CONFORMANCE_ALLOW_WRITES: '1',
                }
              : base),
            CONFORMANCE_WORKERS: String(variant.workers),
            CONFORMANCE_RATE_LIMIT: String(rateLimit),
          };
          const runs: SuiteRun[] = [];
          for (let run = 1; run <= liveRuns(latencyMs); run++) runs.push(await runSuite(run, tmp, env));
          const first = runs[0];
          if (!first) continue;
          const { requests, distinct, reused } = first.report.traffic;
          const discovery = first.report.discovery?.requests ?? 0;
          const { passed, skipped, failed } = first.report.summary;
          const floor = median(runs.map((r) => floorMs(r, latencyMs, variant.workers, rateLimit)));
          const wall = median(runs.map((r) => r.wallMs));
          console.log(
            `   ${variant.label} +${String(latencyMs).padStart(4)} ms: wall ${spread(runs.map((r) => r.wallMs))}; ` +
              `${requests} requests (${distinct} distinct, ${reused} reused, +${discovery} discovering); ` +
              `floor ${ms(floor)} → ${(wall / floor).toFixed(2)}× the floor; ${passed} passed, ${skipped} skipped, ${failed} failed`,
          );
        } finally {
          await mock.close();
        }
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** How close to CONFORMANCE_MAX_DURATION a run that outlasts it ends (the embedded mock, 150 ms per answer). */
async function benchBudget(): Promise<void> {
  console.log('\n5. A run that outlasts its time budget (embedded mock, 150 ms per answer, 1 worker)');
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'conformance-bench-budget-'));
  try {
    for (const budgetS of [20, 60]) {
      const env = {
        CONFORMANCE_MOCK_LATENCY_MS: '150',
        CONFORMANCE_MAX_DURATION: String(budgetS),
        CONFORMANCE_WORKERS: '1',
      };
      const run = await runSuite(1, tmp, env);
      const { notRun, total } = run.report.summary;
      console.log(
        `   budget ${budgetS} s: wall ${ms(run.wallMs)} (${(run.wallMs / 1000 - budgetS >= 0 ? '+' : '') + (run.wallMs / 1000 - budgetS).toFixed(1)} s), ` +
          `verdict ${run.report.verdict}, ${notRun} of ${total} checks not run, exit ${run.exitCode}`,
      );
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * The project's own tests (`npm test`: the lint, units, child-process runs and the suite against
 * every broken mock), once, beside one suite run: the figure the architecture is held to.
 */
async function benchSelfTests(suiteWallMs: number): Promise<void> {
  console.log('\n7. npm test (lint, units, child-process runs, one suite project per mock deviation), once');
  const started = performance.now();
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn('npm', ['test', '--silent'], {
      cwd: PROJECT_ROOT,
      env: childEnv(path.join(os.tmpdir(), 'conformance-bench-selftest')),
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    child.once('error', reject);
    child.once('close', resolve);
  });
  const wallMs = performance.now() - started;
  const summary = path.join(PROJECT_ROOT, 'test-results', 'selftest.json');
  const stats = existsSync(summary)
    ? (JSON.parse(readFileSync(summary, 'utf8')) as { stats: Record<string, number> }).stats
    : {};
  console.log(`   npm test: ${ms(wallMs)} (exit ${code}; ${JSON.stringify(stats)})`);
  console.log(`   one npm run conformance (median above): ${ms(suiteWallMs)}`);
  console.log(`   npm test / one suite run: ${(wallMs / suiteWallMs).toFixed(1)}×`);
}

async function main(): Promise<void> {
  await benchSpecs();
  const { report, medianWallMs } = await benchSuite();
  await benchMock(report);
  await benchLive();
  await benchBudget();
  await benchSweep();
  await benchSelfTests(medianWallMs);
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
