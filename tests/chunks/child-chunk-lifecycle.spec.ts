// The child-chunk lifecycle: rows in child-chunk-lifecycle.checks.yaml. Every write is read back
// through List Child Chunks, walked page by page.
import { expectJson, expectObject, expectSchema, expectStatus } from '../../src/assertions';
import { type CheckArgs, checksOf, type Template } from '../../src/checks';
import { uniqueWords } from '../../src/chunks';
import { createTextDocument, waitIndexed } from '../../src/documents';
import { test } from '../../src/fixtures';
import type { HttpResponse } from '../../src/http';
import { TEXT_INDEXED } from '../../src/scratch-documents';
import { documentedAnswer, noteFieldsSeen } from '../../src/templates/response';
import { claim, show, skipCheck } from '../../src/violation';

const PARENT_CHILD = 'createDocumentFromText/parent-child/child-chunks';
const CREATE = 'createChildChunk/response/schema';
const LIST = 'getChildChunks/response/schema';
const LISTED = 'getChildChunks/shows-created';

/** Two paragraphs (parent chunks) of two lines (child chunks) each. */
const TEXT =
  'First parent, first child.\nFirst parent, second child.\n\nSecond parent, first child.\nSecond parent, second child.\n';

/** Dify's parent-child rules: parents split on blank lines, children on line breaks. */
const PROCESS_RULE = {
  mode: 'hierarchical',
  rules: {
    pre_processing_rules: [{ id: 'remove_extra_spaces', enabled: true }],
    segmentation: { separator: '\n\n', max_tokens: 500 },
    parent_mode: 'paragraph',
    subchunk_segmentation: { separator: '\n', max_tokens: 200 },
  },
};

interface Parent {
  dataset_id: string;
  document_id: string;
  segment_id: string;
}

/**
 * The first chunk of a new parent-child document, held to the parent-child claim: the document's
 * chunks each have child chunks. In a knowledge base of the check's own (see the catalog).
 */
async function parentChunk(args: CheckArgs, purpose: string): Promise<Parent> {
  if (args.target.kind === 'live' && args.settings.scratchIndexing !== 'high_quality') {
    skipCheck(
      'Dify splits and removes child chunks through the embedding model an economy knowledge base lacks: ' +
        'set CONFORMANCE_SCRATCH_INDEXING=high_quality on a target with an embedding model',
    );
  }
  const dataset = await args.given('createDataset/response/schema', () =>
    args.scratch.dataset(purpose, { indexing_technique: 'high_quality' }),
  );
  // Deleted with its knowledge base when the check ends.
  const file = { name: `${dataset.name}.txt`, bytes: Buffer.from(TEXT) };
  const extra = { indexing_technique: 'high_quality', doc_form: 'hierarchical_model', process_rule: PROCESS_RULE };
  const doc = await args.given(PARENT_CHILD, () => createTextDocument(args.api, dataset.id, file, extra));
  await args.given(TEXT_INDEXED, () => waitIndexed(args.api, doc, args.settings.indexingTimeoutMs));
  const params = { dataset_id: dataset.id, document_id: doc.id };
  const { response, body } = await args.given('listSegments/response/schema', () =>
    documentedAnswer(args, 'listSegments', { path: params }),
  );
  const chunks = (body.data ?? []) as { id?: unknown; child_chunks?: unknown[] }[];
  const bare = chunks.findIndex((chunk) => !chunk.child_chunks?.length);
  await args.given(PARENT_CHILD, async () =>
    claim(chunks.length > 0 && bare < 0, () => ({
      expected: 'chunks that each have child chunks',
      actual: chunks.length ? `chunk ${show(chunks[bare]?.id)} with none` : 'no chunks',
      pointer: `/data/${bare}/child_chunks`,
      request: response.summary,
    })),
  );
  return { ...params, segment_id: String(chunks[0]?.id) };
}

interface ChildChunk {
  id: string;
  content: string;
}

/** Create Child Chunk's claim: 200, valid, the child chunk of the chunk asked with the content sent. */
async function createChild(args: CheckArgs, parent: Parent): Promise<ChildChunk> {
  const content = `Child chunk of the conformance suite: ${uniqueWords(1).join(' ')}.`;
  const response = await args.api.call('createChildChunk', { ...parent }, { json: { content } });
  expectStatus(response, 200);
  const body = expectObject(expectJson(response), response);
  expectSchema(args.validators, args.validators.responseSchema('createChildChunk', 200), body, response);
  noteFieldsSeen(args, 'createChildChunk', body);
  const data = (body.data ?? {}) as { id?: unknown; segment_id?: unknown; content?: unknown };
  claim(typeof data.id === 'string' && data.segment_id === parent.segment_id && data.content === content, () => ({
    expected: `data: a child chunk of ${show(parent.segment_id)} with content ${show(content)}`,
    actual: `id ${show(data.id)}, segment_id ${show(data.segment_id)}, content ${show(data.content)}`,
    pointer: '/data',
    request: response.summary,
  }));
  return { id: data.id as string, content };
}

/** A new child chunk of a parent-child document's chunk, or blocked by the checks that say why it cannot be had. */
async function created(args: CheckArgs, purpose: string): Promise<{ parent: Parent; child: ChildChunk }> {
  const parent = await parentChunk(args, purpose);
  return { parent, child: await args.given(CREATE, () => createChild(args, parent)) };
}

/** The shows-created claim: List Child Chunks, `limit` a page, lists the child chunk with its content. */
async function expectListed(args: CheckArgs, parent: Parent, child: ChildChunk, limit: number): Promise<void> {
  const { items, total, response } = await listAll(args, parent, limit);
  const found = items.find((item) => item.id === child.id);
  // Pages that repeat or skip child chunks are the pagination walk's finding, not this one's.
  const distinct = new Set(items.map((item) => item.id)).size;
  await args.given('getChildChunks/pagination/walk', async () =>
    claim(distinct === items.length && distinct === total, () => ({
      expected: `pages that hold the ${show(total)} child chunks once each`,
      actual: `${items.length} item(s), ${distinct} distinct`,
      request: response.summary,
    })),
  );
  claim(found?.content === child.content, () => ({
    expected: `the new child chunk ${show(child.id)} with content ${show(child.content)}`,
    actual: found ? `content ${show(found.content)}` : `${items.length} other child chunk(s) over the pages`,
    pointer: '/data',
    request: response.summary,
  }));
}

/** A new child chunk, found listed, or blocked by the checks that say why it cannot be had. */
async function listedChild(args: CheckArgs, purpose: string): Promise<{ parent: Parent; child: ChildChunk }> {
  const { parent, child } = await created(args, purpose);
  await args.given(LISTED, () => expectListed(args, parent, child, 100));
  return { parent, child };
}

interface Listed {
  items: { id?: unknown; content?: unknown }[];
  /** The total the pages gave. */
  total: unknown;
  /** The last page's answer, for the report. */
  response: HttpResponse;
}

/** Every child chunk of the chunk, `limit` a page, each page valid against the schema. */
async function listAll(args: CheckArgs, parent: Parent, limit: number): Promise<Listed> {
  const items: Listed['items'] = [];
  for (let page = 1; ; page += 1) {
    const query = { page: String(page), limit: String(limit) };
    const { response, body } = await args.given(LIST, () =>
      documentedAnswer(args, 'getChildChunks', { path: { ...parent }, query }),
    );
    items.push(...((body.data ?? []) as Listed['items']));
    const pages = Number(body.total_pages);
    claim(page < 50, () => ({
      expected: 'a last page within 50 pages',
      actual: `total_pages ${show(body.total_pages)}, total ${show(body.total)}`,
      request: response.summary,
    }));
    if (page >= pages || (body.data as unknown[] | undefined)?.length === 0)
      return { items, total: body.total, response };
  }
}

const templates: Record<string, Template> = {
  'parent-child-document': async (args) => {
    await parentChunk(args, 'parent-child');
  },

  'create-child-chunk': async (args) => {
    await createChild(args, await parentChunk(args, 'child-create'));
  },

  'list-shows-child-chunk': async (args) => {
    const { parent, child } = await created(args, 'child-list');
    await expectListed(args, parent, child, 1);
  },

  'update-child-chunk': async (args) => {
    const { parent, child } = await listedChild(args, 'child-update');
    const content = `Updated child chunk: ${uniqueWords(1).join(' ')}.`;
    const response = await args.api.call(
      'updateChildChunk',
      { ...parent, child_chunk_id: child.id },
      { json: { content } },
    );
    expectStatus(response, 200);
    const body = expectObject(expectJson(response), response);
    expectSchema(args.validators, args.validators.responseSchema('updateChildChunk', 200), body, response);
    const answered = (body.data as { content?: unknown } | undefined)?.content;
    claim(answered === content, () => ({
      expected: `the child chunk as updated, content ${show(content)}`,
      actual: `content ${show(answered)}`,
      pointer: '/data/content',
      request: response.summary,
    }));
    const listed = await listAll(args, parent, 100);
    const read = listed.items.find((item) => item.id === child.id);
    claim(read?.content === content, () => ({
      expected: `child chunk ${show(child.id)} with the content the update gave, ${show(content)}`,
      actual: read ? `content ${show(read.content)}` : 'no such child chunk listed',
      pointer: '/data',
      request: listed.response.summary,
    }));
  },

  'delete-child-chunk': async (args) => {
    const { parent, child } = await listedChild(args, 'child-delete');
    expectStatus(await args.api.call('deleteChildChunk', { ...parent, child_chunk_id: child.id }), 204);
    const listed = await listAll(args, parent, 100);
    claim(!listed.items.some((item) => item.id === child.id), () => ({
      expected: `no child chunk ${show(child.id)}: it was deleted`,
      actual: 'it is still listed',
      pointer: '/data',
      request: listed.response.summary,
    }));
  },
};

for (const check of checksOf(__filename, templates)) test(...check);
