// Read-only by default: the HTTP clients themselves refuse anything but GET without the opt-in,
// and the cleanup deletes only documents named the way the suite names its own.
import { expect, request, test } from '@playwright/test';
import { deleteDocuments } from '../src/documents';
import { ApiClient, type Exchange, HttpClient, Throttle, WriteRefused } from '../src/http';
import { MOCK_API_KEY, MOCK_IDS } from '../src/mock/data';
import { startMock } from '../src/mock/server';
import { DEFAULT_SPEC } from '../src/paths';
import { Redactor } from '../src/redact';
import { loadSpec } from '../src/spec';

const limits = { timeoutMs: 5000, maxBodyBytes: 1024 * 1024, throttle: new Throttle(0) };

test('neither client sends a write without the opt-in, and nothing reaches the server', async () => {
  const mock = await startMock({ apiKey: MOCK_API_KEY, signedUrlTtl: 3 });
  const context = await request.newContext();
  try {
    const spec = await loadSpec(DEFAULT_SPEC);
    const redactor = new Redactor(`${mock.origin}/v1`);
    const base = { redactor, evidence: [], limits, allowWrites: false };
    const api = new ApiClient(context, { ...base, baseUrl: `${mock.origin}/v1`, apiKey: MOCK_API_KEY, spec });
    const anonymous = new HttpClient(context, { ...base, client: 'anonymous' });
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
    const api = new ApiClient(context, {
      redactor: new Redactor(base),
      evidence: [],
      limits,
      baseUrl: base,
      apiKey: MOCK_API_KEY,
      spec,
      allowWrites: true,
    });
    const upload = (name: string) =>
      api.call(
        'createDocumentFromFile',
        { dataset_id: MOCK_IDS.datasetId },
        { multipart: { file: { name, mimeType: 'text/plain', buffer: Buffer.from('x') } } },
      );
    for (const name of ['dkc-20261123120000-a1b2c3-fixture.txt', 'dkc-notes.txt', 'report-dkc-2024.pdf']) {
      expect((await upload(name)).status).toBe(200);
    }
    expect(await deleteDocuments(api, MOCK_IDS.datasetId, 'dkc-', 10_000)).toEqual([
      'dkc-20261123120000-a1b2c3-fixture.txt',
    ]);
    expect(mock.documentNames()).toEqual(expect.arrayContaining(['dkc-notes.txt', 'report-dkc-2024.pdf']));
  } finally {
    await context.dispose();
    await mock.close();
  }
});

test('a 503 with Retry-After is retried, and the retry shows in the evidence', async () => {
  const mock = await startMock({ apiKey: MOCK_API_KEY, signedUrlTtl: 3, deviations: ['busy-once'] });
  const context = await request.newContext();
  try {
    const evidence: Exchange[] = [];
    const base = `${mock.origin}/v1`;
    const spec = await loadSpec(DEFAULT_SPEC);
    const api = new ApiClient(context, {
      redactor: new Redactor(base),
      evidence,
      limits,
      baseUrl: base,
      apiKey: MOCK_API_KEY,
      spec,
      allowWrites: false,
    });
    const params = { dataset_id: MOCK_IDS.datasetId, document_id: MOCK_IDS.documentId };
    const response = await api.call('getDocumentDetail', params, { query: { metadata: 'all' } });
    expect(response.status).toBe(200);
    expect(evidence.map((e) => [e.status, e.retried])).toEqual([
      [503, 'retried after 503 (waited 1 s, Retry-After 1)'],
      [200, undefined],
    ]);
  } finally {
    await context.dispose();
    await mock.close();
  }
});
