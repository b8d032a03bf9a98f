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

type Expiry = Omit<SignedUrl, 'signatureParam'>;
/** One way a URL states its expiry; the first rule that recognises the URL wins. */
type Rule = (query: URLSearchParams, ttlSeconds: number) => Expiry | undefined;

const explicitExpires: Rule = (query) => {
  const [name, value] = find(query, 'expires') ?? [];
  const at = whole(value);
  if (!name || at === undefined) return undefined;
  return { expiresAt: at, expirySource: 'expires', timeParam: { name, later: String(at + 3600) } };
};

/** S3 and GCS: a signing time plus a lifetime in seconds. */
function signedAtPlusLifetime(vendor: 'Amz' | 'Goog'): Rule {
  return (query) => {
    const date = find(query, `X-${vendor}-Date`);
    const expires = find(query, `X-${vendor}-Expires`);
    if (!date || !expires) return undefined;
    const [start, ttl] = [compactDate(date[1]), whole(expires[1])];
    return {
      expiresAt: start !== undefined && ttl !== undefined ? start + ttl : undefined,
      expirySource: `X-${vendor}-Date + X-${vendor}-Expires` as ExpirySource,
      timeParam: { name: expires[0], later: String((ttl ?? 0) + 3600) },
    };
  };
}

const azureSe: Rule = (query) => {
  const [name, value] = find(query, 'se') ?? [];
  const at = value === undefined ? Number.NaN : Date.parse(value) / 1000;
  if (!name || Number.isNaN(at)) return undefined;
  const expiresAt = Math.floor(at);
  return {
    expiresAt,
    expirySource: 'se',
    timeParam: { name, later: new Date((expiresAt + 3600) * 1000).toISOString() },
  };
};

/** Dify signs its issue time; the lifetime is the server's FILES_ACCESS_TIMEOUT. */
const difyTimestamp: Rule = (query, ttlSeconds) => {
  const [name, value] = find(query, 'timestamp') ?? [];
  const issued = whole(value);
  if (!name || issued === undefined) return undefined;
  return {
    expiresAt: issued + ttlSeconds,
    expirySource: 'timestamp + DIFY_SIGNED_URL_TTL',
    timeParam: { name, later: String(issued + 60) },
  };
};

const RULES: Rule[] = [
  explicitExpires,
  signedAtPlusLifetime('Amz'),
  signedAtPlusLifetime('Goog'),
  azureSe,
  difyTimestamp,
];

export function parseSignedUrl(url: string, ttlSeconds: number): SignedUrl {
  const query = new URL(url).searchParams;
  const signatureParam = SIGNATURE_PARAMS.map((name) => find(query, name)?.[0]).find(Boolean);
  for (const rule of RULES) {
    const expiry = rule(query, ttlSeconds);
    if (expiry) return { signatureParam, ...expiry };
  }
  return { signatureParam };
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
