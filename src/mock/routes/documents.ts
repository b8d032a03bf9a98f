// Document routes: Get Document (every metadata mode), List Documents, Create and Update by text or file,
// indexing status, Delete, and the batch status actions, with Dify's ordering rules (an archived
// document cannot be deleted, only an available one updated, an action waits for the last one's task).
import { randomBytes, randomUUID } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { bearerAuth } from '../auth';
import { jsonObject } from '../body';
import type { Env, MockContext } from '../context';
import {
  displayStatus,
  documentFields,
  documentListItem,
  type MockDataset,
  type MockDocument,
  type MockFile,
  textFile,
  USER_A,
  uploadInfo,
} from '../data';
import type { Deviation, DeviationName } from '../deviations';
import { difyError } from '../errors';
import { transportFaults } from '../faults';
import { indexText } from '../fixtures/chunks';
import { findDataset, findDocument } from '../lookup';
import { paginate } from '../paging';
import { DATASET_PATH, DOCUMENT_PATH } from './paths';

/** How long the mock takes to index an uploaded document. */
const INDEXING_MS = 300;
const METADATA_MODES = ['all', 'only', 'without'];
const DOC_FORMS = ['text_model', 'hierarchical_model', 'qa_model'];
const STATUS_ACTIONS = ['enable', 'disable', 'archive', 'un_archive'];
/** How long the index task of a status action runs, refusing the document's next action meanwhile. */
const STATUS_TASK_MS = 200;
const modes = (check: string, names: string[]) => names.map((mode) => `getDocumentDetail/metadata-${mode}/${check}`);

/** The lifecycle checks that create documents from text and read them back: each sees how they are stored. */
const TEXT_READERS = [
  'createDocumentFromText/*/*',
  'getDocumentIndexingStatus/text-completes',
  'getDocumentDetail/*/shows-created',
  'getDocumentDetail/shows-text-update',
  'downloadDocument/signed-url/text-update-bytes',
  'updateDocumentByText/*/*',
  'batchUpdateDocumentStatus/*/applied',
  'deleteDocument/errors/archived-document',
];
/** The lifecycle checks that update a document and read it back. */
const UPDATE_READERS = [
  'updateDocumentByText/*/*',
  'updateDocumentByFile/*/*',
  'getDocumentDetail/shows-text-update',
  'getDocumentDetail/shows-file-update',
  'downloadDocument/signed-url/text-update-bytes',
  'downloadDocument/signed-url/file-update-bytes',
];
/** The lifecycle checks that change a document's status and read it back. */
const STATUS_READERS = [
  'batchUpdateDocumentStatus/*/*',
  'batchUpdateDocumentStatus/*/applied',
  'deleteDocument/errors/archived-document',
  'updateDocumentByText/errors/disabled-document',
];

/**
 * Which generated documents some-documents-mistyped breaks: every 50th, except where other checks
 * read. The largest page any reads is the first 100 listed, and the pagination walk reads the last
 * document, so those (the first 100 generated, and the last) stay whole.
 */
function mistyped(doc: MockDocument, generated: number): boolean {
  const index = doc.generated;
  return index !== undefined && index >= 100 && index % 50 === 49 && index < generated - 1;
}
/** How many of 1 500 generated documents that is: the 150th, 200th, … 1 450th. */
const MISTYPED_IN_1500 = 27;

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
  'detail-doc-metadata-null-when-empty': {
    description: 'Get Document gives doc_metadata: null for a document without metadata values',
    fails: [
      'getDocumentDetail/metadata-all/created-schema',
      'getDocumentDetail/metadata-only/created-schema',
      'getDocumentDetail/sweep/metadata-all',
      'getDocumentDetail/sweep/metadata-only',
    ],
  },
  'new-document-tokens-null': {
    description: 'Get Document gives tokens: null for documents created through the API, whatever their indexing',
    fails: ['getDocumentDetail/metadata-all/created-schema', 'getDocumentDetail/metadata-without/created-schema'],
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
  'document-status-ignored': {
    description: 'List Documents ignores status',
    fails: ['listDocuments/filters/status'],
  },
  'document-keyword-ignored': {
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
    fails: [
      'downloadDocument/signed-url/uploaded-bytes',
      'downloadDocument/signed-url/file-update-bytes',
      'downloadDocumentsZip/holds-originals',
    ],
    sees: ['createDocumentFromFile/response/schema', 'updateDocumentByFile/*/*'],
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
  'list-items-detail-shape': {
    description: "List Documents serves Get Document's detail as its items (no data_source_detail_dict, extra fields)",
    fails: ['listDocuments/response/fields'],
    warns: ['listDocuments/response/undocumented-fields'],
  },
  'create-by-text-unknown-dataset-400': {
    description: 'Create Document by Text in an unknown knowledge base answers 400 invalid_param, not 404',
    fails: ['createDocumentFromText/errors/unknown-dataset'],
  },
  'parent-child-without-children': {
    description: 'a parent-child document created from text is indexed into chunks without child chunks',
    fails: ['createDocumentFromText/parent-child/child-chunks'],
    sees: ['createDocumentFromText/parent-child/child-chunks', 'createChildChunk/*/*', 'getChildChunks/shows-created'],
  },
  'update-unknown-document-500': {
    description: 'updating an unknown document by text or file crashes with 500',
    fails: ['updateDocumentByText/errors/unknown-document', 'updateDocumentByFile/errors/unknown-document'],
  },
  // The lifecycle: writes acknowledged but not applied, or applied wrongly.
  'text-create-renames': {
    description: 'Create Document by Text stores and answers the name with underscores for hyphens',
    fails: ['createDocumentFromText/response/schema'],
    sees: TEXT_READERS,
  },
  'text-create-stores-other-name': {
    description: 'Create Document by Text answers the name sent but stores the document as untitled.txt',
    fails: ['getDocumentDetail/metadata-all/shows-created', 'getDocumentDetail/metadata-without/shows-created'],
    sees: TEXT_READERS,
  },
  'text-indexing-fails': {
    description: 'a document created from text ends its indexing in error',
    fails: ['getDocumentIndexingStatus/text-completes'],
    sees: TEXT_READERS,
  },
  'only-hides-new-documents': {
    description: 'Get Document with metadata=only answers 404 for documents created through the API',
    fails: ['getDocumentDetail/metadata-only/created-schema'],
    sees: ['getDocumentDetail/metadata-only/*', ...TEXT_READERS],
  },
  'document-list-hides-new': {
    description: 'List Documents leaves out documents created through the API',
    fails: ['listDocuments/shows-created'],
    sees: ['listDocuments/*/*', 'listDocuments/shows-created'],
  },
  'update-answers-without-batch': {
    description: 'Update Document by Text and by File answer without the batch',
    fails: ['updateDocumentByText/response/schema', 'updateDocumentByFile/response/schema'],
    sees: UPDATE_READERS,
  },
  'update-by-text-not-applied': {
    description: 'Update Document by Text answers with the update but stores nothing',
    fails: ['getDocumentDetail/shows-text-update', 'downloadDocument/signed-url/text-update-bytes'],
    sees: UPDATE_READERS,
  },
  'update-by-text-keeps-old-text': {
    description: 'Update Document by Text renames the document but keeps its old text',
    fails: ['downloadDocument/signed-url/text-update-bytes'],
    sees: UPDATE_READERS,
  },
  'update-marks-web-origin': {
    description:
      "An update by text or file sets the document's created_from to web, as if it had been created in the UI",
    fails: [],
    warns: ['getDocumentDetail/text-update-keeps-origin'],
    sees: ['updateDocumentByText/*/*', 'updateDocumentByFile/*/*', 'downloadDocument/signed-url/*-update-bytes'],
  },
  'update-by-file-not-applied': {
    description: 'Update Document by File answers with the new file but stores nothing',
    fails: ['getDocumentDetail/shows-file-update', 'downloadDocument/signed-url/file-update-bytes'],
    sees: UPDATE_READERS,
  },
  'update-by-file-keeps-old-bytes': {
    description: "Update Document by File takes the new file's name but keeps the old file",
    fails: ['downloadDocument/signed-url/file-update-bytes'],
    sees: UPDATE_READERS,
  },
  'unavailable-update-allowed': {
    description: 'Update Document by Text or File changes a document that is disabled, archived or indexing',
    fails: ['updateDocumentByText/errors/disabled-document'],
    sees: [...UPDATE_READERS, ...STATUS_READERS],
  },
  'status-disable-not-applied': {
    description: 'Update Document Status in Batch answers success to disable and leaves the documents enabled',
    fails: ['batchUpdateDocumentStatus/disable/applied'],
    sees: STATUS_READERS,
  },
  'status-enable-not-applied': {
    description: 'Update Document Status in Batch answers success to enable and leaves the documents disabled',
    fails: ['batchUpdateDocumentStatus/enable/applied'],
    sees: STATUS_READERS,
  },
  'archive-not-applied': {
    description: 'Update Document Status in Batch answers success to archive and archives nothing',
    fails: ['batchUpdateDocumentStatus/archive/applied'],
    sees: STATUS_READERS,
  },
  'un-archive-not-applied': {
    description: 'Update Document Status in Batch answers success to un_archive and leaves the documents archived',
    fails: ['batchUpdateDocumentStatus/un-archive/applied'],
    sees: STATUS_READERS,
  },
  'archived-delete-allowed': {
    description: 'Delete Document deletes an archived document',
    fails: ['deleteDocument/errors/archived-document'],
    sees: STATUS_READERS,
  },
  'some-documents-mistyped': {
    description:
      'one generated document in 50 sends word_count as a string and doc_metadata as null, in Get Document and in List Documents',
    fails: ['getDocumentDetail/sweep/*', 'listDocuments/sweep/*'],
    // Only the sweep reads the documents it breaks (see mistyped): no other check can see it.
    sees: [],
    cause: `${MISTYPED_IN_1500} of 1507 documents fail`,
    settings: { CONFORMANCE_MOCK_DOCUMENTS: '1500' },
  },
  // Stock Dify releases (src/mock/profiles.ts): each as the release's code answers.
  'detail-without-word-count': {
    description: 'Get Document leaves word_count out in every metadata mode that should have it',
    fails: modes('exact-fields', ['all', 'default', 'without']),
  },
  'list-doc-metadata-null-when-empty': {
    description:
      'List Documents and the create and update answers give doc_metadata: null for a document without metadata values',
    fails: [
      'listDocuments/response/schema',
      'createDocumentFromText/response/schema',
      'createDocumentFromFile/response/schema',
      'updateDocumentByText/response/schema',
      'updateDocumentByFile/response/schema',
    ],
  },
  'unindexed-counts-null': {
    description: 'Create Document by Text and by File answer tokens and word_count null: indexing has not set them yet',
    fails: ['createDocumentFromText/response/schema', 'createDocumentFromFile/response/schema'],
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
  /** The fixtures' documents: the ones deviations that hide new documents still show. */
  const seeded = new Set(store.documents.keys());

  /** A document's fields as served now, with the deviations that break some documents applied. */
  function served(doc: MockDocument): Record<string, unknown> {
    const fields = store.current(doc);
    // Consulted for the documents it breaks only: no other document's answer can show it.
    if (mistyped(doc, mock.options.documents ?? 0) && on('some-documents-mistyped')) {
      fields.word_count = String(fields.word_count);
      fields.doc_metadata = null;
    }
    return fields;
  }

  /** Get Document's body for one metadata mode, with this instance's deviations applied. */
  function shape(doc: MockDocument, mode: string): Record<string, unknown> {
    const fields = served(doc);
    if (on('wrong-document-id')) fields.id = '00000000-0000-4000-8000-000000000000';
    if (on('word-count-as-string')) fields.word_count = String(fields.word_count);
    // Null where some-documents-mistyped broke it.
    const entries = fields.doc_metadata as Record<string, unknown>[] | null;
    if (on('doc-metadata-item-without-value') && entries)
      fields.doc_metadata = entries.map(({ value: _, ...rest }) => rest);
    if (on('doc-metadata-duplicate-entry') && entries?.[0]) fields.doc_metadata = [...entries, { ...entries[0] }];
    if (on('doc-metadata-null')) fields.doc_metadata = null;
    if (entries?.length === 0 && on('detail-doc-metadata-null-when-empty')) fields.doc_metadata = null;
    if (!seeded.has(doc.id) && mode !== 'only' && on('new-document-tokens-null')) fields.tokens = null;
    if (on('detail-without-word-count')) delete fields.word_count;
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
    if (mode === 'only' && !seeded.has(doc.id) && on('only-hides-new-documents'))
      return difyError(c, 404, 'not_found', 'Document not found.');
    const body = shape(doc, mode);
    if (on('text-content-type')) return c.text(JSON.stringify(body), 200);
    return c.json(body, 200);
  });

  /** A list item's shape, as List Documents and the create and update answers give a document. */
  function itemOf(doc: MockDocument, fields: Record<string, unknown>): Record<string, unknown> {
    const item = documentListItem(doc, fields);
    const entries = item.doc_metadata;
    if (Array.isArray(entries) && entries.length === 0 && on('list-doc-metadata-null-when-empty'))
      item.doc_metadata = null;
    return item;
  }

  /** A document as created and updated documents are answered: a list item's shape. */
  const createdItem = (doc: MockDocument) => itemOf(doc, store.current(doc));

  /** List Documents' item for the document as it is now, with this instance's deviations applied. */
  function listItem(doc: MockDocument): Record<string, unknown> {
    const fields = served(doc);
    return on('list-items-detail-shape') ? fields : itemOf(doc, fields);
  }

  app.get(`${DATASET_PATH}/documents`, auth, (c) => {
    const dataset = findDataset(mock, c, c.get('tenantId'));
    if (dataset instanceof Response) return dataset;
    const keyword = c.req.query('keyword') ?? '';
    const status = c.req.query('status');
    const all = store
      .documentsOf(dataset.id)
      .filter((doc) => String(doc.fields.name).includes(keyword) || (keyword !== '' && on('document-keyword-ignored')))
      .filter((doc) => !status || store.current(doc).display_status === status || on('document-status-ignored'))
      .filter((doc) => seeded.has(doc.id) || !on('document-list-hides-new'))
      // Dify's order: newest first, then the higher position first.
      .sort(
        (a, b) =>
          Number(b.fields.created_at) - Number(a.fields.created_at) ||
          Number(b.fields.position) - Number(a.fields.position),
      );
    // Dify's paginator caps the page, but List Documents and List Chunks echo the limit asked.
    const { data, has_more, ...page } = paginate(mock, c, all, { echoesAsked: true });
    const total = on('list-total-as-string') ? String(page.total) : page.total;
    const hasMore = on('list-without-has-more') ? {} : { has_more };
    return c.json({ ...page, data: data.map(listItem), ...hasMore, total });
  });

  /** A new document of the knowledge base from a file, its indexing under way in a new batch. */
  function createDocument(dataset: MockDataset, name: string, file: MockFile, docForm: unknown): MockDocument {
    const id = randomUUID();
    const created = Math.floor(mock.now() / 1000);
    const position = Math.max(0, ...store.documentsOf(dataset.id).map((doc) => Number(doc.fields.position))) + 1;
    const fields = documentFields(id, name, 'upload_file', uploadInfo(file), {
      position,
      created_at: created,
      updated_at: created,
      doc_form: docForm ?? dataset.fields.doc_form,
      word_count: wordCount(file),
    });
    const doc: MockDocument = { id, datasetId: dataset.id, file, fields, batch: batchId(mock.now()) };
    doc.indexedAt = mock.now() + INDEXING_MS;
    store.add(doc);
    return doc;
  }

  /** The answer to a create: a stock Dify has not counted the document's tokens and words before indexing. */
  function createAnswer(doc: MockDocument): Record<string, unknown> {
    const item = createdItem(doc);
    if (on('unindexed-counts-null')) Object.assign(item, { tokens: null, word_count: null });
    return item;
  }

  async function uploadedFile(c: Context<Env>): Promise<{ file?: MockFile; refused?: Response }> {
    const upload = (await c.req.parseBody()).file;
    if (!(upload instanceof File)) return {};
    if (!upload.name)
      return { refused: difyError(c, 400, 'filename_not_exists_error', 'The specified filename does not exist.') };
    const bytes = Buffer.from(await upload.arrayBuffer());
    const file: MockFile = {
      id: randomUUID(),
      name: upload.name,
      extension: upload.name.split('.').pop() ?? '',
      mimeType: upload.type || 'application/octet-stream',
      bytes: on('upload-stores-other-bytes') ? Buffer.alloc(bytes.length, 0x2a) : bytes,
    };
    return { file };
  }

  app.post(`${DATASET_PATH}/document/create-by-file`, auth, async (c) => {
    const dataset = findDataset(mock, c, c.get('tenantId'));
    if (dataset instanceof Response) return dataset;
    const { file, refused } = await uploadedFile(c);
    if (refused) return refused;
    if (!file && !on('no-file-accepted')) return difyError(c, 400, 'no_file_uploaded', 'Please upload your file.');
    const doc = createDocument(
      dataset,
      file?.name ?? 'untitled.txt',
      file ?? textFile(randomUUID(), 'untitled.txt', ''),
      (await settingsOf(c)).doc_form,
    );
    const document = createAnswer(doc);
    return c.json(on('create-without-batch') ? { document } : { document, batch: doc.batch });
  });

  app.post(`${DATASET_PATH}/document/create-by-text`, auth, async (c) => {
    const dataset = findDataset(mock, c, c.get('tenantId'));
    if (dataset instanceof Response) {
      // Dify's handler looks the knowledge base up again itself, and reports it missing as a bad parameter.
      if (dataset.status === 404 && on('create-by-text-unknown-dataset-400'))
        return difyError(c, 400, 'invalid_param', 'Dataset does not exist.');
      return dataset;
    }
    const body = await jsonObject(c);
    if (body instanceof Response) return body;
    const { name, text } = body;
    if (typeof name !== 'string' || name === '' || typeof text !== 'string')
      return difyError(c, 400, 'invalid_param', 'name and text are required.');
    const docForm = body.doc_form ?? 'text_model';
    if (!DOC_FORMS.includes(String(docForm))) return difyError(c, 400, 'invalid_param', 'Invalid doc_form.');
    // A knowledge base's chunking mode is its first document's; a text document's default is text_model.
    const first = store.documentsOf(dataset.id)[0];
    if (first && first.fields.doc_form !== docForm)
      return difyError(c, 400, 'invalid_param', 'doc_form is different from the dataset doc_form.');
    const stored = on('text-create-renames') ? name.replace(/-/g, '_') : name;
    const doc = createDocument(dataset, stored, textFile(randomUUID(), stored, text), docForm);
    const parentChild = docForm === 'hierarchical_model';
    indexText(store, doc, text, parentChild && !on('parent-child-without-children'), Math.floor(mock.now() / 1000));
    const document = createAnswer(doc);
    if (on('text-create-stores-other-name')) doc.fields.name = 'untitled.txt';
    if (on('text-indexing-fails')) {
      doc.indexedAt = undefined;
      Object.assign(doc.fields, {
        indexing_status: 'error',
        error: 'Text extraction failed.',
        display_status: 'error',
      });
    }
    return c.json({ document, batch: doc.batch });
  });

  /** The document an update names, refused unless it is available (indexed, enabled, not archived). */
  function updatable(c: Context<Env>): MockDocument | Response {
    const dataset = findDataset(mock, c, c.get('tenantId'));
    if (dataset instanceof Response) return dataset;
    const doc = findDocument(mock, c);
    if (doc instanceof Response) {
      if (on('update-unknown-document-500')) return difyError(c, 500, 'internal_server_error', 'Internal Server Error');
      return doc;
    }
    if (store.current(doc).display_status !== 'available' && !on('unavailable-update-allowed'))
      return difyError(c, 400, 'invalid_param', 'Document is not available');
    return doc;
  }

  /**
   * An update: a new file (which names the document) and a new name, then indexing again in the
   * document's own batch, as Dify does. Unless `stored`, applied to a copy only (for the answer).
   */
  function update(doc: MockDocument, change: { name?: string; file?: MockFile }, stored: boolean): MockDocument {
    const target = stored ? doc : { ...doc, fields: { ...doc.fields } };
    const { file, name } = change;
    if (file) {
      if (stored && doc.file) store.files.delete(doc.file.id);
      target.file = file;
      Object.assign(target.fields, {
        name: file.name,
        data_source_info: uploadInfo(file),
        word_count: wordCount(file),
      });
      if (stored) store.add(target);
    }
    if (name) target.fields.name = name;
    if (on('update-marks-web-origin')) target.fields.created_from = 'web';
    target.fields.updated_at = Math.floor(mock.now() / 1000);
    target.indexedAt = mock.now() + INDEXING_MS;
    return target;
  }

  /** The answer to an update: the document as updated, and the batch to follow its indexing. */
  function updated(c: Context<Env>, doc: MockDocument): Response {
    const document = createdItem(doc);
    return c.json(on('update-answers-without-batch') ? { document } : { document, batch: doc.batch });
  }

  app.post(`${DOCUMENT_PATH}/update-by-text`, auth, async (c) => {
    const doc = updatable(c);
    if (doc instanceof Response) return doc;
    const body = await jsonObject(c);
    if (body instanceof Response) return body;
    const { name, text } = body;
    if (text !== undefined && (typeof name !== 'string' || name === ''))
      return difyError(c, 400, 'invalid_param', 'name is required when text is provided.');
    // Dify keeps the text as a new uploaded .txt file named as the document.
    const file =
      typeof text === 'string' && !on('update-by-text-keeps-old-text')
        ? textFile(randomUUID(), String(name), text)
        : undefined;
    const newName = typeof name === 'string' && name !== '' ? name : undefined;
    return updated(c, update(doc, { name: newName, file }, !on('update-by-text-not-applied')));
  });

  app.post(`${DOCUMENT_PATH}/update-by-file`, auth, async (c) => {
    const doc = updatable(c);
    if (doc instanceof Response) return doc;
    const { file, refused } = await uploadedFile(c);
    if (refused) return refused;
    const change = file && on('update-by-file-keeps-old-bytes') ? { name: file.name } : { file };
    return updated(c, update(doc, change, !on('update-by-file-not-applied')));
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
    if (doc.fields.archived && !on('archived-delete-allowed')) {
      return difyError(c, 403, 'archived_document_immutable', 'The archived document is not editable.');
    }
    if (store.current(doc).indexing_status === 'indexing') {
      return difyError(c, 400, 'document_indexing', 'Cannot delete document during indexing.');
    }
    if (!on('delete-keeps-document')) store.removeDocument(doc.id);
    return c.body(null, 204);
  });

  app.patch(`${DATASET_PATH}/documents/status/:action`, auth, async (c) => {
    const dataset = findDataset(mock, c, c.get('tenantId'));
    if (dataset instanceof Response) return dataset;
    const action = c.req.param('action');
    if (!STATUS_ACTIONS.includes(action)) return difyError(c, 400, 'invalid_action', 'Invalid action.');
    const body = await jsonObject(c);
    if (body instanceof Response) return body;
    if (!Array.isArray(body.document_ids)) return difyError(c, 400, 'invalid_param', 'document_ids is required.');
    // Dify skips ids it does not find; a document still being indexed, or whose last action's index
    // task still runs, refuses every action.
    const docs = body.document_ids
      .map((id) => store.documents.get(String(id)))
      .filter((doc): doc is MockDocument => doc?.datasetId === dataset.id);
    for (const doc of docs) {
      const { indexing_status } = store.current(doc);
      const indexing = indexing_status !== 'completed' && (action === 'disable' || indexing_status !== 'error');
      if (indexing || (doc.statusTaskUntil ?? 0) > mock.now())
        return difyError(
          c,
          400,
          'invalid_action',
          `Document: ${doc.fields.name} is being indexed, please try again later`,
        );
    }
    const now = Math.floor(mock.now() / 1000);
    const changes: Record<string, Record<string, unknown>> = {
      enable: { enabled: true, disabled_at: null, disabled_by: null },
      disable: { enabled: false, disabled_at: now, disabled_by: USER_A },
      archive: { archived: true },
      un_archive: { archived: false },
    };
    const ignored: Record<string, DeviationName> = {
      enable: 'status-enable-not-applied',
      disable: 'status-disable-not-applied',
      archive: 'archive-not-applied',
      un_archive: 'un-archive-not-applied',
    };
    for (const doc of docs) {
      const change = changes[action] ?? {};
      // An action that changes nothing starts no task; archiving or restoring a disabled document neither.
      const changed = Object.keys(change).some((field) => doc.fields[field] !== change[field]);
      const indexTask = changed && (action === 'enable' || action === 'disable' || doc.fields.enabled === true);
      if (on(ignored[action] as DeviationName)) continue;
      Object.assign(doc.fields, change, changed ? { updated_at: now } : {});
      doc.fields.display_status = displayStatus(doc.fields);
      if (indexTask) doc.statusTaskUntil = mock.now() + STATUS_TASK_MS;
    }
    return c.json({ result: 'success' });
  });
}

/** Dify counts a document's characters as its words. */
function wordCount(file: MockFile): number {
  return file.bytes.toString('utf8').length;
}

/** The settings of Create Document by File, the JSON string of its `data` part. */
async function settingsOf(c: Context<Env>): Promise<Record<string, unknown>> {
  const data = (await c.req.parseBody()).data;
  try {
    const settings = typeof data === 'string' ? JSON.parse(data) : {};
    return typeof settings === 'object' && settings !== null ? settings : {};
  } catch {
    return {};
  }
}
