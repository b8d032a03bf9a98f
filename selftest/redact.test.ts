// Redaction: keys, bearer tokens and signed-URL query values never survive; API queries do.
import { expect, test } from '@playwright/test';
import { REDACTED, Redactor } from '../src/redact';

const KEY = 'dataset-abcdefghijklmnop';
const API = 'https://dify.example.com/v1';
const SIGNED = 'https://files.example.com/files/f1/file-preview?timestamp=1741353600&nonce=0a1b2c&sign=c2lnbmF0dXJl%3D';

test('the API key goes, wherever it stands and however it is encoded', () => {
  const redactor = new Redactor(API, [KEY]);
  expect(redactor.text(`key=${KEY} and ${encodeURIComponent(KEY)}`)).toBe(`key=${REDACTED} and ${REDACTED}`);
  expect(redactor.headers({ Authorization: `Bearer ${KEY}`, Accept: 'application/json' })).toEqual({
    Authorization: `Bearer ${REDACTED}`,
    Accept: 'application/json',
  });
  expect(redactor.text('Authorization: Bearer some-other-token')).toBe(`Authorization: Bearer ${REDACTED}`);
});

test('a signed URL keeps its parameter names, never their values', () => {
  const redactor = new Redactor(API);
  const expected = `https://files.example.com/files/f1/file-preview?timestamp=${REDACTED}&nonce=${REDACTED}&sign=${REDACTED}`;
  expect(redactor.url(SIGNED)).toBe(expected);
  expect(redactor.text(`got {"url":"${SIGNED}"}`)).toBe(`got {"url":"${expected}"}`);
  expect(redactor.text(SIGNED.replace('https://', ''))).not.toContain('c2lnbmF0dXJl');
});

test('query values of a registered signed URL are redacted even out of context', () => {
  const redactor = new Redactor(API);
  redactor.addSignedUrl(SIGNED);
  expect(redactor.text('the signature c2lnbmF0dXJl= was refused')).toBe(`the signature ${REDACTED} was refused`);
});

test('API URLs keep their query, which carries no secret', () => {
  const redactor = new Redactor(API, [KEY]);
  const url = `${API}/datasets/d/documents/x?metadata=only`;
  expect(redactor.text(`GET ${url} → 200`)).toBe(`GET ${url} → 200`);
});

test('well-known signature parameters are redacted in any URL', () => {
  const redactor = new Redactor(undefined);
  const s3 = 'https://bucket.s3.amazonaws.com/a.pdf?X-Amz-Signature=deadbeef&X-Amz-Credential=AKIA%2F1';
  expect(redactor.text(s3)).not.toMatch(/deadbeef|AKIA/);
});

test('a signed URL under the API base, or JSON-escaped with \\u0026, still loses its signature', () => {
  const redactor = new Redactor(API);
  expect(redactor.text(`${API}/files/1/file-preview?timestamp=1&nonce=abcdef12&sign=SECRETSIG`)).not.toMatch(
    /abcdef12|SECRETSIG/,
  );
  expect(
    redactor.text('"url":"/files/1/file-preview?timestamp=1\\u0026nonce=abcdef12\\u0026sign=SECRETSIG"'),
  ).not.toMatch(/abcdef12|SECRETSIG/);
});
