// The chunk lifecycle: rows in chunk-lifecycle.checks.yaml. Every check reads back through another
// operation than the one that wrote, and says what was written and what came back.
import { expectDifyError, expectJson, expectObject, expectSchema, expectStatus } from '../../src/assertions';
import { type CheckArgs, checksOf, type Template } from '../../src/checks';
import {
  type ChunkSent,
  CREATE_CHUNKS,
  type CreatedChunk,
  createChunks,
  differences,
  documentParams,
  indexedDocument,
  uniqueWords,
} from '../../src/chunks';
import type { CreatedDocument } from '../../src/documents';
import { test } from '../../src/fixtures';
import { caseOf } from '../../src/templates/common';
import { type Answer, documentedAnswer, noteFieldsSeen } from '../../src/templates/response';
import { claim, show } from '../../src/violation';

const UPDATE = 'updateSegment/response/schema';

/** Two chunks to create, with words of their own as content and keywords. */
function chunksToSend(): ChunkSent[] {
  return [0, 1].map((n) => {
    const words = uniqueWords(2);
    return { content: `Chunk ${n + 1} of the conformance suite: ${words.join(' ')}.`, keywords: words };
  });
}

interface Created {
  doc: CreatedDocument;
  chunks: CreatedChunk[];
}

/** A document of the check's own with two new chunks, or blocked by the checks that say why they cannot be had. */
async function created(args: CheckArgs, purpose: string): Promise<Created> {
  const doc = await indexedDocument(args, purpose);
  const chunks = await args.given(CREATE_CHUNKS, () => createChunks(args, doc, chunksToSend()));
  return { doc, chunks };
}

const chunkParams = (doc: CreatedDocument, chunk: CreatedChunk) => ({ ...documentParams(doc), segment_id: chunk.id });

/** Get Chunk's answer for a chunk, valid against the schema, or blocked by the check that says it is not. */
const detailOf = (args: CheckArgs, doc: CreatedDocument, chunk: CreatedChunk): Promise<Answer> =>
  args.given('getSegmentDetail/response/schema', () =>
    documentedAnswer(args, 'getSegmentDetail', { path: chunkParams(doc, chunk) }),
  );

/** Changes a chunk's content through Update Chunk and holds its answer to the update's claim; returns what was sent. */
async function update(args: CheckArgs, doc: CreatedDocument, chunk: CreatedChunk): Promise<Partial<ChunkSent>> {
  const sent = { content: `Updated by the conformance suite: ${uniqueWords(2).join(' ')}.` };
  const response = await args.api.call('updateSegment', chunkParams(doc, chunk), { json: { segment: sent } });
  expectStatus(response, 200);
  const body = expectObject(expectJson(response), response);
  expectSchema(args.validators, args.validators.responseSchema('updateSegment', 200), body, response);
  noteFieldsSeen(args, 'updateSegment', body);
  const wrong = differences(sent, (body.data ?? {}) as Record<string, unknown>);
  claim(wrong.length === 0, () => ({
    expected: `the chunk as updated, content ${show(sent.content)}`,
    actual: wrong.join('; '),
    pointer: '/data',
    request: response.summary,
  }));
  return sent;
}

/** Changes Update Chunk would make to a chunk it must refuse. */
const refusedUpdate = () => ({
  json: { segment: { content: `Changed through another document: ${uniqueWords(1).join(' ')}.` } },
});

const templates: Record<string, Template> = {
  'create-chunks': async (args) => {
    const doc = await indexedDocument(args, 'chunk-create');
    await createChunks(args, doc, chunksToSend());
  },

  'detail-shows-created': async (args) => {
    const { doc, chunks } = await created(args, 'chunk-read');
    for (const chunk of chunks) {
      const { response, body } = await detailOf(args, doc, chunk);
      const wrong = differences(chunk, (body.data ?? {}) as Record<string, unknown>);
      claim(wrong.length === 0, () => ({
        expected: `the chunk as created: content ${show(chunk.content)}, keywords ${show(chunk.keywords)}`,
        actual: wrong.join('; '),
        pointer: '/data',
        request: response.summary,
      }));
    }
  },

  'list-shows-created': async (args) => {
    const { doc, chunks } = await created(args, 'chunk-list');
    const { response, body } = await args.given('listSegments/response/schema', () =>
      documentedAnswer(args, 'listSegments', { path: documentParams(doc), query: { limit: '100' } }),
    );
    const items = (body.data ?? []) as { id?: unknown; content?: unknown; keywords?: unknown; position?: unknown }[];
    const listed = chunks.map((chunk) => items.findIndex((item) => item.id === chunk.id));
    claim(
      listed.every((at) => at >= 0),
      () => ({
        expected: `the new chunks ${chunks.map((chunk) => show(chunk.id)).join(', ')}`,
        actual: `${items.length} item(s), ids ${show(items.map((item) => item.id))}`,
        pointer: '/data',
        request: response.summary,
      }),
    );
    claim(
      listed.every((at, n) => n === 0 || at > (listed[n - 1] ?? 0)),
      () => ({
        expected: 'the new chunks in the order they were created, by position',
        actual: `at /data/${listed.join(', /data/')}`,
        pointer: '/data',
        request: response.summary,
      }),
    );
    for (const [n, chunk] of chunks.entries()) {
      const wrong = differences(chunk, items[listed[n] ?? 0] ?? {});
      claim(wrong.length === 0, () => ({
        expected: `chunk ${show(chunk.id)} as created: content ${show(chunk.content)}, keywords ${show(chunk.keywords)}`,
        actual: wrong.join('; '),
        pointer: `/data/${listed[n]}`,
        request: response.summary,
      }));
    }
  },

  'update-chunk': async (args) => {
    const { doc, chunks } = await created(args, 'chunk-update');
    await update(args, doc, chunks[0] as CreatedChunk);
  },

  'detail-shows-update': async (args) => {
    const { doc, chunks } = await created(args, 'chunk-reupdate');
    const chunk = chunks[0] as CreatedChunk;
    const sent = await args.given(UPDATE, () => update(args, doc, chunk));
    const { response, body } = await detailOf(args, doc, chunk);
    const wrong = differences(sent, (body.data ?? {}) as Record<string, unknown>);
    claim(wrong.length === 0, () => ({
      expected: `what the update sent: content ${show(sent.content)}`,
      actual: wrong.join('; '),
      pointer: '/data',
      request: response.summary,
    }));
  },

  'update-disabled-chunk': async (args) => {
    const { doc, chunks } = await created(args, 'chunk-disabled');
    const params = chunkParams(doc, chunks[0] as CreatedChunk);
    await args.given(UPDATE, async () =>
      expectStatus(await args.api.call('updateSegment', params, { json: { segment: { enabled: false } } }), 200),
    );
    const content = `Changed while disabled: ${uniqueWords(1).join(' ')}.`;
    const response = await args.api.call('updateSegment', params, { json: { segment: { content } } });
    expectDifyError(args.validators, 'updateSegment', response, 400, 'invalid_param');
  },

  'delete-chunk': async (args) => {
    const { doc, chunks } = await created(args, 'chunk-delete');
    const params = chunkParams(doc, chunks[0] as CreatedChunk);
    expectStatus(await args.api.call('deleteSegment', params), 204);
    const after = await args.api.call('getSegmentDetail', params);
    claim(after.status === 404, () => ({
      expected: 'HTTP 404 for the deleted chunk',
      actual:
        after.status === 200 ? 'HTTP 200: it is still there' : `HTTP ${after.status} with ${show(after.text(), 160)}`,
      request: after.summary,
    }));
  },

  'invalid-chunks': async (args) => {
    const doc = await indexedDocument(args, 'chunk-invalid');
    const { segments } = caseOf<{ segments: unknown[] }>(args);
    const response = await args.api.call('createSegments', documentParams(doc), { json: { segments } });
    expectDifyError(args.validators, 'createSegments', response, 400, 'invalid_param');
  },

  // The other document is of the check's own too, in the same knowledge base: only the chunk's document differs.
  'other-document-chunk': async (args) => {
    const { doc, chunks } = await created(args, 'chunk-owner');
    const chunk = chunks[0] as CreatedChunk;
    const other = await indexedDocument(args, 'chunk-other-document');
    const operation = args.def.operation;
    const options = operation === 'updateSegment' ? refusedUpdate() : {};
    const response = await args.api.call(operation, chunkParams(other, chunk), options);
    expectDifyError(args.validators, operation, response, 404, 'not_found');
    if (operation === 'getSegmentDetail') return;
    const after = await args.api.call('getSegmentDetail', chunkParams(doc, chunk));
    const read = (after.json() as { data?: Record<string, unknown> } | undefined)?.data;
    const wrong =
      after.status === 200 && read ? differences({ content: chunk.content }, read) : [`HTTP ${after.status}`];
    claim(wrong.length === 0, () => ({
      expected: `chunk ${show(chunk.id)} still in its own document, content ${show(chunk.content)}`,
      actual: wrong.join('; '),
      request: after.summary,
    }));
  },
};

for (const check of checksOf(__filename, templates)) test(...check);
