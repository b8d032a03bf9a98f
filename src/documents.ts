// Documents the suite creates on a target (only with writes allowed): named with a recognisable
// prefix and run id, waited for with bounded polling, and deleted by prefix so nothing is left.
import { randomBytes } from 'node:crypto';
import { request } from '@playwright/test';
import { expectStatus } from './assertions';
import type { Settings } from './config';
import { ApiClient, type HttpResponse, Throttle } from './http';
import { backoff } from './polling';
import { Redactor } from './redact';
import { loadSpec } from './spec';
import { claim, show } from './violation';

/** Every document the suite creates is named `dkc-<run id>-<purpose>.txt`, and nothing else is. */
export const NAME_PREFIX = 'dkc-';
const SUITE_NAME = /^dkc-\d{14}-[0-9a-f]{6}-[a-z-]+\.txt$/;
export const RUN_ID_ENV = 'CONFORMANCE_RUN_ID';
/** Dify creates documents through a model-free index, so no embedding model needs to be set up. */
const CREATE_OPTIONS = JSON.stringify({ indexing_technique: 'economy', process_rule: { mode: 'automatic' } });

export function newRunId(): string {
  return `${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}-${randomBytes(3).toString('hex')}`;
}

export interface UploadFile {
  name: string;
  bytes: Buffer;
}

/** A small text file with known bytes (`text` unless given), so a download can be compared byte for byte. */
export function uploadFile(runId: string, purpose: string, text?: string): UploadFile {
  const name = `${NAME_PREFIX}${runId}-${purpose}.txt`;
  const bytes = Buffer.from(
    text ?? `Created by dify-knowledge-conformance, run ${runId}, for ${purpose}.\nSafe to delete: npm run cleanup.\n`,
  );
  return { name, bytes };
}

export interface CreatedDocument {
  id: string;
  /** The knowledge base it is in. */
  datasetId: string;
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
  return createdFrom(response, datasetId, file);
}

/** The new document of a create's answer: its id and batch, or a violation saying what came instead. */
function createdFrom(response: HttpResponse, datasetId: string, file: UploadFile): CreatedDocument {
  const body = response.json() as { document?: { id?: unknown }; batch?: unknown };
  const id = body.document?.id;
  const batch = body.batch;
  claim(typeof id === 'string' && typeof batch === 'string' && batch !== '', () => ({
    expected: 'document.id and batch, strings',
    actual: `document.id ${show(id)}, batch ${show(batch)}`,
    request: response.summary,
  }));
  return { id, datasetId, batch, file, response };
}

/**
 * Creates a document from text (its bytes are the text, named like an upload); `extra` adds to the
 * request, e.g. a `doc_form` and `process_rule` for parent-child chunks.
 */
export async function createTextDocument(
  api: ApiClient,
  datasetId: string,
  file: UploadFile,
  extra: Record<string, unknown> = {},
): Promise<CreatedDocument> {
  const json = { name: file.name, text: file.bytes.toString('utf8'), ...JSON.parse(CREATE_OPTIONS), ...extra };
  const response = await api.call('createDocumentFromText', { dataset_id: datasetId }, { json });
  expectStatus(response, 200);
  return createdFrom(response, datasetId, file);
}

/** Polls the batch's indexing status until the document is completed; bounded by `timeoutMs`. */
export async function waitIndexed(
  api: ApiClient,
  created: CreatedDocument,
  timeoutMs: number,
  onStatus: (body: unknown, response: HttpResponse) => void = () => undefined,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const pause = backoff();
  for (;;) {
    const response = await api.call('getDocumentIndexingStatus', {
      dataset_id: created.datasetId,
      batch: created.batch,
    });
    expectStatus(response, 200);
    const body = response.json();
    onStatus(body, response);
    const entries = (body as { data?: unknown }).data;
    claim(Array.isArray(entries), () => ({
      expected: "data, the list of the batch's documents",
      actual: `data ${show(entries)}`,
      pointer: '/data',
      request: response.summary,
    }));
    const entry = (entries as { id?: string; indexing_status?: string; error?: string | null }[]).find(
      (e) => e.id === created.id,
    );
    const status = entry?.indexing_status ?? 'absent';
    claim(status !== 'error', () => ({
      expected: `${created.file.name} indexed`,
      actual: `indexing failed: ${entry?.error ?? 'no reason given'}`,
      request: response.summary,
    }));
    if (status === 'completed') return;
    claim(Date.now() < deadline, () => ({
      expected: `${created.file.name} indexed within ${timeoutMs / 1000} s (CONFORMANCE_INDEXING_TIMEOUT)`,
      actual: `still ${show(status)}; raise CONFORMANCE_INDEXING_TIMEOUT or check the target`,
      request: response.summary,
    }));
    await pause();
  }
}

/**
 * Deletes a document, trying again while Dify refuses because it is indexing (400
 * document_indexing), until the deadline; whether it went is the answer.
 */
export async function deleteWhenIndexed(
  api: ApiClient,
  datasetId: string,
  documentId: string,
  deadline: number,
): Promise<boolean> {
  const pause = backoff();
  for (;;) {
    const answer = await api.call('deleteDocument', { dataset_id: datasetId, document_id: documentId });
    if (answer.status < 300 || answer.status === 404) return true;
    const indexing = answer.status === 400 && answer.text().includes('"document_indexing"');
    if (!indexing || Date.now() > deadline) return false;
    await pause();
  }
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
  const pause = backoff();
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
      if ((await deleteWhenIndexed(api, datasetId, doc.id, deadline)) && !deleted.includes(doc.name)) {
        deleted.push(doc.name);
      }
    }
    if (Date.now() > deadline) throw new Error(`could not delete ${found.map((d) => d.name).join(', ')} in time`);
    // A server may list a document for a moment after deleting it: list again, not at once.
    await pause();
  }
}

/** An API client outside any test (global setup, teardown, `npm run cleanup`). */
export async function standaloneClient(settings: Settings, baseUrl: string) {
  const context = await request.newContext({ ignoreHTTPSErrors: settings.insecureTls });
  const spec = await loadSpec(settings.specPath);
  const limits = { timeoutMs: settings.requestTimeoutMs, maxBodyBytes: 5 * 1024 * 1024, throttle: new Throttle(0) };
  const redactor = new Redactor(baseUrl, [settings.apiKey]);
  const api = new ApiClient(context, {
    redactor,
    evidence: [],
    limits,
    baseUrl,
    apiKey: settings.apiKey,
    spec,
    allowWrites: true,
  });
  return { api, spec, dispose: () => context.dispose() };
}
