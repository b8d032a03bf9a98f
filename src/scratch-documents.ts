// Documents the lifecycle checks write in the run's knowledge base, had as preconditions (created
// and indexed as the create and indexing checks claim), and read back through other operations:
// Get Document, and the signed download of the file behind a document.
import { createHash } from 'node:crypto';
import { expectJson, expectObject, expectSchema, expectStatus } from './assertions';
import type { CheckArgs } from './checks';
import { type CreatedDocument, waitIndexed } from './documents';
import type { HttpResponse } from './http';
import { backoff } from './polling';
import { type DocumentRef, servedFileFor, signedUrlFor } from './signed-download';
import { documentedAnswer, noteFieldsSeen } from './templates/response';
import { CheckSkipped, claim, show } from './violation';

export const CREATE_FILE = 'createDocumentFromFile/response/schema';
export const CREATE_TEXT = 'createDocumentFromText/response/schema';
export const FILE_INDEXED = 'getDocumentIndexingStatus/response/schema';
export const TEXT_INDEXED = 'getDocumentIndexingStatus/text-completes';

/** What the suite sends as a text document's doc_form, so that Get Document can be held to it. */
export const TEXT_DOC_FORM = 'text_model';

/** A create or update answer names the document `name` (`how`: where that name came from). */
function expectAnsweredName(response: HttpResponse, body: unknown, name: string, how: string): void {
  const answered = (body as { document?: { name?: unknown } } | undefined)?.document?.name;
  claim(answered === name, () => ({
    expected: `document.name ${show(name)}, ${how}`,
    actual: `document.name ${show(answered)}`,
    pointer: '/document/name',
    request: response.summary,
  }));
}

/** A create or update answer: 200, valid against the schema, naming the document `name`, with its batch. */
export function expectDocumentAnswer(
  args: CheckArgs,
  operationId: string,
  response: HttpResponse,
  name: string,
  how: string,
): Record<string, unknown> {
  expectStatus(response, 200);
  const body = expectObject(expectJson(response), response);
  expectSchema(args.validators, args.validators.responseSchema(operationId, 200), body, response);
  noteFieldsSeen(args, operationId, body);
  expectAnsweredName(response, body, name, how);
  // The schema leaves batch optional, but without it the new indexing cannot be followed.
  claim(typeof body.batch === 'string' && body.batch !== '', () => ({
    expected: 'batch, the id Get Document Indexing Status takes',
    actual: `batch ${show(body.batch)}`,
    pointer: '/batch',
    request: response.summary,
  }));
  return body;
}

/**
 * A document of the check's own created from text: answered 200 with its id and batch, named as
 * sent. That is all the checks reading it back need; the answer's other fields are the create
 * check's claim alone, so an answer off the schema elsewhere (a stock Dify's null counts) does not
 * block them, as for uploads.
 */
export async function createdText(args: CheckArgs, purpose: string, text?: string): Promise<CreatedDocument> {
  const created = await args.scratch.text(purpose, text, { doc_form: TEXT_DOC_FORM });
  expectAnsweredName(created.response, created.response.json(), created.file.name, 'as sent');
  return created;
}

/** The create-by-text claim: a document of the check's own, answered valid and named as sent. */
export async function verifiedText(args: CheckArgs, purpose: string, text?: string): Promise<CreatedDocument> {
  const created = await createdText(args, purpose, text);
  expectDocumentAnswer(args, 'createDocumentFromText', created.response, created.file.name, 'as sent');
  return created;
}

/** A document uploaded by the check, indexed: blocked by the create or indexing checks when it cannot be had. */
export async function indexedUpload(args: CheckArgs, purpose: string, text?: string): Promise<CreatedDocument> {
  const created = await args.given(CREATE_FILE, () => args.scratch.upload(purpose, text));
  await args.given(FILE_INDEXED, () => waitIndexed(args.api, created, args.settings.indexingTimeoutMs));
  return created;
}

/** A document the check created from text, indexed: blocked by the create or indexing checks when it cannot be had. */
export async function indexedText(args: CheckArgs, purpose: string, text?: string): Promise<CreatedDocument> {
  const created = await args.given(CREATE_TEXT, () => createdText(args, purpose, text));
  await args.given(TEXT_INDEXED, () => waitIndexed(args.api, created, args.settings.indexingTimeoutMs));
  return created;
}

/**
 * Get Document of a document the check wrote, in one metadata mode. A valid answer about that
 * document (found, not 404) is the claim of the mode's `created-schema` check (a new document, unlike
 * the run's, has no metadata values), its id that of the mode's id check; they block this one when
 * they do not hold.
 */
export async function detailOf(
  args: CheckArgs,
  doc: DocumentRef,
  mode: 'all' | 'only' | 'without' = 'all',
): Promise<{ response: HttpResponse; body: Record<string, unknown> }> {
  const schemaCheck = `getDocumentDetail/metadata-${mode}/created-schema`;
  // An answer the run's own document gets wrong too is the mode's schema check's finding, not this
  // document's (the run's document is read once per run where exchanges are shared). A target that
  // has no document of its own leaves nothing to compare with.
  try {
    await args.given(`getDocumentDetail/metadata-${mode}/response-schema`, () =>
      documentedAnswer(args, 'getDocumentDetail', { query: { metadata: mode } }),
    );
  } catch (error) {
    if (!(error instanceof CheckSkipped)) throw error;
  }
  // No answer at all is the schema check's finding, as is any answer but 200 and 404.
  const response = await args.given(schemaCheck, () =>
    args.api.call(
      'getDocumentDetail',
      { dataset_id: doc.datasetId, document_id: doc.id },
      { query: { metadata: mode } },
    ),
  );
  await args.given(schemaCheck, async () =>
    claim(response.status !== 404, () => ({
      expected: `the document ${show(doc.id)} the check wrote`,
      actual: `HTTP 404 with ${show(response.text(), 160)}`,
      request: response.summary,
    })),
  );
  const body = await args.given(schemaCheck, async () => {
    expectStatus(response, 200);
    const object = expectObject(expectJson(response), response);
    expectSchema(args.validators, args.validators.responseSchema('getDocumentDetail', 200), object, response);
    return object;
  });
  noteFieldsSeen(args, 'getDocumentDetail', body);
  await args.given(`getDocumentDetail/metadata-${mode}/id`, async () =>
    claim(body.id === doc.id, () => ({
      expected: `id ${show(doc.id)}, the document asked for`,
      actual: `id ${show(body.id)}`,
      pointer: '/id',
      request: response.summary,
    })),
  );
  return { response, body };
}

/** The fields whose value read back differs from the one expected, as "field: expected X, read Y". */
export function differences(expected: Record<string, unknown>, read: Record<string, unknown>): string[] {
  return Object.entries(expected)
    .filter(([field, value]) => read[field] !== value)
    .map(([field, value]) => `${field}: expected ${show(value)}, read ${show(read[field])}`);
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** The signed download of a document serves `bytes`, byte for byte; `what` says whose bytes they are. */
export async function expectDownloadServes(args: CheckArgs, doc: DocumentRef, bytes: Buffer, what: string) {
  const { url } = await signedUrlFor(args, doc);
  const file = await servedFileFor(args, url);
  const [expected, actual] = [bytes, file.body].map(sha256);
  claim(actual === expected, () => ({
    expected: `${what}: ${bytes.length} bytes (SHA-256 ${expected})`,
    actual: `${file.body.length} bytes (SHA-256 ${actual}): ${show(file.text(), 80)}`,
    request: file.summary,
  }));
}

export type StatusAction = 'enable' | 'disable' | 'archive' | 'un_archive';

/**
 * Update Document Status in Batch, tried again while the server refuses with 400 invalid_action:
 * Dify refuses any action on a document whose last one's index task still runs ("is being indexed,
 * please try again later"), for as long as ten minutes. Bounded by CONFORMANCE_INDEXING_TIMEOUT.
 */
export async function statusAction(args: CheckArgs, doc: DocumentRef, action: StatusAction): Promise<HttpResponse> {
  const deadline = Date.now() + args.settings.indexingTimeoutMs;
  const pause = backoff();
  for (;;) {
    const response = await args.api.call(
      'batchUpdateDocumentStatus',
      { dataset_id: doc.datasetId, action },
      { json: { document_ids: [doc.id] } },
    );
    const busy = response.status === 400 && response.text().includes('"invalid_action"');
    if (!busy || Date.now() > deadline) return response;
    await pause();
  }
}

/** A status action answered as documented: 200 with result `success`. */
export async function appliedAction(args: CheckArgs, doc: DocumentRef, action: StatusAction): Promise<void> {
  const response = await statusAction(args, doc, action);
  expectStatus(response, 200);
  const body = expectObject(expectJson(response), response);
  expectSchema(args.validators, args.validators.responseSchema('batchUpdateDocumentStatus', 200), body, response);
  claim(body.result === 'success', () => ({
    expected: 'result "success"',
    actual: `result ${show(body.result)}`,
    pointer: '/result',
    request: response.summary,
  }));
}
