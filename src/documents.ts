// Documents the suite creates on a target (only with writes allowed): named with a recognisable
// prefix and run id, waited for with bounded polling, and deleted by prefix so nothing is left.
import { randomBytes } from 'node:crypto';
import { request } from '@playwright/test';
import { expectStatus } from './assertions';
import type { Settings } from './config';
import { ApiClient, type Exchange, type HttpResponse, RateLimiter } from './http';
import { Redactor } from './redact';
import { loadSpec } from './spec';
import { claim, show } from './violation';

/** Every document the suite creates is named `dkc-<run id>-<purpose>.txt`, and nothing else is. */
export const NAME_PREFIX = 'dkc-';
const SUITE_NAME = /^dkc-\d{14}-[0-9a-f]{6}-[a-z-]+\.txt$/;
export const RUN_ID_ENV = 'CONFORMANCE_RUN_ID';
/** Dify creates documents through a model-free index, so no embedding model needs to be set up. */
const CREATE_OPTIONS = JSON.stringify({ indexing_technique: 'economy', process_rule: { mode: 'automatic' } });
const POLL_MS = 500;

export function newRunId(): string {
  return `${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}-${randomBytes(3).toString('hex')}`;
}

export interface UploadFile {
  name: string;
  bytes: Buffer;
}

/** A small text file with known bytes, so a download can be compared byte for byte. */
export function uploadFile(runId: string, purpose: string): UploadFile {
  const name = `${NAME_PREFIX}${runId}-${purpose}.txt`;
  const bytes = Buffer.from(
    `Created by dify-knowledge-conformance, run ${runId}, for ${purpose}.\nSafe to delete: npm run cleanup.\n`,
  );
  return { name, bytes };
}

export interface CreatedDocument {
  id: string;
  batch: string;
  file: UploadFile;
  /** Create Document by File's answer, for checks of its shape. */
  response: HttpResponse;
}

export async function createDocument(api: ApiClient, datasetId: string, file: UploadFile): Promise<CreatedDocument> {
  const response = await api.call(
    'createDocumentFromFile',
    { dataset_id: datasetId },
    { multipart: { file: { name: file.name, mimeType: 'text/plain', buffer: file.bytes }, data: CREATE_OPTIONS } },
  );
  expectStatus(response, 200);
  const body = response.json() as { document?: { id?: unknown }; batch?: unknown };
  const id = body.document?.id;
  const batch = body.batch;
  claim(typeof id === 'string' && typeof batch === 'string' && batch !== '', () => ({
    expected: 'document.id and batch, strings',
    actual: `document.id ${show(id)}, batch ${show(batch)}`,
    request: response.summary,
  }));
  return { id, batch, file, response };
}

/** Polls the batch's indexing status until the document is completed; bounded by `timeoutMs`. */
export async function waitIndexed(
  api: ApiClient,
  datasetId: string,
  created: CreatedDocument,
  timeoutMs: number,
  onStatus: (body: unknown, response: HttpResponse) => void = () => undefined,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'unknown';
  while (Date.now() < deadline) {
    const response = await api.call('getDocumentIndexingStatus', { dataset_id: datasetId, batch: created.batch });
    expectStatus(response, 200);
    const body = response.json();
    onStatus(body, response);
    const entries = (body as { data?: { id?: string; indexing_status?: string; error?: string | null }[] }).data ?? [];
    const entry = entries.find((e) => e.id === created.id);
    last = entry?.indexing_status ?? 'absent';
    if (last === 'completed') return;
    if (last === 'error') throw new Error(`indexing ${created.file.name} failed: ${entry?.error ?? 'no reason given'}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new Error(
    `indexing ${created.file.name} did not complete within ${timeoutMs / 1000} s (last status: ${last}); ` +
      'raise CONFORMANCE_INDEXING_TIMEOUT or check the target',
  );
}

/** Deletes the suite's documents whose name starts with `prefix` (a run's, or all runs'); returns their names. */
export async function deleteDocuments(
  api: ApiClient,
  datasetId: string,
  prefix: string,
  timeoutMs: number,
): Promise<string[]> {
  const deleted: string[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await api.call(
      'listDocuments',
      { dataset_id: datasetId },
      { query: { keyword: prefix, limit: '100' } },
    );
    expectStatus(response, 200);
    const found = ((response.json() as { data?: { id: string; name: string }[] }).data ?? []).filter(
      (d) => d.name.startsWith(prefix) && SUITE_NAME.test(d.name),
    );
    if (found.length === 0) return deleted;
    for (const doc of found) {
      const answer = await api.call('deleteDocument', { dataset_id: datasetId, document_id: doc.id });
      // Dify refuses to delete a document while it is indexing (400 document_indexing): try again.
      if (answer.status < 300 || answer.status === 404) deleted.push(doc.name);
    }
    if (Date.now() > deadline) throw new Error(`could not delete ${found.map((d) => d.name).join(', ')} in time`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** An API client outside any test (global setup, teardown, `npm run cleanup`). */
export async function standaloneClient(settings: Settings, baseUrl: string) {
  const context = await request.newContext({ ignoreHTTPSErrors: settings.insecureTls });
  const spec = await loadSpec(settings.specPath);
  const evidence: Exchange[] = [];
  const limits = { timeoutMs: settings.requestTimeoutMs, maxBodyBytes: 5 * 1024 * 1024, limiter: new RateLimiter(0) };
  const redactor = new Redactor(baseUrl, [settings.apiKey]);
  const api = new ApiClient(context, redactor, evidence, limits, baseUrl, settings.apiKey, spec, true);
  return { api, dispose: () => context.dispose() };
}
