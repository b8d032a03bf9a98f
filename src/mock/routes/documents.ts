// Document routes: Get Document (every metadata mode), List Documents, Create by File, indexing status, Delete.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Hono } from 'hono';
import { bearerAuth } from '../auth';
import type { Env, MockContext } from '../context';
import { documentFields, type MockDocument, type MockFile, uploadInfo } from '../data';
import type { Deviation } from '../deviations';
import { difyError } from '../errors';
import { transportFaults } from '../faults';
import { findDataset, findDocument } from '../lookup';
import { paginate } from '../paging';
import { DATASET_PATH, DOCUMENT_PATH } from './paths';

/** How long the mock takes to index an uploaded document. */
const INDEXING_MS = 300;
const METADATA_MODES = ['all', 'only', 'without'];
const modes = (check: string, names: string[]) => names.map((mode) => `getDocumentDetail/metadata-${mode}/${check}`);

export const documentDeviations = {
  'all-drops-doc-metadata': {
    description: 'metadata=all (and the default) leaves doc_metadata out',
    fails: modes('exact-fields', ['all', 'default']),
  },
  'default-is-without': {
    description: 'no metadata parameter behaves like metadata=without',
    fails: modes('exact-fields', ['default']),
  },
  'only-adds-name': {
    description: 'metadata=only also returns the document name',
    fails: modes('exact-fields', ['only']),
  },
  'without-keeps-doc-type': {
    description: "metadata=without drops doc_metadata only (the parameter text's reading)",
    fails: modes('exact-fields', ['without']),
  },
  'without-drops-position': {
    description: 'metadata=without also drops position',
    fails: modes('exact-fields', ['without']),
  },
  'bogus-metadata-accepted': {
    description: 'every invalid metadata value gets 200 and the full document',
    fails: ['bogus', 'empty', 'uppercase'].map((value) => `getDocumentDetail/metadata-invalid/${value}`),
  },
  'empty-metadata-accepted': {
    description: 'an empty metadata value is served as metadata=all',
    fails: ['getDocumentDetail/metadata-invalid/empty'],
  },
  'metadata-case-insensitive': {
    description: 'metadata=ALL is served as metadata=all',
    fails: ['getDocumentDetail/metadata-invalid/uppercase'],
  },
  'word-count-as-string': {
    description: 'word_count is sent as a string',
    fails: modes('response-schema', ['all', 'default', 'without']),
  },
  'doc-metadata-item-without-value': {
    description: 'doc_metadata entries lack their value',
    fails: modes('response-schema', ['all', 'default', 'only']),
  },
  'doc-metadata-null': {
    description: 'doc_metadata is null instead of a list',
    fails: modes('response-schema', ['all', 'default', 'only']),
  },
  'doc-metadata-duplicate-entry': {
    description: 'doc_metadata lists the same metadata field twice',
    fails: ['getDocumentDetail/doc-metadata/items'],
  },
  'wrong-document-id': {
    description: 'the body names another document than the one requested',
    fails: modes('id', ['all', 'default', 'only', 'without']),
  },
  'text-content-type': {
    description: 'Get Document answers with Content-Type text/plain',
    fails: modes('response-schema', ['all', 'default', 'only', 'without']),
  },
  'keyword-ignored': {
    description: 'List Documents ignores keyword and lists every document',
    fails: ['listDocuments/filters/keyword'],
  },
  'list-total-as-string': {
    description: 'List Documents sends total as a string',
    fails: ['listDocuments/response/schema'],
  },
  'list-without-has-more': {
    description: 'List Documents answers without has_more',
    fails: ['listDocuments/response/fields'],
  },
  'no-file-accepted': {
    description: 'Create Document by File without a file creates an empty document',
    fails: ['createDocumentFromFile/errors/no-file'],
  },
  'create-without-batch': {
    description: 'Create Document by File answers without a batch id',
    fails: ['createDocumentFromFile/response/schema'],
  },
  'upload-stores-other-bytes': {
    description: 'an uploaded file is stored with other bytes',
    fails: ['downloadDocument/signed-url/uploaded-bytes'],
    sees: ['createDocumentFromFile/response/schema'],
  },
  'indexing-segments-as-string': {
    description: 'the indexing status sends segment counts as strings',
    fails: ['getDocumentIndexingStatus/response/schema'],
  },
  'indexing-status-without-error': {
    description: 'each indexing-status entry lacks its error field',
    fails: ['getDocumentIndexingStatus/response/fields'],
  },
  'unknown-batch-200-empty': {
    description: 'an unknown batch answers 200 with an empty data list',
    fails: ['getDocumentIndexingStatus/errors/unknown-batch'],
  },
  'delete-keeps-document': {
    description: 'Delete Document answers 204 but keeps the document',
    fails: ['deleteDocument/removes-document'],
  },
} satisfies Record<string, Deviation>;

/** Dify's batch ids: the creation time to the second, then six digits. */
function batchId(now: number): string {
  const time = new Date(now).toISOString().replace(/\D/g, '').slice(0, 14);
  return `${time}${String(randomBytes(3).readUIntBE(0, 3) % 1_000_000).padStart(6, '0')}`;
}

export function documentRoutes(app: Hono<Env>, mock: MockContext): void {
  const { on, store } = mock;
  const auth = bearerAuth(mock);

  /** Get Document's body for one metadata mode, with this instance's deviations applied. */
  function shape(doc: MockDocument, mode: string): Record<string, unknown> {
    const fields = store.current(doc);
    if (on('wrong-document-id')) fields.id = '00000000-0000-4000-8000-000000000000';
    if (on('word-count-as-string')) fields.word_count = String(fields.word_count);
    const entries = fields.doc_metadata as Record<string, unknown>[];
    if (on('doc-metadata-item-without-value')) fields.doc_metadata = entries.map(({ value: _, ...rest }) => rest);
    if (on('doc-metadata-duplicate-entry') && entries[0]) fields.doc_metadata = [...entries, { ...entries[0] }];
    if (on('doc-metadata-null')) fields.doc_metadata = null;
    if (mode === 'only') {
      const only: Record<string, unknown> = {
        id: fields.id,
        doc_type: fields.doc_type,
        doc_metadata: fields.doc_metadata,
      };
      if (on('only-adds-name')) only.name = fields.name;
      return only;
    }
    if (mode === 'without') {
      if (!on('without-keeps-doc-type')) delete fields.doc_type;
      if (on('without-drops-position')) delete fields.position;
      delete fields.doc_metadata;
    }
    if (mode === 'all' && on('all-drops-doc-metadata')) delete fields.doc_metadata;
    return fields;
  }

  app.get(DOCUMENT_PATH, transportFaults(mock), auth, (c) => {
    const doc = findDocument(mock, c);
    if (doc instanceof Response) return doc;
    let mode = c.req.query('metadata') ?? (on('default-is-without') ? 'without' : 'all');
    if (on('empty-metadata-accepted') && mode === '') mode = 'all';
    if (on('metadata-case-insensitive')) mode = mode.toLowerCase();
    if (!METADATA_MODES.includes(mode)) {
      if (!on('bogus-metadata-accepted'))
        return difyError(c, 400, 'invalid_metadata', `Invalid metadata value: ${mode}`);
      mode = 'all';
    }
    const body = shape(doc, mode);
    if (on('text-content-type')) return c.text(JSON.stringify(body), 200);
    return c.json(body, 200);
  });

  app.get(`${DATASET_PATH}/documents`, auth, (c) => {
    const dataset = findDataset(mock, c, c.get('tenantId'));
    if (dataset instanceof Response) return dataset;
    const keyword = c.req.query('keyword') ?? '';
    const all = store
      .documentsOf(dataset.id)
      .filter((doc) => String(doc.fields.name).includes(keyword) || (keyword !== '' && on('keyword-ignored')));
    const { data, has_more, ...page } = paginate(mock, c, all);
    const total = on('list-total-as-string') ? String(page.total) : page.total;
    const hasMore = on('list-without-has-more') ? {} : { has_more };
    return c.json({ ...page, data: data.map((doc) => store.current(doc)), ...hasMore, total });
  });

  app.post(`${DATASET_PATH}/document/create-by-file`, auth, async (c) => {
    const dataset = findDataset(mock, c, c.get('tenantId'));
    if (dataset instanceof Response) return dataset;
    const upload = (await c.req.parseBody()).file;
    if (!(upload instanceof File) && !on('no-file-accepted')) {
      return difyError(c, 400, 'no_file_uploaded', 'Please upload your file.');
    }
    const name = upload instanceof File ? upload.name : 'untitled.txt';
    const bytes = upload instanceof File ? Buffer.from(await upload.arrayBuffer()) : Buffer.alloc(0);
    const file: MockFile = {
      id: randomUUID(),
      name,
      extension: name.split('.').pop() ?? '',
      mimeType: upload instanceof File && upload.type ? upload.type : 'application/octet-stream',
      bytes: on('upload-stores-other-bytes') ? Buffer.alloc(bytes.length, 0x2a) : bytes,
    };
    const id = randomUUID();
    const batch = batchId(mock.now());
    const fields = documentFields(id, name, 'upload_file', uploadInfo(file), { position: store.documents.size + 1 });
    const doc: MockDocument = { id, datasetId: dataset.id, file, fields, batch, indexedAt: mock.now() + INDEXING_MS };
    store.add(doc);
    const document = store.current(doc);
    return c.json(on('create-without-batch') ? { document } : { document, batch });
  });

  app.get(`${DATASET_PATH}/documents/:batch/indexing-status`, auth, (c) => {
    const dataset = findDataset(mock, c, c.get('tenantId'));
    if (dataset instanceof Response) return dataset;
    const docs = store.documentsOf(dataset.id).filter((doc) => doc.batch === c.req.param('batch'));
    if (docs.length === 0) {
      if (on('unknown-batch-200-empty')) return c.json({ data: [] });
      return difyError(c, 404, 'not_found', 'Documents not found.');
    }
    return c.json({ data: docs.map(indexingStatus) });
  });

  function indexingStatus(doc: MockDocument): Record<string, unknown> {
    const fields = store.current(doc);
    const done = fields.indexing_status === 'completed';
    // A fixture has no indexing time of its own: its fields say when it was created and completed.
    const started = doc.indexedAt === undefined ? fields.created_at : Math.floor((doc.indexedAt - INDEXING_MS) / 1000);
    const completed = doc.indexedAt === undefined ? fields.completed_at : Math.floor(doc.indexedAt / 1000);
    const total = Number(fields.segment_count);
    const count = (n: number) => (on('indexing-segments-as-string') ? String(n) : n);
    const status: Record<string, unknown> = {
      id: doc.id,
      indexing_status: fields.indexing_status,
      processing_started_at: started,
      parsing_completed_at: done ? completed : null,
      cleaning_completed_at: done ? completed : null,
      splitting_completed_at: done ? completed : null,
      completed_at: done ? completed : null,
      paused_at: null,
      error: null,
      stopped_at: null,
      completed_segments: count(done ? total : 0),
      total_segments: count(total),
    };
    if (on('indexing-status-without-error')) delete status.error;
    return status;
  }

  app.delete(DOCUMENT_PATH, auth, (c) => {
    const doc = findDocument(mock, c);
    if (doc instanceof Response) return doc;
    if (store.current(doc).indexing_status === 'indexing') {
      return difyError(c, 400, 'document_indexing', 'Cannot delete document during indexing.');
    }
    if (!on('delete-keeps-document')) store.documents.delete(doc.id);
    return c.body(null, 204);
  });
}
