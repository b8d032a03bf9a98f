// Opt-in writes against a live target: the suite creates what it needs, and leaves nothing behind,
// also when it is interrupted; `npm run cleanup` removes what a killed run left.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { expect, test } from '@playwright/test';
import { MOCK_IDS } from '../src/mock/data';
import { type RunningMock, startMock } from '../src/mock/server';
import { PROJECT_ROOT } from '../src/paths';
import { checksWith, cleanEnv, killGroup, runSuite } from './run-suite';

const KEY = 'dataset-writes-test-key-0123456789';

function writesEnv(mock: RunningMock): Record<string, string> {
  return {
    DIFY_BASE_URL: `${mock.origin}/v1`,
    DIFY_API_KEY: KEY,
    DIFY_DATASET_ID: MOCK_IDS.datasetId,
    DIFY_SIGNED_URL_TTL: '3',
    CONFORMANCE_ALLOW_WRITES: '1',
  };
}

/** The names of what the suite created that the mock still holds: knowledge bases, documents, tags. */
function leftovers(mock: RunningMock): string[] {
  const held = mock.snapshot() as Record<string, Record<string, { name?: unknown }>>;
  return ['datasets', 'documents', 'tags']
    .flatMap((collection) => Object.values(held[collection] ?? {}).map((fields) => String(fields.name)))
    .filter((name) => name.startsWith('dkc-'));
}

/** Resolves once the mock holds a document a check created (the run's knowledge base comes first). */
async function untilCreated(mock: RunningMock): Promise<void> {
  const documents = () => mock.documentNames().filter((name) => name.startsWith('dkc-'));
  for (let i = 0; i < 1200 && documents().length === 0; i += 1) await sleep(50);
}

test('with writes allowed, the run writes in a knowledge base of its own and leaves the store as it found it', async () => {
  const mock = await startMock({ apiKey: KEY, signedUrlTtl: 3 });
  try {
    const before = mock.snapshot();
    // The checks that write; the families would only add time.
    // High-quality indexing: the mock has the embedding model the child-chunk checks need.
    const env = { ...writesEnv(mock), CONFORMANCE_SCRATCH_INDEXING: 'high_quality' };
    const run = await runSuite(env, ['--grep', '@lifecycle']);
    expect(run.code, run.stdout).toBe(0);
    expect(run.report?.summary.failed).toBe(0);
    // Only what would outlive the run is left out on a live target: an uploaded pipeline file.
    expect(checksWith(run, 'skipped')).toEqual([
      'runPipeline/runs-uploaded-file',
      'uploadPipelineFile/errors/file-too-large',
      'uploadPipelineFile/response/schema',
    ]);
    // A document was really uploaded, read back and downloaded byte for byte.
    const outcome = (check: string) => run.report?.results.find((r) => r.check === check)?.outcome;
    expect(outcome('downloadDocument/signed-url/uploaded-bytes')).toBe('passed');
    expect(mock.requests.some((r) => r.method === 'POST')).toBe(true);
    // Nothing was written to the team's knowledge base: the documents' creates went to the run's.
    const creates = mock.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/document/create-by-file'));
    expect(creates.length).toBeGreaterThan(0);
    expect(creates.filter((r) => r.path.includes(MOCK_IDS.datasetId))).toEqual([]);
    expect(mock.snapshot()).toEqual(before);
  } finally {
    await mock.close();
  }
});

test('interrupted with SIGTERM mid-run, the run still deletes what it created', async () => {
  const mock = await startMock({ apiKey: KEY, signedUrlTtl: 3 });
  try {
    const run = await runSuite(writesEnv(mock), [], 60_000, (child) => {
      void untilCreated(mock).then(() => setTimeout(() => child.kill('SIGTERM'), 300));
    });
    expect(run.code).not.toBe(0);
    expect(leftovers(mock)).toEqual([]);
  } finally {
    await mock.close();
  }
});

test('killed outright, a run leaves documents that npm run cleanup removes', async () => {
  const mock = await startMock({ apiKey: KEY, signedUrlTtl: 3 });
  try {
    const before = mock.snapshot();
    await runSuite(writesEnv(mock), [], 60_000, (child) => {
      void untilCreated(mock).then(() => killGroup(child, 'SIGKILL'));
    });
    expect(leftovers(mock).length).toBeGreaterThan(0);
    // Asynchronously: the mock answering it lives in this process.
    const cleanup = await promisify(execFile)(
      process.execPath,
      [path.join(PROJECT_ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/cleanup.ts'],
      { cwd: PROJECT_ROOT, env: cleanEnv(writesEnv(mock)), encoding: 'utf8' },
    );
    expect(cleanup.stdout).toMatch(/cleanup: [1-9]\d* knowledge base\(s\) named dkc-\* deleted/);
    expect(leftovers(mock)).toEqual([]);
    expect(mock.snapshot()).toEqual(before);
  } finally {
    await mock.close();
  }
});
