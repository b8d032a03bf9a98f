// Signed URLs: the expiry, signature and time parameters of the formats the suite knows.
import { expect, test } from '@playwright/test';
import { alterOneCharacter, parseSignedUrl, withParam } from '../src/signed-url';

const cases: [string, string, Record<string, unknown>][] = [
  [
    "Dify's own",
    'https://dify.example.com/files/f/file-preview?timestamp=1741353600&nonce=ab&sign=c2ln%3D&as_attachment=true',
    { expiresAt: 1741353900, expirySource: 'timestamp + DIFY_SIGNED_URL_TTL', signatureParam: 'sign' },
  ],
  [
    'the docs example',
    'https://storage.example.com/datasets/documents/abc123/original-file.pdf?token=xyz789&expires=1741353600',
    { expiresAt: 1741353600, expirySource: 'expires', signatureParam: 'token' },
  ],
  [
    'S3',
    'https://b.s3.amazonaws.com/k?X-Amz-Date=20250307T120000Z&X-Amz-Expires=600&X-Amz-Signature=ab12',
    {
      expiresAt: Date.UTC(2025, 2, 7, 12, 10) / 1000,
      expirySource: 'X-Amz-Date + X-Amz-Expires',
      signatureParam: 'X-Amz-Signature',
    },
  ],
  [
    'GCS',
    'https://storage.googleapis.com/b/k?X-Goog-Date=20250307T120000Z&X-Goog-Expires=60&X-Goog-Signature=ab',
    { expiresAt: Date.UTC(2025, 2, 7, 12, 1) / 1000, expirySource: 'X-Goog-Date + X-Goog-Expires' },
  ],
  [
    'Azure',
    'https://a.blob.core.windows.net/c/k?se=2025-03-07T12%3A00%3A00Z&sig=abc',
    { expiresAt: Date.UTC(2025, 2, 7, 12) / 1000, expirySource: 'se', signatureParam: 'sig' },
  ],
];

for (const [what, url, expected] of cases) {
  test(`${what} signed URLs state their expiry`, () => {
    expect(parseSignedUrl(url, 300)).toMatchObject(expected);
  });
}

test('a URL without a known expiry parameter has none', () => {
  expect(parseSignedUrl('https://cdn.example.com/file.pdf?sig=abc', 300)).toEqual({ signatureParam: 'sig' });
});

test('tampering changes one parameter by one character and keeps the rest as issued', () => {
  const url = 'https://h/files/f/file-preview?timestamp=1&nonce=ab&sign=c2lnbmF0dXJl%3D&as_attachment=true';
  const tampered = withParam(url, 'sign', alterOneCharacter('c2lnbmF0dXJl='));
  expect(tampered).toBe('https://h/files/f/file-preview?timestamp=1&nonce=ab&sign=c2lnbmA0dXJl%3D&as_attachment=true');
  expect(alterOneCharacter('AAAA')).toBe('AABA');
});
