// Read-only by default: the HTTP clients themselves refuse anything but GET without the opt-in,
// and the cleanup deletes only documents named the way the suite names its own.
import { expect, request, test } from '@playwright/test';
import { deleteDocuments } from '../src/documents';
import { ApiClient, HttpClient, RateLimiter, WriteRefused } from '../src/http';
import { MOCK_API_KEY, MOCK_IDS } from '../src/mock/data';
import { startMock } from '../src/mock/server';
import { DEFAULT_SPEC } from '../src/paths';
import { Redactor } from '../src/redact';
import { loadSpec } from '../src/spec';

const limits = { timeoutMs: 5000, maxBodyBytes: 1024 * 1024, limiter: new RateLimiter(0) };

test('neither client sends a write without the opt-in, and nothing reaches the server', async () => {
  const mock = await startMock({ apiKey: MOCK_API_KEY, signedUrlTtl: 3 });
  const context = await request.newContext();
  try {
    const spec = await loadSpec(DEFAULT_SPEC);
    const redactor = new Redactor(`${mock.origin}/v1`);
    const api = new ApiClient(context, redactor, [], limits, `${mock.origin}/v1`, MOCK_API_KEY, spec, false);
    const anonymous = new HttpClient(context, 'anonymous', redactor, [], limits);
    const params = { dataset_id: MOCK_IDS.datasetId, document_id: MOCK_IDS.documentId };
    await expect(api.call('deleteDocument', params)).rejects.toThrow(WriteRefused);
    await expect(anonymous.request(`${mock.origin}/v1/x`, { method: 'POST' })).rejects.toThrow(WriteRefused);
    expect(mock.requests).toEqual([]);
  } finally {
    await context.dispose();
    await mock.close();
  }
});

test('the cleanup deletes only documents the suite named, never a user document that merely contains dkc-', async () => {
  const mock = await startMock({ apiKey: MOCK_API_KEY, signedUrlTtl: 3 });
  const context = await request.newContext();
  try {
    const spec = await loadSpec(DEFAULT_SPEC);
    const base = `${mock.origin}/v1`;
    const api = new ApiClient(context, new Redactor(base), [], limits, base, MOCK_API_KEY, spec, true);
    const upload = (name: string) =>
      api.call(
        'createDocumentFromFile',
        { dataset_id: MOCK_IDS.datasetId },
        { multipart: { file: { name, mimeType: 'text/plain', buffer: Buffer.from('x') } } },
      );
    for (const name of ['dkc-20261123120000-a1b2c3-fixture.txt', 'dkc-notes.txt', 'report-dkc-2024.pdf']) {
      expect((await upload(name)).status).toBe(200);
    }
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await deleteDocuments(api, MOCK_IDS.datasetId, 'dkc-', 10_000)).toEqual([
      'dkc-20261123120000-a1b2c3-fixture.txt',
    ]);
    expect(mock.documentNames()).toEqual(expect.arrayContaining(['dkc-notes.txt', 'report-dkc-2024.pdf']));
  } finally {
    await context.dispose();
    await mock.close();
  }
});
