// Known deviations (CONFORMANCE_EXPECTATIONS): accepted failures do not fail the run, but stay in
// the report; an accepted failure that now passes is news, and fails a strict run.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { loadCatalog } from '../src/catalog';
import { loadSettings } from '../src/config';
import { loadExpectations, mismatch } from '../src/expectations';
import { DEFAULT_SPEC, PROJECT_ROOT } from '../src/paths';
import { runSuite } from './run-suite';

const EXPIRY = 'downloadDocument/signed-url/expiry';

function expectationsFile(content: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'expectations-')), 'staging.yaml');
  writeFileSync(file, content);
  return file;
}

/** Fails with never-expires; the other passes: the two checks these runs are about. */
const FILE_NAME = 'downloadDocument/signed-url/file-name';
const ONLY_THESE = ['--grep', `(${EXPIRY}|${FILE_NAME}): `];

const accepted = () =>
  expectationsFile(
    [
      'target: staging',
      'expectations:',
      `  - check: ${EXPIRY}`,
      '    reason: our CDN caches files',
      '    link: https://example.com/issue/1',
      `  - check: ${FILE_NAME}`,
      '    reason: the proxy renamed downloads until last week',
      '',
    ].join('\n'),
  );

test('an accepted failure is a known deviation, an accepted check that passes is news; the run passes', async () => {
  const run = await runSuite(
    { CONFORMANCE_MOCK_DEVIATIONS: 'never-expires', CONFORMANCE_EXPECTATIONS: accepted() },
    ONLY_THESE,
  );
  expect(run.code).toBe(0);
  expect(run.report?.verdict).toBe('conformant with known deviations');
  const result = run.report?.results.find((r) => r.check === EXPIRY);
  expect(result?.outcome).toBe('known-deviation');
  expect(result?.expectation?.reason).toBe('our CDN caches files');
  expect(result?.detail).toContain('expected: a 4xx refusal');
  expect(run.report?.results.find((r) => r.check === FILE_NAME)?.outcome).toBe('unexpectedly-passing');
  expect(run.report?.summary).toMatchObject({ knownDeviation: 1, unexpectedlyPassing: 1, failed: 0 });
  expect(run.report?.expectationsUnmatched).toEqual([
    { check: FILE_NAME, reason: 'the proxy renamed downloads until last week', why: 'the check passes' },
  ]);
});

const pinned = (actual: string) =>
  expectationsFile(
    ['expectations:', `  - check: ${EXPIRY}`, '    reason: our CDN caches files', `    actual: "${actual}"`, ''].join(
      '\n',
    ),
  );

test('a known deviation that pins its failure stays known only while the failure keeps that shape', async () => {
  const [same, changed] = await Promise.all(
    ['HTTP 200', 'HTTP 500'].map((actual) =>
      runSuite({ CONFORMANCE_MOCK_DEVIATIONS: 'never-expires', CONFORMANCE_EXPECTATIONS: pinned(actual) }, ONLY_THESE),
    ),
  );
  expect(same?.report?.results.find((r) => r.check === EXPIRY)?.outcome).toBe('known-deviation');
  expect(same?.code).toBe(0);
  const result = changed?.report?.results.find((r) => r.check === EXPIRY);
  expect(result?.outcome).toBe('failed');
  expect(result?.detail).toMatch(
    /\nnot the known deviation: the known deviation pins actual "HTTP 500", but this failure's actual is "[^"]*HTTP 200/,
  );
  expect(changed?.report?.expectationsUnmatched?.map((u) => u.why)).toEqual([
    'the check fails otherwise than the expectation pins',
  ]);
  expect(changed?.code).toBe(1);
});

test("a pinned pointer is matched against the failure's at: line", () => {
  const detail = 'x (MUST)\nexpected: a string\nactual:   null\nat:       /doc_metadata\nrequest:  GET …';
  const base = { check: 'x', reason: 'known' };
  expect(mismatch({ ...base, pointer: '/doc_metadata', actual: 'null' }, detail)).toBeUndefined();
  expect(mismatch({ ...base, pointer: '/name' }, detail)).toBe(
    'the known deviation pins the pointer /name, but this failure is at /doc_metadata',
  );
});

test('under CONFORMANCE_STRICT=1 an unexpectedly passing check fails the run', async () => {
  const run = await runSuite(
    { CONFORMANCE_MOCK_DEVIATIONS: 'never-expires', CONFORMANCE_EXPECTATIONS: accepted(), CONFORMANCE_STRICT: '1' },
    ONLY_THESE,
  );
  expect(run.code).toBe(1);
  expect(run.report?.verdict).toBe('not conformant');
});

const bad: [string, string, RegExp][] = [
  ['malformed YAML', 'expectations: [', /cannot be read/],
  ['an entry without a reason', `expectations:\n  - check: ${EXPIRY}\n`, /is malformed: .*"reason"/],
  [
    'an unknown check id',
    'expectations:\n  - check: nope/nothing\n    reason: typo\n',
    /unknown check id "nope\/nothing"/,
  ],
];

for (const [what, content, message] of bad) {
  test(`an expectations file with ${what} is one ConfigError line`, () => {
    expect(() => loadSettings({ CONFORMANCE_EXPECTATIONS: expectationsFile(content) })).toThrow(message);
  });
}

test('a bad expectations file stops the run with one line and exit code 2', async () => {
  const run = await runSuite({ CONFORMANCE_EXPECTATIONS: expectationsFile('expectations: [') });
  expect(run.code).toBe(2);
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
  expect(run.stderr).toMatch(/CONFORMANCE_EXPECTATIONS file .* cannot be read/);
});

test('the example expectations file is valid', () => {
  const file = path.join(PROJECT_ROOT, 'examples', 'expectations.example.yaml');
  const { checks } = loadCatalog(DEFAULT_SPEC);
  expect(loadExpectations(file, (id) => (checks.has(id) ? id : undefined)).size).toBeGreaterThan(0);
});

test('an expectation may name a generated check a row implements: it applies to the row', () => {
  const file = expectationsFile('expectations:\n  - check: getDocumentDetail/response/schema\n    reason: drift\n');
  const settings = loadSettings({ CONFORMANCE_EXPECTATIONS: file });
  expect([...settings.expectations.keys()]).toEqual(['getDocumentDetail/metadata-default/response-schema']);
});

/** detail-doc-metadata-null-when-empty breaks a new document's Get Document schema; shows-created reads it. */
const CREATED_SCHEMA = 'getDocumentDetail/metadata-all/created-schema';
const READ_BACK = 'getDocumentDetail/metadata-all/shows-created';
const nullAccepted = (pin: string) =>
  expectationsFile(
    ['expectations:', `  - check: ${CREATED_SCHEMA}`, '    reason: null without values', pin, ''].join('\n'),
  );

for (const [what, pin, outcome] of [
  ['pinned: the checks relying on it go on, and say so', '    pointer: /doc_metadata', 'passed'],
  ['unpinned: the checks relying on it stay blocked', '', 'blocked'],
  ['pinned to another shape: they stay blocked', '    pointer: /name', 'blocked'],
] as const) {
  test(`a known deviation of a precondition's schema, ${what}`, async () => {
    const run = await runSuite(
      {
        CONFORMANCE_MOCK_DEVIATIONS: 'detail-doc-metadata-null-when-empty',
        CONFORMANCE_EXPECTATIONS: nullAccepted(pin),
      },
      [
        '--grep',
        '(createDocumentFromText/response/schema|getDocumentIndexingStatus/text-completes|metadata-all/[a-z-]+): ',
      ],
    );
    const result = (id: string) => run.report?.results.find((r) => r.check === id);
    expect(result(CREATED_SCHEMA)?.outcome).toBe(pin.includes('name') ? 'failed' : 'known-deviation');
    expect(result(READ_BACK)?.outcome).toBe(outcome);
    const note = `relied on ${CREATED_SCHEMA} despite its known deviation (at /doc_metadata)`;
    expect(result(READ_BACK)?.notes.some((text) => text.startsWith(note))).toBe(outcome === 'passed');
  });
}

test('a known relative signed URL (Dify without FILES_URL) is fetched from the server root, and the checks relying on it go on', async () => {
  const absolute = 'downloadDocument/signed-url/absolute';
  const file = expectationsFile(
    ['expectations:', `  - check: ${absolute}`, '    reason: FILES_URL is empty', '    pointer: /url', ''].join('\n'),
  );
  const run = await runSuite({ CONFORMANCE_MOCK_DEVIATIONS: 'relative-url', CONFORMANCE_EXPECTATIONS: file }, [
    '--grep',
    'downloadDocument/(response|signed-url)/',
  ]);
  expect(run.code).toBe(0);
  const result = (id: string) => run.report?.results.find((r) => r.check === id);
  expect(result(absolute)?.outcome).toBe('known-deviation');
  for (const id of ['resolves-anonymously', 'original-bytes', 'expiry'].map(
    (c) => `downloadDocument/signed-url/${c}`,
  )) {
    expect(result(id)?.outcome, id).toBe('passed');
    expect(result(id)?.notes.join('\n')).toContain(`relied on ${absolute} despite its known deviation (at /url)`);
  }
});
