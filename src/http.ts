// HTTP clients for checks: every exchange is recorded, redacted, as evidence for the report.
import { setTimeout as sleep } from 'node:timers/promises';
import type { APIRequestContext } from '@playwright/test';
import { answersFresh } from './contract';
import type { Redactor } from './redact';
import { exchangeKey, type Recorded, type SharedExchanges } from './shared-exchanges';
import type { LoadedSpec } from './spec';
import { ContractViolation, show } from './violation';

export interface Exchange {
  client: 'api' | 'anonymous';
  /** The spec operation the request exercised, for status-code coverage. */
  operationId?: string;
  method: string;
  url: string;
  requestHeaders: Record<string, string>;
  /** The first 2 KiB of a JSON request body, so a write's evidence says what was written. */
  requestExcerpt?: string;
  status?: number;
  responseHeaders?: Record<string, string>;
  bodyBytes?: number;
  bodyExcerpt?: string;
  error?: string;
  /** Why this attempt was retried, e.g. "retried after 503 (Retry-After 1 s)". */
  retried?: string;
  /** The check that sent this exchange, when this check judged it without sending it again. */
  reusedFrom?: string;
  /**
   * A digest of the request as sent (method, URL, headers, body) before redaction, so that two
   * requests that differ only in a secret (the key, a signature) still count as distinct.
   */
  fingerprint: string;
  ms: number;
}

const EXCERPT_BYTES = 2048;
/** Retries only for a reset connection or a 429/503: never for an answer the contract judges. */
const MAX_RETRIES = 2;
const MAX_RETRY_AFTER_SECONDS = 10;

function fingerprintOf(method: string, url: string, headers: Record<string, string>, body: string): string {
  return exchangeKey(method, url, headers, body).slice(0, 16);
}

/** Playwright's transport errors in plain words. */
export function cause(message: string, timeoutMs: number): string {
  if (/Timeout \d+ms exceeded|ETIMEDOUT/i.test(message)) {
    return `no complete answer within ${timeoutMs / 1000} s (CONFORMANCE_REQUEST_TIMEOUT)`;
  }
  if (/ECONNRESET|socket hang up|EPIPE/i.test(message)) return 'the server reset the connection before answering';
  if (/ECONNREFUSED/i.test(message)) return 'connection refused: nothing listens at that address';
  if (/ENOTFOUND|EAI_AGAIN/i.test(message)) return 'the host name does not resolve';
  if (/certificate|self[- ]signed|CERT_|SSL/i.test(message)) {
    return `the TLS certificate is not trusted (${message.trim()}); CONFORMANCE_INSECURE_TLS=1 accepts it`;
  }
  return message.trim();
}

function isReset(message: string): boolean {
  return /ECONNRESET|socket hang up|EPIPE/i.test(message);
}

/** Seconds to wait from a Retry-After header (seconds or an HTTP date), bounded. */
function retryAfterSeconds(header: string | undefined): number {
  if (header === undefined) return 1;
  const seconds = /^\d+$/.test(header.trim()) ? Number(header) : (Date.parse(header) - Date.now()) / 1000;
  return Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(0, Number.isFinite(seconds) ? seconds : 1));
}

/**
 * Paces one worker's requests: at most `perSecond` start per second (0: no limit) and at most
 * `inFlight` are waiting for an answer at once.
 */
export class Throttle {
  private next = 0;
  private active = 0;
  private readonly queue: (() => void)[] = [];

  constructor(
    private readonly perSecond: number,
    private readonly inFlight = Number.POSITIVE_INFINITY,
  ) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    // A finishing request hands its slot to the next in the queue, so none can slip in between.
    if (this.active >= this.inFlight) await new Promise<void>((resolve) => this.queue.push(resolve));
    else this.active += 1;
    try {
      await this.pace();
      return await work();
    } finally {
      const next = this.queue.shift();
      if (next) next();
      else this.active -= 1;
    }
  }

  private async pace(): Promise<void> {
    if (this.perSecond <= 0) return;
    const now = Date.now();
    const at = Math.max(now, this.next);
    this.next = at + 1000 / this.perSecond;
    if (at > now) await sleep(at - now);
  }
}

export interface TransportLimits {
  timeoutMs: number;
  /** Bodies beyond this are a failure, not something to buffer without end. */
  maxBodyBytes: number;
  throttle: Throttle;
}

/** No usable answer came (timeout, reset, refused, oversized): a failed check, never a retry loop. */
export class TransportError extends Error {
  override name = 'TransportError';

  constructor(
    /** The redacted request line, e.g. "GET http://…/download". */
    readonly request: string,
    /** The cause in plain words. */
    readonly reason: string,
    readonly ms: number,
  ) {
    super(`${request} failed after ${ms} ms: ${reason}`);
  }
}

export class HttpResponse {
  constructor(
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

export type Multipart = Record<string, string | { name: string; mimeType: string; buffer: Buffer }>;

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  multipart?: Multipart;
  /** A JSON body, sent as application/json. */
  json?: unknown;
  maxRedirects?: number;
  operationId?: string;
}

export interface ClientOptions {
  client: Exchange['client'];
  redactor: Redactor;
  /** Where each exchange is recorded, redacted, as evidence. */
  evidence: Exchange[];
  limits: TransportLimits;
  /** Anything but GET is refused unless writes are allowed: live targets are read-only by default. */
  allowWrites: boolean;
}

export class HttpClient {
  protected readonly redactor: Redactor;
  protected readonly evidence: Exchange[];

  constructor(
    private readonly context: APIRequestContext,
    private readonly options: ClientOptions,
  ) {
    this.redactor = options.redactor;
    this.evidence = options.evidence;
  }

  async get(url: string, options: RequestOptions = {}): Promise<HttpResponse> {
    return this.request(url, { ...options, method: 'GET' });
  }

  /** Sends a request; only a GET is retried, since repeating a write could repeat its effect. */
  async request(url: string, options: RequestOptions = {}): Promise<HttpResponse> {
    return this.requestInto(url, options, []);
  }

  /** As `request`, collecting this request's exchanges (one per attempt) into `attempts` too. */
  protected async requestInto(url: string, options: RequestOptions, attempts: Exchange[]): Promise<HttpResponse> {
    const method = options.method ?? 'GET';
    if (method !== 'GET' && !this.options.allowWrites) {
      const target = this.redactor.url(url);
      throw new WriteRefused(
        `writes are off: the suite sends ${method} ${target} only with CONFORMANCE_ALLOW_WRITES=1`,
      );
    }
    const retries = method === 'GET' ? MAX_RETRIES : 0;
    for (let attempt = 0; ; attempt += 1) {
      const last = attempt === retries;
      try {
        const response = await this.attempt(url, options, attempts);
        if (last || (response.status !== 429 && response.status !== 503)) return response;
        const wait = retryAfterSeconds(response.headers['retry-after']);
        this.note(
          attempts,
          `retried after ${response.status} (waited ${wait} s, Retry-After ${response.headers['retry-after'] ?? 'absent'})`,
        );
        await sleep(wait * 1000);
      } catch (error) {
        if (last || !(error instanceof TransportError) || !isReset(error.reason)) throw error;
        this.note(attempts, 'retried after a reset connection');
        await sleep(250 * (attempt + 1));
      }
    }
  }

  private note(attempts: Exchange[], retried: string): void {
    const latest = attempts.at(-1);
    if (latest) latest.retried = retried;
  }

  private async attempt(url: string, options: RequestOptions, attempts: Exchange[]): Promise<HttpResponse> {
    const data = options.json === undefined ? undefined : JSON.stringify(options.json);
    const headers = { ...options.headers, ...(data === undefined ? {} : { 'Content-Type': 'application/json' }) };
    return this.options.limits.throttle.run(() => this.send(url, options, data, headers, attempts));
  }

  private async send(
    url: string,
    options: RequestOptions,
    data: string | undefined,
    headers: Record<string, string>,
    attempts: Exchange[],
  ): Promise<HttpResponse> {
    const method = options.method ?? 'GET';
    const { limits } = this.options;
    const started = performance.now();
    const exchange: Exchange = {
      client: this.options.client,
      operationId: options.operationId,
      method,
      url: this.redactor.url(url),
      requestHeaders: this.redactor.headers(headers),
      ...(data === undefined ? {} : { requestExcerpt: this.redactor.text(data.slice(0, EXCERPT_BYTES)) }),
      fingerprint: fingerprintOf(method, url, headers, data ?? JSON.stringify(options.multipart ?? null)),
      ms: 0,
    };
    this.evidence.push(exchange);
    attempts.push(exchange);
    const fail = (reason: string): TransportError => {
      exchange.ms = Math.round(performance.now() - started);
      exchange.error = reason;
      return new TransportError(`${method} ${exchange.url}`, reason, exchange.ms);
    };
    let response: Awaited<ReturnType<APIRequestContext['fetch']>>;
    let body: Buffer;
    try {
      response = await this.context.fetch(url, {
        method,
        headers,
        multipart: options.multipart,
        data,
        maxRedirects: options.maxRedirects,
        timeout: limits.timeoutMs,
        failOnStatusCode: false,
      });
      body = await response.body();
      // The context holds every body until it closes, and a worker's serves many checks (the sweep's
      // thousands of requests among them): this one is read, so it is let go.
      await response.dispose();
    } catch (error) {
      // Playwright's message carries a call log with the full URL: keep the first line, redacted.
      const first = this.redactor.text(String((error as Error).message ?? error).split('\n')[0] ?? '');
      throw fail(cause(first, limits.timeoutMs));
    }
    exchange.ms = Math.round(performance.now() - started);
    exchange.status = response.status();
    exchange.responseHeaders = this.redactor.headers(response.headers());
    exchange.bodyBytes = body.length;
    exchange.bodyExcerpt = this.redactor.text(body.subarray(0, EXCERPT_BYTES).toString('utf8'));
    if (body.length > limits.maxBodyBytes) {
      throw fail(`the body of ${body.length} bytes exceeds the bound of ${limits.maxBodyBytes} bytes`);
    }
    return new HttpResponse(
      response.status(),
      response.headers(),
      body,
      `${method} ${exchange.url} → ${response.status()}`,
    );
  }
}

export interface CallOptions {
  query?: Record<string, string | null | undefined>;
  /** Replaces `Bearer <key>` for the error contract's checks; null sends no Authorization header. */
  authorization?: string | null;
  multipart?: Multipart;
  json?: unknown;
}

/** A write to a target that is read-only (live without CONFORMANCE_ALLOW_WRITES=1). */
/** Why a check that writes is skipped on a live target without the opt-in. */
export const WRITES_OFF = 'writes are off: set CONFORMANCE_ALLOW_WRITES=1 to let the suite create, change and delete';

export class WriteRefused extends Error {
  override name = 'WriteRefused';
}

/**
 * The authenticated client: calls spec operations, sends the API key only to the API base, and
 * sends nothing but GET unless writes are allowed.
 */
export interface ApiOptions extends Omit<ClientOptions, 'client'> {
  /** The API base, e.g. https://dify.example.com/v1: the only place the key is sent. */
  baseUrl: string;
  apiKey: string;
  spec: LoadedSpec;
  /** Where this check's GETs are shared with the run's other checks, and the check's id to cite. */
  share?: { exchanges: SharedExchanges; sentBy: string };
}

export class ApiClient extends HttpClient {
  readonly baseUrl: string;
  private readonly apiKey: string;
  private readonly spec: LoadedSpec;
  /** Once a check has written, what it reads may be its own doing: from then on it reads afresh. */
  private wrote = false;

  constructor(
    private readonly apiContext: APIRequestContext,
    private readonly apiOptions: ApiOptions,
  ) {
    super(apiContext, { ...apiOptions, client: 'api' });
    ({ baseUrl: this.baseUrl, apiKey: this.apiKey, spec: this.spec } = apiOptions);
  }

  /** The same client, recording its exchanges into `evidence` instead: for work that keeps only some. */
  recordingInto(evidence: Exchange[]): ApiClient {
    return new ApiClient(this.apiContext, { ...this.apiOptions, evidence, share: undefined });
  }

  /** The URL of an operation: its path template filled in, under the API base. */
  url(operationId: string, params: Record<string, string>, query: CallOptions['query'] = {}): string {
    const path = this.operation(operationId).path.replace(/\{(\w+)\}/g, (_, name: string) => {
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
    const { method } = this.operation(operationId);
    const url = this.url(operationId, params, options.query);
    if (!url.startsWith(`${this.baseUrl}/`)) {
      throw new Error(`refusing to send the API key to ${this.redactor.url(url)}: it is not under DIFY_BASE_URL`);
    }
    const headers: Record<string, string> = {};
    const authorization = options.authorization === undefined ? `Bearer ${this.apiKey}` : options.authorization;
    if (authorization !== null) headers.Authorization = authorization;
    const request = { method, headers, multipart: options.multipart, json: options.json, maxRedirects: 0, operationId };
    if (method !== 'GET') this.wrote = true;
    const { share } = this.apiOptions;
    if (!share || method !== 'GET' || this.wrote || answersFresh(this.operation(operationId))) {
      return this.request(url, request);
    }
    const { recorded, sent } = await share.exchanges.share(exchangeKey(method, url, headers, ''), () =>
      this.record(url, request, share.sentBy),
    );
    if (!sent) {
      for (const exchange of recorded.exchanges) this.evidence.push({ ...exchange, reusedFrom: recorded.sentBy });
    }
    if (recorded.failure) {
      const { request: line, reason, ms } = recorded.failure;
      throw new TransportError(line, reason, ms);
    }
    const answer = recorded.answer;
    if (!answer) throw new Error(`the shared exchange of ${recorded.sentBy} holds neither an answer nor a failure`);
    return new HttpResponse(answer.status, answer.headers, Buffer.from(answer.body, 'base64'), answer.summary);
  }

  /** Sends a request and records what it came to, an answer or a transport failure, for other checks to judge. */
  private async record(url: string, request: RequestOptions, sentBy: string): Promise<Recorded> {
    const exchanges: Exchange[] = [];
    try {
      const response = await this.requestInto(url, request, exchanges);
      const { status, headers, body, summary } = response;
      return { sentBy, exchanges, answer: { status, headers, body: body.toString('base64'), summary } };
    } catch (error) {
      if (!(error instanceof TransportError)) throw error;
      return { sentBy, exchanges, failure: { request: error.request, reason: error.reason, ms: error.ms } };
    }
  }

  private operation(operationId: string) {
    const operation = this.spec.operations.get(operationId);
    if (!operation) throw new Error(`the spec has no operation ${operationId}`);
    return operation;
  }
}
