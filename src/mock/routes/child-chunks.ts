// Child chunks of a parent-child segment: create, list, update, delete.
import { randomUUID } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { bearerAuth } from '../auth';
import { jsonBody } from '../body';
import type { Env, MockContext } from '../context';
import type { Deviation } from '../deviations';
import { difyError } from '../errors';
import { childChunkRecord } from '../fixtures/chunks';
import { findDocument } from '../lookup';
import { paginate } from '../paging';
import type { MockRecord } from '../store';
import { UUID } from './paths';
import { findSegment, SEGMENT_PATH, servedChildChunk, unixNow } from './segments';

const CHILD_CHUNKS_PATH = `${SEGMENT_PATH}/child_chunks`;
const CHILD_CHUNK_PATH = `${CHILD_CHUNKS_PATH}/:child_chunk_id{${UUID}}`;

/** The lifecycle checks that create a child chunk and read it back: each sees how creates are served. */
const CHILD_READERS = [
  'createChildChunk/*/*',
  'getChildChunks/shows-created',
  'updateChildChunk/shows-update',
  'deleteChildChunk/removes-child-chunk',
];

export const childChunkDeviations = {
  'child-chunk-list-page-as-string': {
    description: 'List Child Chunks echoes page and limit as strings',
    fails: ['getChildChunks/response/schema'],
  },
  'child-chunk-other-segment-id': {
    description: "a child chunk's segment_id names another chunk",
    fails: ['getChildChunks/ids/echo'],
  },
  'child-chunk-keyword-ignored': {
    description: 'List Child Chunks ignores keyword',
    fails: ['getChildChunks/filters/keyword'],
  },
  'child-chunk-list-without-total-pages': {
    description: 'List Child Chunks answers without total_pages',
    fails: ['getChildChunks/response/fields'],
  },
  'child-chunk-word-count-null': {
    description: "every child chunk's word_count is null, also inside its parent chunk",
    fails: ['getChildChunks/response/schema', 'listSegments/response/schema', 'getSegmentDetail/response/schema'],
  },
  // The lifecycle: writes acknowledged but not applied, or applied to the wrong chunk.
  'child-chunk-create-bare': {
    description: 'Create Child Chunk answers the child chunk itself, not {data: child chunk}',
    fails: ['createChildChunk/response/schema'],
    sees: CHILD_READERS,
  },
  'child-chunk-created-on-other-segment': {
    description: 'Create Child Chunk adds the child chunk to the next chunk of the document, not the one asked',
    fails: ['getChildChunks/shows-created'],
    sees: CHILD_READERS,
  },
  'child-chunk-update-not-applied': {
    description: 'Update Child Chunk answers with the new content but keeps the old',
    fails: ['updateChildChunk/shows-update'],
    sees: ['updateChildChunk/*/*'],
  },
  'child-chunk-delete-keeps-it': {
    description: 'Delete Child Chunk answers 204 and keeps the child chunk',
    fails: ['deleteChildChunk/removes-child-chunk'],
    sees: ['deleteChildChunk/*/*'],
  },
} satisfies Record<string, Deviation>;

/** The requested segment with its document looked up first: the parent of a child chunk operation. */
function findParent(mock: MockContext, c: Context<Env>): MockRecord | Response {
  const doc = findDocument(mock, c);
  return doc instanceof Response ? doc : findSegment(mock, c, doc);
}

/** The requested child chunk of the segment, or the answer that refuses it. */
function findChildChunk(mock: MockContext, c: Context<Env>, segment: MockRecord): MockRecord | Response {
  const child = mock.store.childChunks.get(c.req.param('child_chunk_id')?.toLowerCase() ?? '');
  if (!child || child.segmentId !== segment.id) return difyError(c, 404, 'not_found', 'Child chunk not found.');
  return child;
}

/** The new content of a create or update, or undefined when the body has none. */
async function contentOf(c: Context<Env>): Promise<string | undefined> {
  const content = (await jsonBody(c))?.content;
  return typeof content === 'string' && content.trim() !== '' ? content : undefined;
}

export function childChunkRoutes(app: Hono<Env>, mock: MockContext): void {
  const { on, store } = mock;
  const auth = bearerAuth(mock);

  /** The chunk after this one in its document, or this one when it is the last. */
  function nextSegment(segment: MockRecord): MockRecord {
    const next = [...store.segments.values()]
      .filter((s) => s.documentId === segment.documentId && Number(s.fields.position) > Number(segment.fields.position))
      .sort((a, b) => Number(a.fields.position) - Number(b.fields.position))[0];
    return next ?? segment;
  }

  app.post(CHILD_CHUNKS_PATH, auth, async (c) => {
    const segment = findParent(mock, c);
    if (segment instanceof Response) return segment;
    const content = await contentOf(c);
    if (content === undefined) return difyError(c, 400, 'invalid_param', 'content must be a non-empty string.');
    const parent = on('child-chunk-created-on-other-segment') ? nextSegment(segment) : segment;
    const siblings = [...store.childChunks.values()].filter((child) => child.segmentId === parent.id);
    const position = Math.max(0, ...siblings.map((child) => Number(child.fields.position))) + 1;
    const child = childChunkRecord(parent, randomUUID(), position, content, 'customized', unixNow(mock));
    store.childChunks.set(child.id, child);
    const served = { ...servedChildChunk(mock, child), segment_id: segment.id };
    return c.json(on('child-chunk-create-bare') ? served : { data: served });
  });

  app.get(CHILD_CHUNKS_PATH, auth, (c) => {
    const segment = findParent(mock, c);
    if (segment instanceof Response) return segment;
    const keyword = (c.req.query('keyword') ?? '').toLowerCase();
    const matching = [...store.childChunks.values()]
      .filter((child) => child.segmentId === segment.id)
      .filter(
        (child) =>
          String(child.fields.content).toLowerCase().includes(keyword) ||
          (keyword !== '' && on('child-chunk-keyword-ignored')),
      )
      .sort((a, b) => Number(a.fields.position) - Number(b.fields.position));
    const { data, total, page, limit } = paginate(mock, c, matching);
    const totalPages = on('child-chunk-list-without-total-pages') ? {} : { total_pages: Math.ceil(total / limit) };
    const echo = on('child-chunk-list-page-as-string') ? String : Number;
    return c.json({
      data: data.map((child) => ({
        ...servedChildChunk(mock, child),
        ...(on('child-chunk-other-segment-id') ? { segment_id: randomUUID() } : {}),
      })),
      total,
      ...totalPages,
      page: echo(page),
      limit: echo(limit),
    });
  });

  app.patch(CHILD_CHUNK_PATH, auth, async (c) => {
    const segment = findParent(mock, c);
    if (segment instanceof Response) return segment;
    const child = findChildChunk(mock, c, segment);
    if (child instanceof Response) return child;
    const content = await contentOf(c);
    if (content === undefined) return difyError(c, 400, 'invalid_param', 'content must be a non-empty string.');
    const changes = { content, word_count: content.length, type: 'customized', updated_at: unixNow(mock) };
    // A child chunk changed through the API is no longer the one indexing split off.
    if (on('child-chunk-update-not-applied')) return c.json({ data: { ...servedChildChunk(mock, child), ...changes } });
    Object.assign(child.fields, changes);
    return c.json({ data: servedChildChunk(mock, child) });
  });

  app.delete(CHILD_CHUNK_PATH, auth, (c) => {
    const segment = findParent(mock, c);
    if (segment instanceof Response) return segment;
    const child = findChildChunk(mock, c, segment);
    if (child instanceof Response) return child;
    // Dify removes a child chunk's vectors through the embedding model, which an economy knowledge base lacks.
    if (mock.store.datasets.get(segment.datasetId ?? '')?.fields.indexing_technique === 'economy')
      return difyError(
        c,
        400,
        'invalid_param',
        'No Embedding Model available. Please configure a valid provider in the Settings -> Model Provider.',
      );
    if (on('child-chunk-delete-keeps-it')) return c.body(null, 204);
    store.childChunks.delete(child.id);
    return c.body(null, 204);
  });
}
