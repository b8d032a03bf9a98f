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
import { cleanEnv, runSuite } from './run-suite';

const KEY = 'dataset-writes-test-key-0123456789';

function writesEnv(mock: RunningMock): Record<string, string> {
  // No DIFY_DOCUMENT_ID: the suite must upload its own.
  return {
    DIFY_BASE_URL: `${mock.origin}/v1`,
    DIFY_API_KEY: KEY,
    DIFY_DATASET_ID: MOCK_IDS.datasetId,
    DIFY_SIGNED_URL_TTL: '3',
    CONFORMANCE_ALLOW_WRITES: '1',
  };
}

const leftovers = (mock: RunningMock) => mock.documentNames().filter((name) => name.startsWith('dkc-'));

/** Resolves once the mock holds a document the run created. */
async function untilCreated(mock: RunningMock): Promise<void> {
  for (let i = 0; i < 1200 && leftovers(mock).length === 0; i += 1) await sleep(50);
}

test('with writes allowed and no document given, the run uploads one, checks it and deletes everything', async () => {
  const mock = await startMock({ apiKey: KEY, signedUrlTtl: 3 });
  try {
    const before = mock.documentNames();
    // The checks that read the uploaded document or write their own; the families would only add time.
    const run = await runSuite(writesEnv(mock), ['--grep', '@download-document|@lifecycle']);
    expect(run.code, run.stdout).toBe(0);
    expect(run.report?.summary.failed).toBe(0);
    // The fixture was really used: the original-bytes check ran against the uploaded file.
    expect(run.report?.results.find((r) => r.check === 'downloadDocument/signed-url/original-bytes')?.outcome).toBe(
      'passed',
    );
    expect(mock.requests.some((r) => r.method === 'POST')).toBe(true);
    expect(mock.documentNames()).toEqual(before);
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
    await runSuite(writesEnv(mock), [], 60_000, (child) => {
      void untilCreated(mock).then(() => child.kill('SIGKILL'));
    });
    expect(leftovers(mock).length).toBeGreaterThan(0);
    // Asynchronously: the mock answering it lives in this process.
    const cleanup = await promisify(execFile)(
      process.execPath,
      [path.join(PROJECT_ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/cleanup.ts'],
      { cwd: PROJECT_ROOT, env: cleanEnv(writesEnv(mock)), encoding: 'utf8' },
    );
    expect(cleanup.stdout).toMatch(/cleanup: \d+ document\(s\) named dkc-\* deleted/);
    expect(leftovers(mock)).toEqual([]);
  } finally {
    await mock.close();
  }
});
