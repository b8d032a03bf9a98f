// Chunks the lifecycle checks create: in a document of the suite's own, indexed first, as Dify
// refuses chunks for a document still indexing (404 "Document is not completed.").
import { randomBytes } from 'node:crypto';
import { expectJson, expectObject, expectSchema, expectStatus } from './assertions';
import type { CheckArgs } from './checks';
import { type CreatedDocument, waitIndexed } from './documents';
import { noteFieldsSeen } from './templates/response';
import { claim, show } from './violation';

export const CREATE_DOCUMENT = 'createDocumentFromFile/response/schema';
export const INDEXING = 'getDocumentIndexingStatus/response/schema';
export const CREATE_CHUNKS = 'createSegments/response/schema';

/** A document uploaded to the run's knowledge base and indexed, or the check is blocked by the checks that say why not. */
export async function indexedDocument(args: CheckArgs, purpose: string, text?: string): Promise<CreatedDocument> {
  const created = await args.given(CREATE_DOCUMENT, () => args.scratch.upload(purpose, text));
  await args.given(INDEXING, () => waitIndexed(args.api, created, args.settings.indexingTimeoutMs));
  return created;
}

/**
 * Words no other chunk holds: letters only, so that Dify's keyword extraction keeps each one whole
 * and a search for them can find nothing else.
 */
export function uniqueWords(count: number): string[] {
  const letters = [...randomBytes(count * 6)].map((byte) => String.fromCharCode(97 + (byte % 26))).join('');
  return Array.from({ length: count }, (_, i) => `dkc${letters.slice(i * 6, i * 6 + 6)}`);
}

export interface ChunkSent {
  content: string;
  keywords: string[];
}

export interface CreatedChunk extends ChunkSent {
  id: string;
}

/** The path parameters of a document's chunk operations. */
export const documentParams = (doc: CreatedDocument) => ({ dataset_id: doc.datasetId, document_id: doc.id });

/**
 * Create Chunks' claim: 200, valid against the schema, and a chunk for each sent, in order, with
 * the content and keywords sent. Returns the chunks with their ids.
 */
export async function createChunks(args: CheckArgs, doc: CreatedDocument, sent: ChunkSent[]): Promise<CreatedChunk[]> {
  const response = await args.api.call('createSegments', documentParams(doc), { json: { segments: sent } });
  expectStatus(response, 200);
  const body = expectObject(expectJson(response), response);
  expectSchema(args.validators, args.validators.responseSchema('createSegments', 200), body, response);
  noteFieldsSeen(args, 'createSegments', body);
  const data = (body.data ?? []) as { id?: unknown; content?: unknown; keywords?: unknown }[];
  claim(data.length === sent.length, () => ({
    expected: `${sent.length} chunks, one for each sent`,
    actual: `${data.length}`,
    pointer: '/data',
    request: response.summary,
  }));
  return sent.map((chunk, index) => {
    const answered = data[index];
    const wrong = differences(chunk, answered ?? {});
    claim(wrong.length === 0 && typeof answered?.id === 'string', () => ({
      expected: `chunk ${index} with id, content ${show(chunk.content)} and keywords ${show(chunk.keywords)}, as sent`,
      actual: wrong.join('; ') || `id ${show(answered?.id)}`,
      pointer: `/data/${index}`,
      request: response.summary,
    }));
    return { ...chunk, id: answered.id as string };
  });
}

/** How a chunk as read differs from what was written, as "field: wrote X, read Y"; keywords in any order. */
export function differences(sent: Partial<ChunkSent>, read: { content?: unknown; keywords?: unknown }): string[] {
  const wrong: string[] = [];
  if (sent.content !== undefined && read.content !== sent.content)
    wrong.push(`content: wrote ${show(sent.content)}, read ${show(read.content)}`);
  const keywords = Array.isArray(read.keywords) ? [...read.keywords].map(String).sort() : read.keywords;
  if (sent.keywords !== undefined && JSON.stringify(keywords) !== JSON.stringify([...sent.keywords].sort()))
    wrong.push(`keywords: wrote ${show(sent.keywords)}, read ${show(read.keywords)}`);
  return wrong;
}
