// HTTP clients for checks: every exchange is recorded, redacted, as evidence for the report.
import type { APIRequestContext } from '@playwright/test';
import type { Redactor } from './redact';
import type { LoadedSpec } from './spec';
import { ContractViolation, show } from './violation';

export interface Exchange {
  client: 'api' | 'anonymous';
  /** The spec operation the request exercised, for status-code coverage. */
  operationId?: string;
  method: string;
  url: string;
  requestHeaders: Record<string, string>;
  status?: number;
  responseHeaders?: Record<string, string>;
  bodyBytes?: number;
  bodyExcerpt?: string;
  error?: string;
  ms: number;
}

const EXCERPT_BYTES = 2048;

export class TransportError extends Error {
  override name = 'TransportError';
}

export class HttpResponse {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly status: number,
    /** Lower-cased header names. */
    readonly headers: Record<string, string>,
    readonly body: Buffer,
    /** The redacted request line for messages: "GET http://… → 404". */
    readonly summary: string,
  ) {}

  text(): string {
    return this.body.toString('utf8');
  }

  /** The media type without parameters, e.g. application/json. */
  mediaType(): string {
    return (this.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  }

  isJson(): boolean {
    return /^application\/(?:[\w.+-]+\+)?json$/.test(this.mediaType());
  }

  /** The parsed JSON body; a ContractViolation when the body is not JSON. */
  json(): unknown {
    try {
      return JSON.parse(this.text());
    } catch {
      throw new ContractViolation({
        expected: 'a JSON body',
        actual: `${this.body.length} bytes of ${show(this.headers['content-type'] ?? 'no Content-Type')}: ${show(this.text(), 200)}`,
        request: this.summary,
      });
    }
  }
}

export interface RequestOptions {
  headers?: Record<string, string>;
  maxRedirects?: number;
  operationId?: string;
}

export class HttpClient {
  constructor(
    private readonly context: APIRequestContext,
    private readonly client: Exchange['client'],
    protected readonly redactor: Redactor,
    private readonly evidence: Exchange[],
    private readonly timeoutMs: number,
  ) {}

  async get(url: string, options: RequestOptions = {}): Promise<HttpResponse> {
    const headers = options.headers ?? {};
    const started = performance.now();
    const exchange: Exchange = {
      client: this.client,
      operationId: options.operationId,
      method: 'GET',
      url: this.redactor.url(url),
      requestHeaders: this.redactor.headers(headers),
      ms: 0,
    };
    this.evidence.push(exchange);
    try {
      const response = await this.context.get(url, {
        headers,
        maxRedirects: options.maxRedirects,
        timeout: this.timeoutMs,
        failOnStatusCode: false,
      });
      const body = await response.body();
      exchange.ms = Math.round(performance.now() - started);
      exchange.status = response.status();
      exchange.responseHeaders = this.redactor.headers(response.headers());
      exchange.bodyBytes = body.length;
      exchange.bodyExcerpt = this.redactor.text(body.subarray(0, EXCERPT_BYTES).toString('utf8'));
      return new HttpResponse(
        'GET',
        url,
        response.status(),
        response.headers(),
        body,
        `GET ${exchange.url} → ${response.status()}`,
      );
    } catch (error) {
      exchange.ms = Math.round(performance.now() - started);
      // Playwright's message carries a call log with the full URL: keep the first line, redacted.
      const first = this.redactor.text(String((error as Error).message ?? error).split('\n')[0] ?? '');
      exchange.error = first;
      throw new TransportError(`GET ${exchange.url} failed after ${exchange.ms} ms: ${first}`);
    }
  }
}

export interface CallOptions {
  query?: Record<string, string | null | undefined>;
  /** Replaces `Bearer <key>` for the error contract's checks; null sends no Authorization header. */
  authorization?: string | null;
}

/** The authenticated client: calls spec operations, and sends the API key only to the API base. */
export class ApiClient extends HttpClient {
  constructor(
    context: APIRequestContext,
    redactor: Redactor,
    evidence: Exchange[],
    timeoutMs: number,
    readonly baseUrl: string,
    private readonly apiKey: string,
    private readonly spec: LoadedSpec,
  ) {
    super(context, 'api', redactor, evidence, timeoutMs);
  }

  /** The URL of an operation: its path template filled in, under the API base. */
  url(operationId: string, params: Record<string, string>, query: CallOptions['query'] = {}): string {
    const operation = this.spec.operations.get(operationId);
    if (!operation) throw new Error(`the spec has no operation ${operationId}`);
    const path = operation.path.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = params[name];
      if (value === undefined) throw new Error(`no value for the path parameter {${name}} of ${operationId}`);
      return encodeURIComponent(value);
    });
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(query))
      if (value !== null && value !== undefined) search.set(name, value);
    const qs = search.toString();
    return `${this.baseUrl}${path}${qs ? `?${qs}` : ''}`;
  }

  /** Calls an operation with `Authorization: Bearer <key>`; redirects are not followed, they could carry the key away. */
  async call(operationId: string, params: Record<string, string>, options: CallOptions = {}): Promise<HttpResponse> {
    const url = this.url(operationId, params, options.query);
    if (!url.startsWith(`${this.baseUrl}/`)) {
      throw new Error(`refusing to send the API key to ${this.redactor.url(url)}: it is not under DIFY_BASE_URL`);
    }
    const headers: Record<string, string> = {};
    const authorization = options.authorization === undefined ? `Bearer ${this.apiKey}` : options.authorization;
    if (authorization !== null) headers.Authorization = authorization;
    return this.get(url, { headers, maxRedirects: 0, operationId });
  }
}
