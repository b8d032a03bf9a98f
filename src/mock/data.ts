// The embedded mock's fixtures: two workspaces, their keys, knowledge bases, documents and files.
// The store copies these; nothing may change them, so reset() can always start over from here.

/** The mock's own key for workspace A; not a secret, but redacted like any key. */
export const MOCK_API_KEY = 'dataset-conformance-mock-key-a';
/** Workspace B's key: the suite never uses it; it proves B's data stays out of A's reach. */
export const MOCK_FOREIGN_API_KEY = 'dataset-conformance-mock-key-b';
/** Dify's FILES_ACCESS_TIMEOUT for the mock: short, so the expiry check really runs. */
export const MOCK_SIGNED_URL_TTL = 3;

export const MOCK_IDS = {
  datasetId: '6b0b8f3e-5a7c-4d2e-9f1a-0c3d5e7f9a1b',
  documentId: '3f6c2d1e-8b4a-4c7d-9e2f-1a5b7c9d0e3f',
  nonFileDocumentId: '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a',
  apiDisabledDatasetId: '2c4e6a8b-0d1f-4a3b-8c5d-7e9f1a2b3c4d',
  foreignDatasetId: '7a1b2c3d-4e5f-4a6b-9c7d-8e9f0a1b2c3d',
  foreignDocumentId: '5e4d3c2b-1a0f-4e9d-8c7b-6a5f4e3d2c1b',
  /** The batch the guide document was created in; its indexing is long completed. */
  batch: '20250306120000000001',
  /** A segment (parent chunk) of the guide document, and one of its child chunks. */
  segmentId: '4a5b6c7d-8e9f-4a0b-9c1d-2e3f4a5b6c7d',
  childChunkId: '5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8e',
  /** The main knowledge base's `author` metadata field. */
  metadataId: '0e1d2c3b-4a59-4687-9a8b-7c6d5e4f3a2b',
  /** A workspace tag bound to the main knowledge base. */
  tagId: '6c7d8e9f-0a1b-4c2d-9e3f-4a5b6c7d8e9f',
} as const;

/** A document id in the API-disabled knowledge base. */
export const MOCK_DISABLED_DOCUMENT_ID = '8f7e6d5c-4b3a-4298-8716-f5e4d3c2b1a0';

export interface MockFile {
  id: string;
  name: string;
  extension: string;
  mimeType: string;
  bytes: Buffer;
}

export interface MockDataset {
  id: string;
  tenantId: string;
  apiEnabled: boolean;
  /** Get Knowledge Base's fields, less the counts, which are computed from the documents held. */
  fields: Record<string, unknown>;
}

export interface MockDocument {
  id: string;
  datasetId: string;
  /** The file behind an `upload_file` document; none for a Notion import. */
  file?: MockFile;
  fields: Record<string, unknown>;
  /** For uploaded documents: their batch, and when their indexing completes (ms); no time: completed. */
  batch?: string;
  indexedAt?: number;
  /** Until when (ms) the index task of its last status action runs: Dify refuses another action meanwhile. */
  statusTaskUntil?: number;
  /** Its place among the generated documents (CONFORMANCE_MOCK_DOCUMENTS), for deviations that break some of them. */
  generated?: number;
}

const TENANT_A = 'c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f';
const TENANT_B = 'f5e4d3c2-b1a0-4f9e-8d7c-6b5a4f3e2d1c';
export const USER_A = 'ad313dd6-ef04-4dd1-a5b0-c0f0b9e2e7e4';
const PROCESS_RULE_ID = 'e1f2a3b4-c5d6-7890-ef12-345678901234';

/** The metadata fields the main knowledge base defines; the guide document fills them in. */
export const METADATA_FIELDS = [
  { id: MOCK_IDS.metadataId, name: 'author', type: 'string' },
  { id: '1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b', name: 'department', type: 'string' },
];

export const MOCK_KEYS: Record<string, string> = { [MOCK_FOREIGN_API_KEY]: TENANT_B };
/** The workspace the suite's key (MOCK_API_KEY or the one configured) belongs to. */
export const MOCK_HOME_TENANT = TENANT_A;

/** A knowledge base as Get Knowledge Base shows it (less the counts); `extra` replaces default fields. */
export function knowledgeBase(
  id: string,
  tenantId: string,
  apiEnabled: boolean,
  name: string,
  extra: Record<string, unknown> = {},
): MockDataset {
  const fields = {
    id,
    name,
    description: 'Documents the conformance suite reads.',
    provider: 'vendor',
    permission: 'only_me',
    data_source_type: null,
    indexing_technique: 'high_quality',
    app_count: 0,
    created_by: USER_A,
    author_name: 'Conformance Bot',
    created_at: 1741267000,
    updated_by: USER_A,
    updated_at: 1741267260,
    embedding_model: 'text-embedding-3-small',
    embedding_model_provider: 'langgenius/openai/openai',
    embedding_available: true,
    retrieval_model_dict: {
      search_method: 'semantic_search',
      reranking_enable: false,
      reranking_mode: null,
      reranking_model: { reranking_provider_name: '', reranking_model_name: '' },
      weights: null,
      top_k: 3,
      score_threshold_enabled: false,
      score_threshold: null,
    },
    summary_index_setting: null,
    tags: [],
    doc_form: 'text_model',
    external_knowledge_info: null,
    external_retrieval_model: null,
    doc_metadata: [],
    built_in_field_enabled: false,
    pipeline_id: null,
    runtime_mode: null,
    chunk_structure: null,
    icon_info: null,
    is_published: false,
    enable_api: apiEnabled,
    is_multimodal: false,
    ...extra,
  };
  return { id, tenantId, apiEnabled, fields };
}

/** The knowledge pipeline of the main knowledge base (its datasource nodes are in fixtures/knowledge-bases.ts). */
export const MOCK_PIPELINE_ID = '0b1c2d3e-4f50-4617-8829-3a4b5c6d7e8f';

export const MOCK_DATASETS: readonly MockDataset[] = [
  // Parent-child, so that its documents' segments have child chunks to read; built by a pipeline.
  knowledgeBase(MOCK_IDS.datasetId, TENANT_A, true, 'Conformance fixtures', {
    doc_metadata: METADATA_FIELDS,
    doc_form: 'hierarchical_model',
    pipeline_id: MOCK_PIPELINE_ID,
    runtime_mode: 'rag_pipeline',
    is_published: true,
  }),
  knowledgeBase(MOCK_IDS.apiDisabledDatasetId, TENANT_A, false, 'API off'),
  // More of workspace A, for List Knowledge Bases' pages, keyword and tags.
  knowledgeBase('1d2e3f40-5162-4738-89a0-b1c2d3e4f506', TENANT_A, true, 'Product manuals', {
    indexing_technique: 'economy',
    permission: 'all_team_members',
    created_at: 1741266000,
  }),
  knowledgeBase('2e3f4051-6273-4849-9ab1-c2d3e4f50617', TENANT_A, true, 'Support answers', {
    doc_form: 'qa_model',
    app_count: 2,
    created_at: 1741265000,
  }),
  knowledgeBase('3f405162-7384-495a-8bc2-d3e4f5061728', TENANT_A, true, 'Release notes', { created_at: 1741264000 }),
  knowledgeBase(MOCK_IDS.foreignDatasetId, TENANT_B, true, 'Workspace B plans'),
];

export const GUIDE_FILE: MockFile = {
  id: 'a1b2c3d4-e5f6-4890-abcd-ef1234567890',
  name: 'conformance guide é.txt',
  extension: 'txt',
  mimeType: 'text/plain',
  bytes: Buffer.from(
    'Dify Knowledge API conformance fixture.\nThe suite compares the SHA-256 of this file with its download.\n',
    'utf8',
  ),
};

/** A document's fields as Get Document with metadata=all describes them. */
export function documentFields(
  id: string,
  name: string,
  dataSourceType: string,
  dataSourceInfo: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    id,
    position: 1,
    data_source_type: dataSourceType,
    data_source_info: dataSourceInfo,
    dataset_process_rule_id: PROCESS_RULE_ID,
    dataset_process_rule: { id: PROCESS_RULE_ID, mode: 'custom' },
    document_process_rule: {
      mode: 'custom',
      rules: { pre_processing_rules: [], segmentation: { separator: '###', max_tokens: 500, chunk_overlap: 50 } },
    },
    name,
    created_from: 'api',
    created_by: USER_A,
    created_at: 1741267200,
    tokens: 512,
    indexing_status: 'completed',
    error: null,
    enabled: true,
    disabled_at: null,
    disabled_by: null,
    archived: false,
    display_status: 'available',
    word_count: 350,
    hit_count: 0,
    doc_form: 'text_model',
    doc_language: 'English',
    doc_type: null,
    doc_metadata: [],
    completed_at: 1741267260,
    updated_at: 1741267260,
    indexing_latency: 60,
    segment_count: 5,
    average_segment_length: 70,
    summary_index_status: null,
    need_summary: false,
    ...extra,
  };
}

export function uploadInfo(file: MockFile): Record<string, unknown> {
  return {
    upload_file: {
      id: file.id,
      name: file.name,
      size: file.bytes.length,
      extension: file.extension,
      mime_type: file.mimeType,
      created_by: USER_A,
      created_at: 1741267100,
    },
  };
}

/** A text file as Create Document by Text stores it: Dify keeps the text as an uploaded `.txt` file. */
export function textFile(id: string, name: string, text: string): MockFile {
  return { id, name, extension: 'txt', mimeType: 'text/plain', bytes: Buffer.from(text, 'utf8') };
}

/** Dify's display status: derived from the indexing status, then enabled and archived. */
export function displayStatus(fields: Record<string, unknown>): string {
  switch (fields.indexing_status) {
    case 'waiting':
      return 'queuing';
    case 'paused':
      return 'paused';
    case 'error':
      return 'error';
    case 'completed':
      if (fields.archived) return 'archived';
      return fields.enabled ? 'available' : 'disabled';
    default:
      return 'indexing';
  }
}

/** The fields List Documents and the create and update answers give a document, besides its data source. */
const LIST_ITEM_FIELDS = [
  'id',
  'position',
  'data_source_type',
  'dataset_process_rule_id',
  'name',
  'created_from',
  'created_by',
  'created_at',
  'tokens',
  'indexing_status',
  'error',
  'enabled',
  'disabled_at',
  'disabled_by',
  'archived',
  'display_status',
  'word_count',
  'hit_count',
  'doc_form',
  'doc_metadata',
  'summary_index_status',
  'need_summary',
];

/** A document as a list item, from its current Get Document fields: the raw data source beside the detailed one. */
export function documentListItem(doc: MockDocument, fields: Record<string, unknown>): Record<string, unknown> {
  const item = Object.fromEntries(LIST_ITEM_FIELDS.map((name) => [name, fields[name]]));
  return {
    ...item,
    data_source_info: doc.file ? { upload_file_id: doc.file.id } : fields.data_source_info,
    data_source_detail_dict: fields.data_source_info,
  };
}

const HANDBOOK_TEXT = 'Every conformance run starts from the same fixtures.\n';
/** The main knowledge base's documents besides the guide and the Notion import: one per kind and state. */
export const FIXTURE_DOCUMENT_IDS = {
  text: '1c2d3e4f-5a6b-4c7d-8e9f-a0b1c2d3e4f5',
  indexing: '2d3e4f5a-6b7c-4d8e-9fa0-b1c2d3e4f5a6',
  error: '3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f5a6b7',
  disabled: '4f5a6b7c-8d9e-4fa0-b1c2-d3e4f5a6b7c8',
  archived: '5a6b7c8d-9eaf-4b0c-8d2e-e4f5a6b7c8d9',
} as const;

/** A document of the main knowledge base made from text, with its own file, position and state. */
function textDocument(id: string, name: string, position: number, state: Record<string, unknown>): MockDocument {
  const file = textFile(`${id.slice(0, 24)}f11e0000abcd`, name, HANDBOOK_TEXT);
  const fields = documentFields(id, name, 'upload_file', uploadInfo(file), {
    position,
    doc_form: 'hierarchical_model',
    created_at: 1741267200 + position * 60,
    ...state,
  });
  return { id, datasetId: MOCK_IDS.datasetId, file, fields: { ...fields, display_status: displayStatus(fields) } };
}

/** Not yet indexed: nothing of it is complete, so it has no chunks and no completion time. */
const UNINDEXED = {
  completed_at: null,
  indexing_latency: null,
  segment_count: 0,
  average_segment_length: 0,
  tokens: 0,
};

export const MOCK_DOCUMENTS: readonly MockDocument[] = [
  {
    id: MOCK_IDS.documentId,
    datasetId: MOCK_IDS.datasetId,
    file: GUIDE_FILE,
    batch: MOCK_IDS.batch,
    fields: documentFields(MOCK_IDS.documentId, GUIDE_FILE.name, 'upload_file', uploadInfo(GUIDE_FILE), {
      doc_form: 'hierarchical_model',
      doc_type: 'paper',
      doc_metadata: [
        { ...METADATA_FIELDS[0], value: 'Ada Lovelace' },
        { ...METADATA_FIELDS[1], value: 'Research' },
      ],
    }),
  },
  {
    id: MOCK_IDS.nonFileDocumentId,
    datasetId: MOCK_IDS.datasetId,
    fields: documentFields(
      MOCK_IDS.nonFileDocumentId,
      'Team handbook',
      'notion_import',
      {
        notion_workspace_id: 'notion-workspace-1',
        notion_page_id: 'notion-page-1',
        type: 'page',
      },
      { doc_form: 'hierarchical_model', position: 2 },
    ),
  },
  textDocument(FIXTURE_DOCUMENT_IDS.text, 'Release notes', 3, {
    doc_metadata: [{ ...METADATA_FIELDS[1], value: 'Engineering' }],
  }),
  textDocument(FIXTURE_DOCUMENT_IDS.indexing, 'Quarterly report draft', 4, {
    indexing_status: 'indexing',
    ...UNINDEXED,
  }),
  textDocument(FIXTURE_DOCUMENT_IDS.error, 'Scanned contract', 5, {
    indexing_status: 'error',
    error: 'The embedding model refused the request.',
    ...UNINDEXED,
  }),
  textDocument(FIXTURE_DOCUMENT_IDS.disabled, 'Old pricing', 6, {
    enabled: false,
    disabled_at: 1741353600,
    disabled_by: USER_A,
  }),
  textDocument(FIXTURE_DOCUMENT_IDS.archived, 'Meeting notes 2024', 7, { archived: true }),
  {
    id: MOCK_DISABLED_DOCUMENT_ID,
    datasetId: MOCK_IDS.apiDisabledDatasetId,
    file: GUIDE_FILE,
    fields: documentFields(MOCK_DISABLED_DOCUMENT_ID, GUIDE_FILE.name, 'upload_file', uploadInfo(GUIDE_FILE)),
  },
  {
    id: MOCK_IDS.foreignDocumentId,
    datasetId: MOCK_IDS.foreignDatasetId,
    file: GUIDE_FILE,
    fields: documentFields(MOCK_IDS.foreignDocumentId, 'foreign-secret-plan.txt', 'upload_file', {
      upload_file_id: GUIDE_FILE.id,
    }),
  },
];

/** Settings that point the suite at a mock as if it were a live server: every optional check enabled. */
export function liveSettingsFor(origin: string, apiKey: string, signedUrlTtl: number): Record<string, string> {
  return {
    DIFY_BASE_URL: `${origin}/v1`,
    DIFY_API_KEY: apiKey,
    DIFY_DATASET_ID: MOCK_IDS.datasetId,
    DIFY_DOCUMENT_ID: MOCK_IDS.documentId,
    DIFY_NON_FILE_DOCUMENT_ID: MOCK_IDS.nonFileDocumentId,
    DIFY_API_DISABLED_DATASET_ID: MOCK_IDS.apiDisabledDatasetId,
    DIFY_FOREIGN_DATASET_ID: MOCK_IDS.foreignDatasetId,
    DIFY_FOREIGN_DOCUMENT_ID: MOCK_IDS.foreignDocumentId,
    DIFY_SIGNED_URL_TTL: String(signedUrlTtl),
  };
}
