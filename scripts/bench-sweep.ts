// Benchmark of the sweep (CONFORMANCE_SWEEP=all): documents per second and the worker's peak memory
// over mock knowledge bases of 100, 1 000 and 10 000 generated documents, beside the mock's raw
// request rate with the same client at the same concurrency.
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { type APIRequestContext, request } from '@playwright/test';
import { cleanEnv, killGroup, runSuite } from '../selftest/run-suite';
import { loadSettings } from '../src/config';
import { MOCK_API_KEY, MOCK_IDS } from '../src/mock/data';
import { generatedDocumentId } from '../src/mock/fixtures/generated-documents';
import { PROJECT_ROOT } from '../src/paths';

const SIZES = [100, 1_000, 10_000];
/** The mock's own documents, listed before the generated ones. */
const FIXTURES = 7;
const RAW_REQUESTS = 3_000;
const WARMUP_REQUESTS = 200;
const RUN_TIMEOUT_MS = 600_000;
/** What the sweep is held to: at least this share of the raw rate, and at most this much more memory at 10 000. */
const MIN_SHARE = 0.5;
const MAX_RSS_GROWTH_MB = 50;
const GET_CHECKS = ['metadata-all', 'metadata-only', 'metadata-without'].map(
  (mode) => `getDocumentDetail/sweep/${mode}`,
);

interface Figures {
  /** Documents per second of each Get Document check: one request per document each. */
  getRates: number[];
  itemsRate: number;
  rssMb: number;
  rawRate: number;
}

/** The sweep's notes, e.g. "swept 1007 documents in 4.2 s (238 documents/s), peak worker RSS 143 MB". */
function figuresOf(note: string): { rate: number; rssMb: number } {
  const rate = /\((\d+) documents\/s\)/.exec(note)?.[1];
  const rss = /peak worker RSS (\d+) MB/.exec(note)?.[1];
  if (rate === undefined || rss === undefined) throw new Error(`a sweep note without its figures: ${note}`);
  return { rate: Number(rate), rssMb: Number(rss) };
}

/** The suite's sweep against the embedded mock with `documents` generated documents, in one worker. */
async function sweepRun(documents: number): Promise<Omit<Figures, 'rawRate'>> {
  const run = await runSuite(
    { CONFORMANCE_MOCK_DOCUMENTS: String(documents), CONFORMANCE_SWEEP: 'all', CONFORMANCE_WORKERS: '1' },
    ['--grep', 'sweep'],
    RUN_TIMEOUT_MS,
  );
  const results = run.report?.results ?? [];
  if (run.code !== 0 || results.length !== GET_CHECKS.length + 1) {
    throw new Error(`the sweep of ${documents} documents exited with ${run.code}: ${run.stdout.slice(-2000)}`);
  }
  const noted = (check: string) => {
    const note = results.find((r) => r.check === check)?.notes.find((n) => n.startsWith('swept '));
    if (!note) throw new Error(`${check} recorded no sweep note`);
    return figuresOf(note);
  };
  const all = [...GET_CHECKS, 'listDocuments/sweep/items'].map(noted);
  return {
    getRates: all.slice(0, GET_CHECKS.length).map((f) => f.rate),
    itemsRate: all.at(-1)?.rate ?? 0,
    // The worker's peak over its whole life: the last check's note holds the highest.
    rssMb: Math.max(...all.map((f) => f.rssMb)),
  };
}

/** `npm run mock` with generated documents, in a process of its own as the suite's mock is; its origin. */
function startMockProcess(documents: number): Promise<{ origin: string; child: ChildProcess }> {
  const tsx = path.join(PROJECT_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const child = spawn(process.execPath, [tsx, 'src/mock/main.ts'], {
    cwd: PROJECT_ROOT,
    env: cleanEnv({ CONFORMANCE_MOCK_DOCUMENTS: String(documents) }),
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk) => {
      output += chunk;
      const origin = /mock on (http:\/\/127\.0\.0\.1:\d+)\/v1/.exec(output)?.[1];
      if (origin) resolve({ origin, child });
    });
    child.once('error', reject);
    child.once('close', (code) => reject(new Error(`the mock exited with ${code} before it listened: ${output}`)));
  });
}

/** Get Document (metadata=all) of the generated documents in turn, `concurrency` in flight; requests per second. */
async function rawRate(context: APIRequestContext, origin: string, documents: number, concurrency: number) {
  const base = `${origin}/v1/datasets/${MOCK_IDS.datasetId}/documents`;
  const hammer = async (total: number) => {
    let next = 0;
    const lane = async () => {
      while (next < total) {
        const url = `${base}/${generatedDocumentId(next % documents)}?metadata=all`;
        next += 1;
        const response = await context.get(url, {
          headers: { Authorization: `Bearer ${MOCK_API_KEY}` },
          failOnStatusCode: false,
        });
        // The body read and let go as the suite's client does: the request is not done until it has arrived.
        await response.body();
        await response.dispose();
        if (response.status() !== 200) throw new Error(`the mock answered ${response.status()} to ${url}`);
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: concurrency }, lane));
    return (total / (performance.now() - started)) * 1000;
  };
  await hammer(WARMUP_REQUESTS);
  return hammer(RAW_REQUESTS);
}

async function rawRun(documents: number, concurrency: number): Promise<number> {
  const { origin, child } = await startMockProcess(documents);
  const context = await request.newContext();
  try {
    return await rawRate(context, origin, documents, concurrency);
  } finally {
    await context.dispose();
    child.removeAllListeners('close');
    killGroup(child, 'SIGTERM');
  }
}

export async function benchSweep(): Promise<void> {
  const { concurrency } = loadSettings({ CONFORMANCE_ENV_FILE: 'none' });
  console.log(
    `\n6. Sweep (CONFORMANCE_SWEEP=all, 1 worker, ${concurrency} requests in flight) over generated documents` +
      ` (+${FIXTURES} fixtures), beside the mock's raw rate (Playwright APIRequestContext, Get Document, ${concurrency} in flight)`,
  );
  const figures = new Map<number, Figures>();
  for (const documents of SIZES) {
    const swept = await sweepRun(documents);
    const raw = await rawRun(documents, concurrency);
    figures.set(documents, { ...swept, rawRate: raw });
    const share = Math.min(...swept.getRates) / raw;
    console.log(
      `   ${String(documents).padStart(6)} documents: Get Document ${swept.getRates.join(' / ')} documents/s ` +
        `(all / only / without), List Documents' items ${swept.itemsRate} documents/s; ` +
        `peak worker RSS ${swept.rssMb} MB; raw rate ${raw.toFixed(0)} requests/s (slowest mode ${(share * 100).toFixed(0)}% of it)`,
    );
  }
  const smallest = figures.get(SIZES[0] ?? 0);
  const largest = figures.get(SIZES.at(-1) ?? 0);
  if (!smallest || !largest) return;
  const shares = [...figures.values()].map((f) => Math.min(...f.getRates) / f.rawRate);
  const growth = largest.rssMb - smallest.rssMb;
  console.log(
    `   target: throughput ≥ half the raw rate; RSS growth from 100 to 10 000 < ${MAX_RSS_GROWTH_MB} MB\n` +
      `   figures: throughput ${shares.map((s) => `${(s * 100).toFixed(0)}%`).join(', ')} of the raw rate ` +
      `(${shares.every((s) => s >= MIN_SHARE) ? 'met' : 'not met'}); RSS growth ${growth} MB ` +
      `(${growth < MAX_RSS_GROWTH_MB ? 'met' : 'not met'})`,
  );
}
