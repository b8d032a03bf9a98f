// Chunks (segments) of a document: create, list, read, update, delete.
import { randomUUID } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { bearerAuth } from '../auth';
import { jsonBody } from '../body';
import type { Env, MockContext } from '../context';
import type { MockDocument } from '../data';
import { MOCK_IDS } from '../data';
import type { Deviation } from '../deviations';
import { difyError } from '../errors';
import { chunkAuthor, contentHash, segmentRecord, splitIntoChildren } from '../fixtures/chunks';
import { findDocument } from '../lookup';
import { paginate } from '../paging';
import type { MockRecord } from '../store';
import { DOCUMENT_PATH, UUID } from './paths';

export const SEGMENTS_PATH = `${DOCUMENT_PATH}/segments`;
export const SEGMENT_PATH = `${SEGMENTS_PATH}/:segment_id{${UUID}}`;

/** The lifecycle checks that create chunks and read them back: each sees how creates are served. */
const SEGMENT_READERS = [
  'createSegments/*/*',
  'getSegmentDetail/shows-created',
  'getSegmentDetail/shows-update',
  'listSegments/shows-created',
  'updateSegment/*/*',
  'deleteSegment/removes-segment',
  'retrieveSegments/*/*',
  '*/errors/other-document-chunk',
];
const UPDATE_READERS = ['updateSegment/*/*', 'getSegmentDetail/shows-update'];

export const segmentDeviations = {
  'unknown-segment-500': {
    description: 'an unknown chunk crashes with 500',
    // A deleted chunk is an unknown one: the delete check reads it back.
    fails: ['*/errors/unknown-segment', '*/errors/other-document-chunk', 'deleteSegment/removes-segment'],
    sees: ['getSegmentDetail/errors/no-leaks', 'getChildChunks/errors/no-leaks'],
  },
  'segment-empty-keywords-null': {
    description: 'a chunk without keywords has keywords null instead of an empty list',
    fails: ['listSegments/response/schema'],
  },
  'segment-timestamps-iso': {
    description: "a chunk's created_at and updated_at are ISO 8601 strings, not Unix seconds",
    fails: ['listSegments/response/schema', 'getSegmentDetail/response/schema', 'createSegments/response/schema'],
  },
  'segment-detail-without-doc-form': {
    description: 'Get Chunk answers without doc_form',
    fails: ['getSegmentDetail/response/fields'],
  },
  'segment-keyword-ignored': {
    description: 'List Chunks ignores keyword',
    fails: ['listSegments/filters/keyword'],
  },
  'segment-status-ignored': {
    description: 'List Chunks ignores status',
    fails: ['listSegments/filters/status'],
  },
  'segment-other-document-id': {
    description: "a chunk's document_id names the knowledge base's other document",
    fails: ['listSegments/ids/echo', 'getSegmentDetail/ids/echo'],
    sees: ['listSegments/*/*', 'getSegmentDetail/*/*', ...SEGMENT_READERS],
  },
  'other-document-segment-served': {
    description:
      "a chunk named under another document of its workspace is served as if it were that document's: read, updated, deleted",
    fails: ['*/errors/other-document-chunk'],
    sees: ['*/errors/other-document-chunk'],
  },
  'segment-create-empty-accepted': {
    description: 'Create Chunks answers 200 with no chunks for segments: []',
    fails: ['createSegments/errors/no-chunks'],
    sees: ['createSegments/errors/*'],
  },
  'segment-create-error-without-code': {
    description: 'Create Chunks refuses a body its payload model rejects with {"error": …}, without code or status',
    fails: ['createSegments/errors/no-chunks', 'createSegments/errors/empty-content'],
    sees: ['createSegments/errors/*'],
  },
  'segment-list-below-minimum-served': {
    description:
      'List Chunks serves limit=0 and page=0 (below the minimum of 1) with the default in their place, and echoes the 0',
    fails: [],
    warns: ['listSegments/errors/limit-zero', 'listSegments/errors/page-zero'],
    sees: ['listSegments/errors/limit-zero', 'listSegments/errors/page-zero'],
  },
  'segment-list-without-total': {
    description: 'List Chunks answers without total',
    fails: ['listSegments/response/fields'],
  },
  // The lifecycle: writes acknowledged but not applied, or applied wrongly.
  'segment-create-answers-one': {
    description: 'Create Chunks creates every chunk sent but answers only the first',
    fails: ['createSegments/response/schema'],
    sees: SEGMENT_READERS,
  },
  'segment-create-drops-keywords': {
    description: 'Create Chunks answers with the keywords sent but stores the chunks without them',
    fails: ['getSegmentDetail/shows-created', 'listSegments/shows-created'],
    sees: SEGMENT_READERS,
  },
  'segment-list-hides-new': {
    description: 'List Chunks leaves out chunks made by Create Chunks',
    fails: ['listSegments/shows-created'],
    sees: ['listSegments/shows-created'],
  },
  'segment-update-answers-old': {
    description: 'Update Chunk stores the update but answers the chunk as it was',
    fails: ['updateSegment/response/schema'],
    sees: UPDATE_READERS,
  },
  'segment-update-not-applied': {
    description: 'Update Chunk answers with the new content but keeps the old',
    fails: ['getSegmentDetail/shows-update'],
    sees: UPDATE_READERS,
  },
  'segment-update-disabled-accepted': {
    description: "Update Chunk changes a disabled chunk's content",
    fails: ['updateSegment/errors/disabled-segment'],
    sees: UPDATE_READERS,
  },
  'segment-delete-keeps-it': {
    description: 'Delete Chunk answers 204 and keeps the chunk',
    fails: ['deleteSegment/removes-segment'],
    sees: ['deleteSegment/*/*'],
  },
} satisfies Record<string, Deviation>;

export const unixNow = (mock: MockContext) => Math.floor(mock.now() / 1000);

const isStringList = (value: unknown) => Array.isArray(value) && value.every((item) => typeof item === 'string');

/** The requested chunk of the document, or the answer that refuses it. */
export function findSegment(mock: MockContext, c: Context<Env>, doc: MockDocument): MockRecord | Response {
  const { datasets, segments } = mock.store;
  const segment = segments.get(c.req.param('segment_id')?.toLowerCase() ?? '');
  // Dify looks a chunk up by id and workspace only; the deviation is consulted only for such a chunk.
  const workspaceOf = (datasetId = '') => datasets.get(datasetId)?.tenantId;
  const served =
    segment?.documentId === doc.id ||
    (segment !== undefined &&
      workspaceOf(segment.datasetId) === workspaceOf(doc.datasetId) &&
      mock.on('other-document-segment-served'));
  if (!segment || !served) {
    if (mock.on('unknown-segment-500'))
      return difyError(c, 500, 'internal_server_error', "'NoneType' object has no attribute 'id'");
    return difyError(c, 404, 'not_found', 'Segment not found.');
  }
  return segment;
}

/** The child chunks of a segment, by position, as served. */
export function childrenOf(mock: MockContext, segmentId: string): Record<string, unknown>[] {
  return [...mock.store.childChunks.values()]
    .filter((child) => child.segmentId === segmentId)
    .sort((a, b) => Number(a.fields.position) - Number(b.fields.position))
    .map((child) => servedChildChunk(mock, child));
}

export function servedChildChunk(mock: MockContext, child: MockRecord): Record<string, unknown> {
  const fields = { ...child.fields };
  if (mock.on('child-chunk-word-count-null')) fields.word_count = null;
  return fields;
}

/** A segment as the chunk operations serve it, with its child chunks. */
export function servedSegment(mock: MockContext, segment: MockRecord): Record<string, unknown> {
  const fields: Record<string, unknown> = { ...segment.fields, child_chunks: childrenOf(mock, segment.id) };
  if (mock.on('segment-other-document-id')) fields.document_id = MOCK_IDS.nonFileDocumentId;
  if ((fields.keywords as unknown[]).length === 0 && mock.on('segment-empty-keywords-null')) fields.keywords = null;
  if (mock.on('segment-timestamps-iso')) {
    for (const field of ['created_at', 'updated_at'])
      fields[field] = new Date(Number(fields[field]) * 1000).toISOString();
  }
  return fields;
}

/** The paging parameters sent as integers below their minimum of 1; any other value that is no integer means the default. */
const belowMinimum = (c: Context<Env>) =>
  (['page', 'limit'] as const).filter(
    (name) => /^[-+]?\d+$/.test(c.req.query(name) ?? '') && Number(c.req.query(name)) < 1,
  );

const docForm = (mock: MockContext, doc: MockDocument) => String(mock.store.current(doc).doc_form);

export function segmentRoutes(app: Hono<Env>, mock: MockContext): void {
  const { on, store } = mock;
  const auth = bearerAuth(mock);
  /** Chunks made by Create Chunks, which a deviation leaves out of the list. */
  const madeByCreate = new Set<string>();

  app.post(SEGMENTS_PATH, auth, async (c) => {
    const doc = findDocument(mock, c);
    if (doc instanceof Response) return doc;
    const current = store.current(doc);
    if (current.indexing_status !== 'completed') return difyError(c, 404, 'not_found', 'Document is not completed.');
    if (!current.enabled) return difyError(c, 404, 'not_found', 'Document is disabled.');
    const items = (await jsonBody(c))?.segments;
    const valid =
      Array.isArray(items) &&
      items.length > 0 &&
      items.every(
        (item: Record<string, unknown>) =>
          typeof item?.content === 'string' &&
          item.content.trim() !== '' &&
          (item.answer === undefined || typeof item.answer === 'string') &&
          (item.keywords === undefined || isStringList(item.keywords)),
      );
    if (!valid) {
      const message = 'segments must be a non-empty list of chunks with content.';
      if (Array.isArray(items) && items.length === 0 && on('segment-create-empty-accepted')) {
        return c.json({ data: [], doc_form: current.doc_form });
      }
      if (on('segment-create-error-without-code')) return c.json({ error: message }, 400);
      return difyError(c, 400, 'invalid_param', message);
    }
    const at = unixNow(mock);
    const author = chunkAuthor(store);
    let position = Math.max(
      0,
      ...[...store.segments.values()].filter((s) => s.documentId === doc.id).map((s) => Number(s.fields.position)),
    );
    const created = (items as Record<string, unknown>[]).map((item) => {
      position += 1;
      const segment = segmentRecord({
        id: randomUUID(),
        datasetId: doc.datasetId,
        documentId: doc.id,
        position,
        content: String(item.content),
        keywords: on('segment-create-drops-keywords') ? [] : ((item.keywords as string[] | undefined) ?? []),
        answer: item.answer as string | undefined,
        author,
        at,
      });
      store.segments.set(segment.id, segment);
      madeByCreate.add(segment.id);
      if (current.doc_form === 'hierarchical_model') {
        // Dify splits a new parent chunk with the embedding model; without one (economy) the chunk is kept, failed.
        if (store.datasets.get(doc.datasetId)?.fields.indexing_technique === 'economy') {
          const error = 'The knowledge base index technique is not high quality!';
          Object.assign(segment.fields, { status: 'error', enabled: false, disabled_at: at, error });
        } else splitIntoChildren(store, segment, at);
      }
      const served = servedSegment(mock, segment);
      return { ...served, keywords: item.keywords ?? served.keywords };
    });
    return c.json({
      data: on('segment-create-answers-one') ? created.slice(0, 1) : created,
      doc_form: current.doc_form,
    });
  });

  app.get(SEGMENTS_PATH, auth, (c) => {
    const doc = findDocument(mock, c);
    if (doc instanceof Response) return doc;
    const below = belowMinimum(c);
    const servesBelow = below.length > 0 && on('segment-list-below-minimum-served');
    if (below.length > 0 && !servesBelow) return difyError(c, 400, 'invalid_param', `${below[0]} must be at least 1.`);
    const statuses = c.req.queries('status') ?? [];
    const keyword = (c.req.query('keyword') ?? '').toLowerCase();
    const matching = [...store.segments.values()]
      .filter((segment) => segment.documentId === doc.id)
      .filter((segment) => !(madeByCreate.has(segment.id) && on('segment-list-hides-new')))
      .filter(
        (segment) =>
          statuses.length === 0 || statuses.includes(String(segment.fields.status)) || on('segment-status-ignored'),
      )
      .filter(
        (segment) =>
          String(segment.fields.content).toLowerCase().includes(keyword) ||
          (keyword !== '' && on('segment-keyword-ignored')),
      )
      .sort((a, b) => Number(a.fields.position) - Number(b.fields.position));
    const { data, total, ...page } = paginate(mock, c, matching, { echoesAsked: true });
    if (servesBelow) {
      // As Dify 1.13.3 answers: the values asked, and has_more computed as "this page is full".
      for (const name of below) page[name] = Number(c.req.query(name));
      page.has_more = data.length === page.limit;
    }
    return c.json({
      data: data.map((segment) => servedSegment(mock, segment)),
      doc_form: docForm(mock, doc),
      ...(on('segment-list-without-total') ? {} : { total }),
      ...page,
    });
  });

  app.get(SEGMENT_PATH, auth, (c) => {
    const doc = findDocument(mock, c);
    if (doc instanceof Response) return doc;
    const segment = findSegment(mock, c, doc);
    if (segment instanceof Response) return segment;
    const form = on('segment-detail-without-doc-form') ? {} : { doc_form: docForm(mock, doc) };
    return c.json({ data: servedSegment(mock, segment), ...form });
  });

  app.post(SEGMENT_PATH, auth, async (c) => {
    const doc = findDocument(mock, c);
    if (doc instanceof Response) return doc;
    const segment = findSegment(mock, c, doc);
    if (segment instanceof Response) return segment;
    const changes = (await jsonBody(c))?.segment as Record<string, unknown> | undefined;
    const valid =
      typeof changes === 'object' &&
      changes !== null &&
      (changes.content === undefined || typeof changes.content === 'string') &&
      (changes.answer === undefined || typeof changes.answer === 'string') &&
      (changes.keywords === undefined || isStringList(changes.keywords)) &&
      (changes.enabled === undefined || typeof changes.enabled === 'boolean') &&
      (changes.summary === undefined || changes.summary === null || typeof changes.summary === 'string');
    if (!valid) return difyError(c, 400, 'invalid_param', 'segment must be an object of the fields to change.');
    const before = servedSegment(mock, segment);
    const fields = segment.fields;
    if (!fields.enabled && changes.enabled !== true && !on('segment-update-disabled-accepted')) {
      return difyError(c, 400, 'invalid_param', "Can't update disabled segment");
    }
    const at = unixNow(mock);
    const author = chunkAuthor(store);
    if (typeof changes.enabled === 'boolean') {
      Object.assign(
        fields,
        changes.enabled
          ? { enabled: true, disabled_at: null, disabled_by: null }
          : { enabled: false, disabled_at: at, disabled_by: author },
      );
    }
    const content = on('segment-update-not-applied') ? undefined : changes.content;
    if (typeof content === 'string' && content !== fields.content) {
      Object.assign(fields, {
        content,
        word_count: content.length,
        tokens: Math.ceil(content.length / 4),
        index_node_hash: contentHash(content),
      });
    }
    if (changes.answer !== undefined) fields.answer = changes.answer;
    if (changes.keywords !== undefined) fields.keywords = changes.keywords;
    if (changes.summary !== undefined) fields.summary = changes.summary;
    Object.assign(fields, { updated_at: at, updated_by: author });
    if (changes.regenerate_child_chunks === true && docForm(mock, doc) === 'hierarchical_model') {
      splitIntoChildren(store, segment, at);
    }
    const data = on('segment-update-answers-old') ? before : servedSegment(mock, segment);
    // A content the deviation did not store is answered all the same.
    if (content !== changes.content) data.content = changes.content;
    return c.json({ data, doc_form: docForm(mock, doc) });
  });

  app.delete(SEGMENT_PATH, auth, (c) => {
    const doc = findDocument(mock, c);
    if (doc instanceof Response) return doc;
    const segment = findSegment(mock, c, doc);
    if (segment instanceof Response) return segment;
    if (on('segment-delete-keeps-it')) return c.body(null, 204);
    store.segments.delete(segment.id);
    for (const child of [...store.childChunks.values()]) {
      if (child.segmentId === segment.id) store.childChunks.delete(child.id);
    }
    return c.body(null, 204);
  });
}
