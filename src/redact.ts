// Removes secrets from everything the suite writes: API keys, bearer tokens, signed-URL queries.
export const REDACTED = '[REDACTED]';

/** Query parameters that carry a signature or credential in the URL schemes signed URLs use. */
const SENSITIVE_PARAMS =
  /((?:[?&]|\\u0026)(?:sign|signature|sig|token|nonce|key|api_key|x-amz-signature|x-amz-credential|x-amz-security-token|x-goog-signature|x-goog-credential|se|sp|sv|skoid|sktid)=)[^&\s"'<>\\]*/gi;
/** A bearer credential: the scheme, then a token68 of some length (not prose like "bearer (MUST)"). */
const BEARER = /(?<![\w-])(Bearer\s+)(?!\[REDACTED\])[A-Za-z0-9._~+/-]{8,}=*/gi;
/** URLs with a query, with or without a scheme: Playwright's step subtitles drop it. */
const URL_IN_TEXT = /(?:https?:\/\/)?[\w.-]+(?::\d+)?\/[^\s"'<>\\?]*\?[^\s"'<>\\]*/g;
const SCHEME = /^https?:\/\//;
const SENSITIVE_HEADERS = new Set(['authorization', 'cookie', 'set-cookie', 'proxy-authorization', 'x-api-key']);

export class Redactor {
  private readonly secrets = new Set<string>();

  /** @param apiBase URLs under the API base keep their query (it holds no secret, e.g. ?metadata=only). */
  constructor(
    private readonly apiBase: string | undefined,
    secrets: readonly string[] = [],
  ) {
    for (const secret of secrets) this.addSecret(secret);
  }

  addSecret(value: string): void {
    if (value.length < 6) return;
    this.secrets.add(value);
    this.secrets.add(encodeURIComponent(value));
  }

  /** Treats every query value of a signed URL as secret, wherever it shows up later. */
  addSignedUrl(url: string): void {
    const query = url.split('?')[1];
    if (!query) return;
    for (const [, value] of new URLSearchParams(query)) this.addSecret(value);
  }

  url(url: string): string {
    const bare = url.replace(SCHEME, '');
    const base = this.apiBase?.replace(SCHEME, '');
    if (base && (bare === base || bare.startsWith(`${base}/`) || bare.startsWith(`${base}?`))) {
      // API queries carry no secret, but a signed URL may live under the API base too.
      return this.literals(url).replace(SENSITIVE_PARAMS, `$1${REDACTED}`);
    }
    const [head, query] = url.split('?', 2);
    if (query === undefined) return this.literals(url);
    const names = [...new URLSearchParams(query).keys()];
    return `${this.literals(head ?? '')}?${names.map((name) => `${encodeURIComponent(name)}=${REDACTED}`).join('&')}`;
  }

  text(text: string): string {
    return this.literals(text)
      .replace(URL_IN_TEXT, (url) => this.url(url))
      .replace(BEARER, `$1${REDACTED}`)
      .replace(SENSITIVE_PARAMS, `$1${REDACTED}`);
  }

  headers(headers: Record<string, string>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) {
      if (SENSITIVE_HEADERS.has(name.toLowerCase())) {
        const scheme = /^(\S+)\s/.exec(value)?.[1];
        out[name] = scheme ? `${scheme} ${REDACTED}` : REDACTED;
      } else {
        out[name] = this.text(value);
      }
    }
    return out;
  }

  private literals(text: string): string {
    let out = text;
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) out = out.split(secret).join(REDACTED);
    return out;
  }
}
