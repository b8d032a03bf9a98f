// TLS: an untrusted certificate stops a live run with one clear line (and a "not run" report); CONFORMANCE_INSECURE_TLS=1
// accepts it, and the report says so.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { MOCK_API_KEY, MOCK_IDS } from '../src/mock/data';
import { type RunningMock, startMock } from '../src/mock/server';
import { runSuite } from './run-suite';

let mock: RunningMock;

test.beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tls-'));
  const [key, cert] = [path.join(dir, 'key.pem'), path.join(dir, 'cert.pem')];
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  const tls = { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
  mock = await startMock({ apiKey: MOCK_API_KEY, signedUrlTtl: 3 }, 0, tls);
});

test.afterAll(async () => {
  await mock.close();
});

const env = () => ({
  DIFY_BASE_URL: `${mock.origin}/v1`,
  DIFY_API_KEY: MOCK_API_KEY,
  DIFY_DATASET_ID: MOCK_IDS.datasetId,
  DIFY_DOCUMENT_ID: MOCK_IDS.documentId,
  DIFY_SIGNED_URL_TTL: '3',
});

test('a self-signed certificate stops the run with one line that names the fix, and a report', async () => {
  const run = await runSuite(env());
  expect(run.code).toBe(1);
  expect(run.report?.verdict).toBe('not run');
  expect(run.report?.stopped?.cause).toMatch(/the TLS certificate is not trusted/);
  const lines = run.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(
    /^dify-knowledge-conformance: cannot reach DIFY_BASE_URL https:\/\/127\.0\.0\.1:\d+\/v1: the TLS certificate is not trusted .*CONFORMANCE_INSECURE_TLS=1 accepts it/,
  );
});

test('CONFORMANCE_INSECURE_TLS=1 accepts it, and the report shows it was used', async () => {
  const run = await runSuite({ ...env(), CONFORMANCE_INSECURE_TLS: '1' }, ['--grep', '@get-document']);
  expect(run.report?.target.insecureTls).toBe(true);
  expect(run.report?.summary.failed, run.stdout).toBe(0);
  expect(run.code).toBe(0);
});

test('an address where nothing listens stops the run with one line, and a report', async () => {
  const run = await runSuite({ ...env(), DIFY_BASE_URL: 'http://127.0.0.1:9/v1' });
  expect(run.code).toBe(1);
  expect(run.report?.verdict).toBe('not run');
  expect(run.stderr.trim()).toMatch(
    /^dify-knowledge-conformance: cannot reach DIFY_BASE_URL http:\/\/127\.0\.0\.1:9\/v1: connection refused/,
  );
});
