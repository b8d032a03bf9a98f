// What a signed URL says about itself: when it expires, which parameter signs it, which dates it.
// Dify's own format is /files/{id}/file-preview?timestamp=&nonce=&sign=; storage back ends sign
// with S3, GCS or Azure query parameters, and some CDNs with a plain `expires`.

export type ExpirySource =
  | 'expires'
  | 'X-Amz-Date + X-Amz-Expires'
  | 'X-Goog-Date + X-Goog-Expires'
  | 'se'
  | 'timestamp + DIFY_SIGNED_URL_TTL';

export interface SignedUrl {
  /** Unix seconds after which the URL must stop working; undefined when the URL does not say. */
  expiresAt?: number;
  expirySource?: ExpirySource;
  /** The query parameter carrying the signature. */
  signatureParam?: string;
  /** The query parameter that dates the URL, and the value that moves it later in time. */
  timeParam?: { name: string; later: string };
}

const SIGNATURE_PARAMS = ['sign', 'signature', 'X-Amz-Signature', 'X-Goog-Signature', 'sig', 'token'];

function find(query: URLSearchParams, name: string): [string, string] | undefined {
  for (const [key, value] of query) if (key.toLowerCase() === name.toLowerCase()) return [key, value];
  return undefined;
}

/** 20250304T120000Z (AWS and GCS) as unix seconds. */
function compactDate(value: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return Date.UTC(year, month - 1, day, hour, minute, second) / 1000;
}

function whole(value: string | undefined): number | undefined {
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

export function parseSignedUrl(url: string, ttlSeconds: number): SignedUrl {
  const query = new URL(url).searchParams;
  const signatureParam = SIGNATURE_PARAMS.map((name) => find(query, name)?.[0]).find(Boolean);
  const result: SignedUrl = { signatureParam };
  const expires = find(query, 'expires');
  const amzDate = find(query, 'X-Amz-Date');
  const amzExpires = find(query, 'X-Amz-Expires');
  const googDate = find(query, 'X-Goog-Date');
  const googExpires = find(query, 'X-Goog-Expires');
  const azure = find(query, 'se');
  const timestamp = find(query, 'timestamp');
  if (expires && whole(expires[1]) !== undefined) {
    result.expiresAt = whole(expires[1]);
    result.expirySource = 'expires';
    result.timeParam = { name: expires[0], later: String(Number(expires[1]) + 3600) };
  } else if (amzDate && amzExpires) {
    const start = compactDate(amzDate[1]);
    const ttl = whole(amzExpires[1]);
    if (start !== undefined && ttl !== undefined) result.expiresAt = start + ttl;
    result.expirySource = 'X-Amz-Date + X-Amz-Expires';
    result.timeParam = { name: amzExpires[0], later: String((ttl ?? 0) + 3600) };
  } else if (googDate && googExpires) {
    const start = compactDate(googDate[1]);
    const ttl = whole(googExpires[1]);
    if (start !== undefined && ttl !== undefined) result.expiresAt = start + ttl;
    result.expirySource = 'X-Goog-Date + X-Goog-Expires';
    result.timeParam = { name: googExpires[0], later: String((ttl ?? 0) + 3600) };
  } else if (azure && !Number.isNaN(Date.parse(azure[1]))) {
    result.expiresAt = Math.floor(Date.parse(azure[1]) / 1000);
    result.expirySource = 'se';
    result.timeParam = { name: azure[0], later: new Date((result.expiresAt + 3600) * 1000).toISOString() };
  } else if (timestamp && whole(timestamp[1]) !== undefined) {
    // Dify signs its issue time; the lifetime is the server's FILES_ACCESS_TIMEOUT.
    result.expiresAt = Number(timestamp[1]) + ttlSeconds;
    result.expirySource = 'timestamp + DIFY_SIGNED_URL_TTL';
    result.timeParam = { name: timestamp[0], later: String(Number(timestamp[1]) + 60) };
  }
  return result;
}

/** The URL with one query parameter replaced, every other byte of it kept as issued. */
export function withParam(url: string, name: string, value: string): string {
  const parsed = new URL(url);
  const parts = parsed.search
    .slice(1)
    .split('&')
    .map((part) => {
      const key = decodeURIComponent(part.split('=')[0] ?? '');
      return key === name ? `${part.split('=')[0]}=${encodeURIComponent(value)}` : part;
    });
  parsed.search = `?${parts.join('&')}`;
  return parsed.href;
}

/** The signature with one character changed, in the middle, to another of its alphabet. */
export function alterOneCharacter(value: string): string {
  const at = Math.floor(value.length / 2);
  const replacement = value[at] === 'A' ? 'B' : 'A';
  return `${value.slice(0, at)}${replacement}${value.slice(at + 1)}`;
}
