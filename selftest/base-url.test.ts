// Any http(s) base: a gateway may mount the Knowledge API where it likes, and a base where the API
// is not stops the run with one line that says what answered and where Dify serves it.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { expect, test } from '@playwright/test';
import { Hono } from 'hono';
import { createMockApp } from '../src/mock/app';
import { liveSettingsFor } from '../src/mock/data';
import { startMock } from '../src/mock/server';
import { runSuite } from './run-suite';

const KEY = 'dataset-base-url-test-key-0123456789';
const MOUNT = '/api/knowledge';

/** The mock behind a gateway that serves the API under /api/knowledge instead of /v1 (files where they are). */
async function gateway(): Promise<{ origin: string; close: () => void }> {
  const { app: mock } = createMockApp({ apiKey: KEY, signedUrlTtl: 3 });
  const app = new Hono().all('*', (c) => {
    const url = new URL(c.req.url);
    if (url.pathname.startsWith('/v1/')) return c.text('Not Found', 404);
    url.pathname = url.pathname.replace(new RegExp(`^${MOUNT}/`), '/v1/');
    return mock.fetch(new Request(url, c.req.raw));
  });
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) =>
      resolve({ origin: `http://127.0.0.1:${info.port}`, close: () => server.close() }),
    );
  });
}

test('a gateway that mounts the API elsewhere is a target like any other', async () => {
  const server = await gateway();
  try {
    const env = { ...liveSettingsFor(server.origin, KEY, 3), DIFY_BASE_URL: `${server.origin}${MOUNT}` };
    const run = await runSuite({ ...env, CONFORMANCE_RATE_LIMIT: '0' }, ['--grep', '@get-document']);
    expect(run.stderr).toBe('');
    expect(run.report?.summary.passed, run.stdout).toBeGreaterThan(10);
    expect(run.report?.summary.failed, run.stdout).toBe(0);
    expect(run.code).toBe(0);
  } finally {
    server.close();
  }
});

test('a base where the API is not stops the run with one line naming what answered', async () => {
  const mock = await startMock({ apiKey: KEY, signedUrlTtl: 3 });
  try {
    const run = await runSuite({ ...liveSettingsFor(mock.origin, KEY, 3), DIFY_BASE_URL: mock.origin });
    expect(run.code).toBe(1);
    expect(run.report?.verdict).toBe('not run');
    expect(run.stderr.trim().split('\n')).toEqual([
      `dify-knowledge-conformance: DIFY_BASE_URL ${mock.origin} does not look like the Knowledge API: ` +
        `GET ${mock.origin}/datasets without a key answered HTTP 404 (text/html; charset=UTF-8), where the API ` +
        `refuses it with a JSON error; Dify serves it under /v1, e.g. ${mock.origin}/v1.`,
    ]);
  } finally {
    await mock.close();
  }
});
