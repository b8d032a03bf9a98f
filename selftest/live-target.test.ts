// The suite against a server it did not start (a "live" target): it sends only GETs, and no API
// key or signed-URL signature lands in any file it writes or any line it prints.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { strFromU8, unzipSync } from 'fflate';
import { liveSettingsFor, MOCK_IDS } from '../src/mock/data';
import { type RunningMock, startMock } from '../src/mock/server';
import { runSuite } from './run-suite';

const CANARY_KEY = 'dataset-CANARY0KEY0f00dfeedbeef';

function liveEnv(mock: RunningMock): Record<string, string> {
  // No rate limit: pacing is not what these tests are about, and a paced run of every read is long.
  return { ...liveSettingsFor(mock.origin, CANARY_KEY, 3), CONFORMANCE_MAX_WAIT: '15', CONFORMANCE_RATE_LIMIT: '0' };
}

/** A file's text; Playwright's HTML report hides its data in a base64 zip, so that is unpacked too. */
function readable(file: string): string {
  const text = readFileSync(file, 'latin1');
  const zipped = /data:application\/zip;base64,([A-Za-z0-9+/=]+)/.exec(text)?.[1];
  if (!zipped) return text;
  const entries = unzipSync(Buffer.from(zipped, 'base64'));
  return [text, ...Object.values(entries).map((bytes) => strFromU8(bytes))].join('\n');
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => path.join(dir, name))
    .filter((file) => statSync(file).isFile());
}

test('a live run sends only GETs, and no API key or signature appears in any file or line it writes', async () => {
  // Failing checks write the most evidence: a signed URL that never expires and a wrong file name.
  const mock = await startMock({
    apiKey: CANARY_KEY,
    signedUrlTtl: 3,
    deviations: ['never-expires', 'wrong-file-name'],
  });
  try {
    const run = await runSuite(liveEnv(mock));
    expect(run.code).toBe(1);
    expect(run.report?.target.kind).toBe('live');
    expect(run.report?.summary.failed).toBe(2);
    expect(mock.requests.length).toBeGreaterThan(50);
    expect(mock.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    const secrets = new Set<string>([CANARY_KEY]);
    for (const url of mock.issuedUrls) {
      const query = new URL(url).searchParams;
      for (const name of ['sign', 'nonce']) {
        const value = query.get(name) ?? '';
        secrets.add(value);
        secrets.add(encodeURIComponent(value));
      }
    }
    expect(mock.issuedUrls.length).toBeGreaterThan(5);
    const places: [string, string][] = [
      ['stdout', run.stdout],
      ['stderr', run.stderr],
      ...[...filesUnder(run.reportDir), ...filesUnder(run.outputDir)].map((file): [string, string] => [
        file,
        readable(file),
      ]),
    ];
    expect(places.length).toBeGreaterThan(5);
    const found = places.flatMap(([where, text]) =>
      [...secrets].filter((secret) => text.includes(secret)).map((secret) => `${where}: ${secret.slice(0, 8)}…`),
    );
    expect(found).toEqual([]);
  } finally {
    await mock.close();
  }
});

test('with only the base URL, the key and the knowledge base, a live run finds its ids by listing and says why it skips', async () => {
  const mock = await startMock({ apiKey: CANARY_KEY, signedUrlTtl: 3 });
  try {
    const { DIFY_BASE_URL, DIFY_API_KEY, DIFY_DATASET_ID, DIFY_SIGNED_URL_TTL } = liveSettingsFor(
      mock.origin,
      CANARY_KEY,
      3,
    );
    const run = await runSuite({
      DIFY_BASE_URL,
      DIFY_API_KEY,
      DIFY_DATASET_ID,
      DIFY_SIGNED_URL_TTL,
      CONFORMANCE_MAX_WAIT: '15',
      CONFORMANCE_RATE_LIMIT: '0',
    });
    expect(run.report?.summary.failed, run.stdout).toBe(0);
    expect(run.code).toBe(0);
    expect(run.report?.discovery?.ids.document_id).toBe(MOCK_IDS.documentId);
    expect(run.report?.discovery?.ids.segment_id).toBeDefined();
    const skipped = (run.report?.results ?? []).filter((r) => r.outcome === 'skipped');
    expect(skipped.length).toBeGreaterThan(0);
    expect(skipped.filter((r) => !r.detail)).toEqual([]);
    expect(run.report?.discovery?.gaps.batch).toContain('no operation of the contract lists a batch');
    expect(skipped.filter((r) => r.detail?.startsWith('writes are off')).length).toBeGreaterThan(10);
    expect(mock.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  } finally {
    await mock.close();
  }
});
