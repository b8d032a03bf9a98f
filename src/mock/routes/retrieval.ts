// Retrieval: test a query against a knowledge base's segments. No embeddings here: a chunk scores the
// share of the query's words its content or keywords contain, which is enough to honour top_k and
// score_threshold the way Dify does.
import type { Hono } from 'hono';
import { bearerAuth } from '../auth';
import { jsonBody } from '../body';
import type { Env, MockContext } from '../context';
import type { MockDataset } from '../data';
import type { Deviation } from '../deviations';
import { difyError } from '../errors';
import { findDataset } from '../lookup';
import type { MockRecord } from '../store';
import { DATASET_PATH } from './paths';

/** The checks that search chunks they wrote: each sees how those are found. */
const RETRIEVE_READERS = [
  'retrieveSegments/finds-chunk',
  'retrieveSegments/only-this-dataset',
  'retrieveSegments/best-first',
];

export const retrievalDeviations = {
  'retrieve-body-before-dataset': {
    description: 'Retrieve validates the body before looking up the knowledge base: no query answers 400 everywhere',
    fails: ['retrieveSegments/errors/unknown-dataset', 'retrieveSegments/errors/api-disabled-dataset'],
  },
  'retrieve-unknown-dataset-500': {
    description: 'Retrieve from an unknown knowledge base crashes with 500',
    fails: ['retrieveSegments/errors/unknown-dataset'],
  },
  'retrieve-empty-query-200': {
    description: 'Retrieve with an empty query answers 200 with no records',
    fails: ['retrieveSegments/errors/empty-query'],
  },
  // Searches of chunks the checks wrote.
  'retrieve-misses-new-chunks': {
    description:
      'Retrieve searches only the chunks a knowledge base had when the server started, not the ones written since',
    fails: ['retrieveSegments/finds-chunk'],
    sees: RETRIEVE_READERS,
  },
  'retrieve-other-dataset-records': {
    description: 'Retrieve searches every knowledge base of the workspace, not just the one asked',
    fails: ['retrieveSegments/only-this-dataset'],
    sees: RETRIEVE_READERS,
  },
  'retrieve-best-not-first': {
    description: 'Retrieve returns its records worst first',
    fails: ['retrieveSegments/best-first'],
    sees: RETRIEVE_READERS,
  },
} satisfies Record<string, Deviation>;

/** The contract's bound on the query. */
const MAX_QUERY = 250;
const SEARCH_METHODS = ['keyword_search', 'semantic_search', 'full_text_search', 'hybrid_search'];

interface Settings {
  topK: number;
  /** The lowest score kept, when the threshold is enabled. */
  threshold?: number;
}

/** The retrieval settings of a request, its knowledge base's when it names none; a string says what is invalid. */
function settingsOf(model: unknown, dataset: MockDataset): Settings | string {
  const economy = dataset.fields.indexing_technique === 'economy';
  const own = dataset.fields.retrieval_model_dict as Record<string, unknown>;
  if (model === undefined || model === null) return { topK: Number(own.top_k) };
  if (typeof model !== 'object' || Array.isArray(model)) return 'retrieval_model must be an object.';
  const m = model as Record<string, unknown>;
  if (!SEARCH_METHODS.includes(String(m.search_method))) return 'retrieval_model.search_method is invalid.';
  // Dify's vector and full-text searches need the embedding model an economy knowledge base has none of.
  if (economy && m.search_method !== 'keyword_search')
    return 'No Embedding Model available. Please configure a valid provider in the Settings -> Model Provider.';
  if (typeof m.reranking_enable !== 'boolean') return 'retrieval_model.reranking_enable must be a boolean.';
  if (!Number.isInteger(m.top_k) || Number(m.top_k) < 1) return 'retrieval_model.top_k must be a positive integer.';
  if (typeof m.score_threshold_enabled !== 'boolean')
    return 'retrieval_model.score_threshold_enabled must be a boolean.';
  if (m.score_threshold !== undefined && m.score_threshold !== null && typeof m.score_threshold !== 'number') {
    return 'retrieval_model.score_threshold must be a number.';
  }
  const threshold = m.score_threshold_enabled ? Number(m.score_threshold ?? 0) : undefined;
  return { topK: Number(m.top_k), ...(threshold === undefined ? {} : { threshold }) };
}

const wordsOf = (text: string) => [...new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])];

/** The share of the query's words found in the text or keywords, to four places. */
function scoreOf(words: string[], content: string, keywords: unknown[] = []): number {
  if (words.length === 0) return 0;
  const haystack = [content, ...keywords.map(String)].join(' ').toLowerCase();
  return Math.round((words.filter((word) => haystack.includes(word)).length / words.length) * 10_000) / 10_000;
}

const SEGMENT_FIELDS = [
  'id',
  'position',
  'document_id',
  'content',
  'sign_content',
  'answer',
  'word_count',
  'tokens',
  'keywords',
  'index_node_id',
  'index_node_hash',
  'hit_count',
  'enabled',
  'disabled_at',
  'disabled_by',
  'status',
  'created_by',
  'created_at',
  'indexing_at',
  'completed_at',
  'error',
  'stopped_at',
];

export function retrievalRoutes(app: Hono<Env>, mock: MockContext): void {
  const { on, store } = mock;
  /** The fixtures' chunks: the only ones a deviation searches. */
  const seeded = new Set(store.segments.keys());

  /** The document of a hit, in brief: its metadata as values by field name, null when it has none. */
  function documentOf(segment: MockRecord): Record<string, unknown> {
    const doc = store.documents.get(segment.documentId ?? '');
    const fields = doc ? store.current(doc) : {};
    const entries = (fields.doc_metadata ?? []) as { name: string; value: unknown }[];
    return {
      id: segment.documentId,
      data_source_type: fields.data_source_type,
      name: fields.name,
      doc_type: fields.doc_type ?? null,
      doc_metadata: entries.length ? Object.fromEntries(entries.map((entry) => [entry.name, entry.value])) : null,
    };
  }

  /** Chunks retrieval may return: enabled and indexed, in an enabled and indexed document. */
  function searchable(dataset: MockDataset): MockRecord[] {
    // Only a search of chunks written since the start consults the deviation, so other checks cannot see it.
    const written = [...store.segments.values()].some((s) => s.datasetId === dataset.id && !seeded.has(s.id));
    const datasetIds = written && on('retrieve-other-dataset-records') ? [...store.datasets.keys()] : [dataset.id];
    return [...store.segments.values()].filter((segment) => {
      const doc = store.documents.get(segment.documentId ?? '');
      if (!doc || !datasetIds.includes(segment.datasetId ?? '')) return false;
      if (!seeded.has(segment.id) && on('retrieve-misses-new-chunks')) return false;
      const current = store.current(doc);
      return (
        segment.fields.enabled === true &&
        segment.fields.status === 'completed' &&
        current.enabled === true &&
        current.indexing_status === 'completed'
      );
    });
  }

  app.post(`${DATASET_PATH}/retrieve`, bearerAuth(mock), async (c) => {
    const body = await jsonBody(c);
    const query = body?.query;
    const invalid =
      typeof query !== 'string' || (query.trim() === '' && !(query === '' && on('retrieve-empty-query-200')))
        ? 'Query is required'
        : query.length > MAX_QUERY
          ? `Query cannot exceed ${MAX_QUERY} characters`
          : undefined;
    if (invalid && on('retrieve-body-before-dataset')) return difyError(c, 400, 'invalid_param', invalid);
    const dataset = findDataset(mock, c, c.get('tenantId'));
    if (dataset instanceof Response) {
      if (dataset.status === 404 && on('retrieve-unknown-dataset-500')) {
        return difyError(c, 500, 'internal_server_error', "'NoneType' object has no attribute 'tenant_id'");
      }
      return dataset;
    }
    if (invalid || typeof query !== 'string') return difyError(c, 400, 'invalid_param', invalid ?? 'Query is required');
    const settings = settingsOf(body?.retrieval_model, dataset);
    if (typeof settings === 'string') return difyError(c, 400, 'invalid_param', settings);
    const words = wordsOf(query);
    const hits = searchable(dataset)
      .map((segment) => ({
        segment,
        score: scoreOf(words, String(segment.fields.content), segment.fields.keywords as unknown[]),
      }))
      .filter(({ score }) => score > 0 && (settings.threshold === undefined || score >= settings.threshold))
      .sort((a, b) => b.score - a.score || Number(a.segment.fields.position) - Number(b.segment.fields.position))
      .slice(0, settings.topK);
    if (hits.some(({ segment }) => !seeded.has(segment.id)) && on('retrieve-best-not-first')) hits.reverse();
    const records = hits.map(({ segment, score }) => {
      // Retrieval counts as a hit, as in Dify.
      segment.fields.hit_count = Number(segment.fields.hit_count) + 1;
      const fields = Object.fromEntries(SEGMENT_FIELDS.map((field) => [field, segment.fields[field]]));
      const childChunks = [...store.childChunks.values()]
        .filter((child) => child.segmentId === segment.id)
        .map((child) => ({
          id: child.id,
          content: child.fields.content,
          position: child.fields.position,
          score: scoreOf(words, String(child.fields.content)),
        }))
        .filter((child) => child.score > 0)
        .sort((a, b) => b.score - a.score);
      return {
        segment: { ...fields, document: documentOf(segment) },
        child_chunks: childChunks,
        score,
        tsne_position: null,
        files: [],
        summary: null,
      };
    });
    return c.json({ query: { content: query }, records });
  });
}
