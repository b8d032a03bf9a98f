// The sweep as a user runs it: a knowledge base of generated documents, a failure that names the
// documents that fail and keeps the exchanges of those only, and a read-only sweep of a live target.
import { expect, test } from '@playwright/test';
import { liveSettingsFor } from '../src/mock/data';
import { generatedDocumentId } from '../src/mock/fixtures/generated-documents';
import { startMock } from '../src/mock/server';
import { checksWith, runSuite } from './run-suite';

const SWEEP = [
  'getDocumentDetail/sweep/metadata-all',
  'getDocumentDetail/sweep/metadata-only',
  'getDocumentDetail/sweep/metadata-without',
  'listDocuments/sweep/items',
];
const KEY = 'dataset-sweep-test-key';
/** The 7 fixtures of the knowledge base come first in its list; the generated documents follow. */
const FIXTURES = 7;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

test('a sweep of 1 500 generated documents names the 27 that fail, the first 20 by id, and keeps only their exchanges', async () => {
  const run = await runSuite(
    {
      CONFORMANCE_MOCK_DOCUMENTS: '1500',
      CONFORMANCE_MOCK_DEVIATIONS: 'some-documents-mistyped',
      CONFORMANCE_SWEEP: 'all',
    },
    ['--grep', '@sweep'],
  );
  expect(run.code, run.stdout).toBe(1);
  expect(checksWith(run, 'failed')).toEqual(SWEEP);
  // The deviation breaks every 50th generated document from the 150th to the 1 450th, in list order.
  const indexes = Array.from({ length: 27 }, (_, k) => 149 + 50 * k);
  const failing = indexes.map(generatedDocumentId);
  const named = failing.slice(0, 20);
  for (const result of run.report?.results ?? []) {
    const lines = result.detail.split('\n');
    const listed = lines.findIndex((line) => line.startsWith('actual:   27 of 1507 documents fail:'));
    expect(listed, result.detail).toBeGreaterThan(0);
    expect(lines.slice(listed + 1, listed + 21).map((line) => line.trim().split(':')[0])).toEqual(named);
    expect(lines[listed + 21]?.trim()).toBe('and 7 more');
    expect(result.detail).toMatch(/\nrequest: {2}GET http:\/\/127\.0\.0\.1:\d+\/v1\/datasets\/.+ → 200\n/);
    expect(result.notes.some((note) => note.startsWith('swept 1507 documents in '))).toBe(true);
    // The evidence: the one answer read first, then the named documents' exchanges and nothing of the passing ones.
    const documents = new Set(result.evidence.flatMap((exchange) => exchange.url.match(UUID)?.slice(1) ?? []));
    if (result.operationId === 'getDocumentDetail') {
      expect(result.detail).toContain(`/documents/${failing[0]}?metadata=`);
      expect(result.evidence).toHaveLength(21);
      expect([...documents].filter((id) => id.startsWith('5eed'))).toEqual(named);
    } else {
      // List Documents' pages: the first, read first, and those listing a named document (100 a page).
      const pages = new Set(indexes.slice(0, 20).map((index) => Math.floor((FIXTURES + index) / 100) + 1));
      expect(result.evidence.map((exchange) => new URL(exchange.url).searchParams.get('page'))).toEqual([
        null,
        ...[...pages].map(String),
      ]);
    }
  }
});

test('a live target is swept with GETs only, and CONFORMANCE_SWEEP=<n> samples n documents evenly', async () => {
  const mock = await startMock({ apiKey: KEY, signedUrlTtl: 3, documents: 300 });
  try {
    const { DIFY_BASE_URL, DIFY_API_KEY, DIFY_DATASET_ID } = liveSettingsFor(mock.origin, KEY, 3);
    const env = { DIFY_BASE_URL, DIFY_API_KEY, DIFY_DATASET_ID, CONFORMANCE_SWEEP: '50', CONFORMANCE_RATE_LIMIT: '0' };
    const run = await runSuite(env, ['--grep', '@sweep']);
    expect(run.report?.target.kind).toBe('live');
    expect(checksWith(run, 'passed'), run.stdout).toEqual(SWEEP);
    expect(run.code).toBe(0);
    for (const result of run.report?.results ?? []) {
      expect(result.notes.join('\n')).toMatch(/^swept 50 of 307 documents \(an even sample\) in /m);
      expect(result.evidence.length).toBeLessThanOrEqual(1);
    }
    expect(mock.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    // The k-th of 50 is the document listed at k × 307 / 50, rounded down: the fixtures, then generated ones.
    const sampled = Array.from({ length: 50 }, (_, k) => Math.floor((k * 307) / 50));
    const generated = sampled
      .filter((index) => index >= FIXTURES)
      .map((index) => generatedDocumentId(index - FIXTURES));
    const read = mock.requests.map((r) => r.path.split('/').at(-1) ?? '').filter((id) => id.startsWith('5eed'));
    expect([...new Set(read)].sort()).toEqual(generated.sort());
    expect(read).toHaveLength(3 * generated.length);
  } finally {
    await mock.close();
  }
});
