// Settings: defaults, validation, and one clear line for every bad value.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import dotenv from 'dotenv';
import { ConfigError, loadSettings } from '../src/config';
import { MOCK_IDS } from '../src/mock/data';
import { PROFILES } from '../src/mock/profiles';
import { PROJECT_ROOT } from '../src/paths';

const KEY = 'dataset-SECRETKEYCANARY123';
const LIVE = {
  DIFY_BASE_URL: 'https://dify.example.com/v1/',
  DIFY_API_KEY: KEY,
  DIFY_DATASET_ID: '11111111-2222-4333-8444-555555555555',
  DIFY_DOCUMENT_ID: '66666666-7777-4888-9999-aaaaaaaaaaaa',
};

test('without DIFY_BASE_URL the target is the embedded mock with its own ids', () => {
  const settings = loadSettings({});
  expect(settings.target).toEqual({ kind: 'mock', profile: 'docs', deviations: [], latencyMs: 0, documents: 0 });
  expect(settings.ids).toMatchObject(MOCK_IDS);
  expect(settings.ids.documentSha256).toMatch(/^[0-9a-f]{64}$/);
});

test('a base URL may be any http(s) path: gateways mount the API where they like', () => {
  const settings = loadSettings({ ...LIVE, DIFY_BASE_URL: 'https://gateway.example.com/api/dify/' });
  expect(settings.target).toEqual({ kind: 'live', baseUrl: 'https://gateway.example.com/api/dify' });
});

test('a live target keeps its base URL without the trailing slash and reads the ids', () => {
  const settings = loadSettings(LIVE);
  expect(settings.target).toEqual({ kind: 'live', baseUrl: 'https://dify.example.com/v1' });
  expect(settings.ids.documentId).toBe(LIVE.DIFY_DOCUMENT_ID);
  expect(settings.signedUrlTtlSeconds).toBe(300);
  expect(settings.strict).toBe(false);
});

const bad: [string, Record<string, string | undefined>, RegExp][] = [
  ['a base URL that is not a URL', { DIFY_BASE_URL: 'dify.example.com' }, /^DIFY_BASE_URL is not a URL/],
  ['a base URL with credentials', { DIFY_BASE_URL: 'https://u:p@dify.example.com/v1' }, /must not carry credentials/],
  ['a missing API key', { DIFY_API_KEY: undefined }, /^DIFY_API_KEY is not set/],
  ['a missing dataset id', { DIFY_DATASET_ID: undefined }, /^DIFY_DATASET_ID is not set/],
  ['a malformed document id', { DIFY_DOCUMENT_ID: 'doc-1' }, /^DIFY_DOCUMENT_ID is not a UUID \(got "doc-1"\)/],
  ['half of the foreign pair', { DIFY_FOREIGN_DATASET_ID: LIVE.DIFY_DATASET_ID }, /go together/],
  ['a malformed TTL', { DIFY_SIGNED_URL_TTL: '5m' }, /^DIFY_SIGNED_URL_TTL must be a whole number/],
  ['a malformed strict flag', { CONFORMANCE_STRICT: 'yes' }, /^CONFORMANCE_STRICT must be 1 or 0/],
  [
    'an unknown scratch indexing',
    { CONFORMANCE_SCRATCH_INDEXING: 'fast' },
    /^CONFORMANCE_SCRATCH_INDEXING is economy or high_quality \(got "fast"\)/,
  ],
  ['a sweep that is not a count', { CONFORMANCE_SWEEP: 'some' }, /^CONFORMANCE_SWEEP is all or a number/],
  ['no requests in flight', { CONFORMANCE_CONCURRENCY: '0' }, /^CONFORMANCE_CONCURRENCY must be a whole number/],
  ['a budget with a unit', { CONFORMANCE_MAX_DURATION: '15m' }, /^CONFORMANCE_MAX_DURATION must be a whole number/],
  [
    'a missing spec file',
    { CONFORMANCE_SPEC: '/nowhere/spec.yaml' },
    /^CONFORMANCE_SPEC names a file that does not exist/,
  ],
  [
    'deviations against a live server',
    { CONFORMANCE_MOCK_DEVIATIONS: 'text-content-type' },
    /only applies to the embedded mock/,
  ],
  [
    'generated documents against a live server',
    { CONFORMANCE_MOCK_DOCUMENTS: '100' },
    /^CONFORMANCE_MOCK_DOCUMENTS only applies to the embedded mock/,
  ],
  [
    'a mock profile against a live server',
    { CONFORMANCE_MOCK_PROFILE: 'dify-1.14.2' },
    /^CONFORMANCE_MOCK_PROFILE only applies to the embedded mock/,
  ],
];

for (const [what, change, message] of bad) {
  test(`${what} is one ConfigError line naming the variable, without the key`, () => {
    let error: unknown;
    try {
      loadSettings({ ...LIVE, ...change });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const text = (error as Error).message;
    expect(text).toMatch(message);
    expect(text).not.toContain('\n');
    expect(text).not.toContain(KEY);
  });
}

test('an unknown mock deviation lists the known ones', () => {
  expect(() => loadSettings({ CONFORMANCE_MOCK_DEVIATIONS: 'nope' })).toThrow(
    /unknown deviation "nope": known ones are /,
  );
});

test("the mock's generated documents are a count, in one line", () => {
  expect(loadSettings({ CONFORMANCE_MOCK_DOCUMENTS: '10000' }).target).toMatchObject({ documents: 10_000 });
  expect(() => loadSettings({ CONFORMANCE_MOCK_DOCUMENTS: 'many' })).toThrow(
    /^CONFORMANCE_MOCK_DOCUMENTS must be a whole number from 0 to 86400 \(got "many"\)\.$/,
  );
});

test('an unknown mock profile is one line naming the known ones', () => {
  expect(() => loadSettings({ CONFORMANCE_MOCK_PROFILE: 'dify-9' })).toThrow(
    /^CONFORMANCE_MOCK_PROFILE names an unknown profile "dify-9": known ones are docs, dify-1\.13\.3, dify-1\.14\.2\.$/,
  );
});

test("a mock profile switches on its drifts' deviations, and CONFORMANCE_MOCK_DEVIATIONS adds to them", () => {
  const { target } = loadSettings({
    CONFORMANCE_MOCK_PROFILE: 'dify-1.14.2',
    CONFORMANCE_MOCK_DEVIATIONS: 'text-content-type,relative-url',
  });
  expect(target).toMatchObject({ kind: 'mock', profile: 'dify-1.14.2' });
  const deviations = target.kind === 'mock' ? target.deviations : [];
  expect(deviations).toEqual([...PROFILES['dify-1.14.2'].drifts.map((d) => d.deviation), 'text-content-type']);
});

test('an unedited copy of .env.example runs against the embedded mock with the defaults', () => {
  const example = dotenv.parse(readFileSync(path.join(PROJECT_ROOT, '.env.example')));
  const settings = loadSettings(example);
  expect(settings.target.kind).toBe('mock');
  expect(settings).toEqual(loadSettings({}));
});

test('a timeout beyond a day is refused: Node timers would overflow and fire at once', () => {
  expect(() => loadSettings({ CONFORMANCE_REQUEST_TIMEOUT: '9999999' })).toThrow(/from 1 to 86400/);
});
