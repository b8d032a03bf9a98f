// Mock profiles (CONFORMANCE_MOCK_PROFILE): the mock answering as a stock Dify release does, each
// drift a deviation with the line of Dify's code at the release's commit that makes it.
// Read from hugh-devPhp/my_dify (a full-history copy of langgenius/dify), not from running a server.
import type { DeviationName } from './deviations';

interface Drift {
  deviation: DeviationName;
  description: string;
  /** Where the release's code does it: a path from Dify's repository root, with its line(s). */
  source: string;
}

interface Profile {
  release: string;
  /** The commit of Dify's repository the drifts were read at. */
  commit?: string;
  drifts: Drift[];
}

/** Drifts both releases share; only their source lines differ. */
function shared(lines: {
  getDocument: string;
  hasMore: string;
  limitEcho: string;
  url: string;
  deleteMetadata: string;
  counts: string;
  detailMetadata: string;
  nested: string;
  origin: string;
  otherChunk: string;
  uploadLimit: string;
}): Drift[] {
  return [
    {
      deviation: 'detail-without-word-count',
      description: 'Get Document has no word_count with metadata=all, the default or without',
      source: lines.getDocument,
    },
    {
      deviation: 'last-page-has-more',
      description:
        'has_more is len(items) == limit: true on an exactly full last page (documents, knowledge bases, chunks)',
      source: lines.hasMore,
    },
    {
      deviation: 'limit-echoed-uncapped',
      description: 'max_per_page=100 caps the page, but List Documents and List Chunks echo the limit asked (e.g. 150)',
      source: lines.limitEcho,
    },
    {
      deviation: 'relative-url',
      description: "Download Document's url is relative to the server root: FILES_URL defaults to empty",
      source: lines.url,
    },
    {
      deviation: 'unknown-metadata-delete-204',
      description: 'Delete Metadata Field of an unknown field answers 204: the service only logs "Metadata not found."',
      source: lines.deleteMetadata,
    },
    {
      deviation: 'unindexed-counts-null',
      description: 'Create Document by Text and by File answer tokens and word_count null: indexing sets them later',
      source: lines.counts,
    },
    {
      deviation: 'detail-doc-metadata-null-when-empty',
      description: 'Get Document (all, only) gives doc_metadata: null for a document without metadata values',
      source: lines.detailMetadata,
    },
    {
      deviation: 'unset-objects-of-nulls',
      description:
        'Knowledge-base answers give an unset summary_index_setting, external_knowledge_info and icon_info as objects of nulls',
      source: lines.nested,
    },
    {
      deviation: 'update-marks-web-origin',
      description: "An update by text or file sets created_from to web: the update service's default origin",
      source: lines.origin,
    },
    {
      deviation: 'other-document-segment-served',
      description:
        "Get, Update and Delete Chunk serve a chunk named under another document: the document is checked, the chunk's document is not",
      source: lines.otherChunk,
    },
    {
      deviation: 'pipeline-upload-too-large-400',
      description:
        'Upload Pipeline File over the limit answers 400 invalid_param "{message}", not 413: the service\'s FileTooLargeError is a ValueError',
      source: lines.uploadLimit,
    },
  ];
}

export const PROFILES = {
  docs: { release: 'the published docs', drifts: [] },
  'dify-1.13.3': {
    release: 'Dify 1.13.3',
    commit: '59639ca9b2ba2ba4b32b5feff5149cfc1ad0ba74',
    drifts: [
      ...shared({
        getDocument: 'api/controllers/service_api/dataset/document.py:731-802',
        hasMore: 'api/controllers/service_api/dataset/document.py:546, dataset.py:173, segment.py:197',
        limitEcho: 'api/controllers/service_api/dataset/document.py:534,547, segment.py:198',
        url: 'api/configs/feature/__init__.py:328-335',
        deleteMetadata: 'api/services/metadata_service.py:100-129',
        counts: 'api/services/dataset_service.py:2486-2500',
        detailMetadata: 'api/models/dataset.py:604-627, api/controllers/service_api/dataset/document.py:730,793',
        nested: 'api/fields/dataset_fields.py:94,97,104 (Nested without allow_null), dataset.py:155,233',
        origin: 'api/services/dataset_service.py:1947-1948,2536,2645',
        otherChunk:
          'api/services/dataset_service.py:3933-3940, api/controllers/service_api/dataset/segment.py:233-236,283-289,314',
        uploadLimit:
          'api/controllers/service_api/dataset/rag_pipeline/rag_pipeline_workflow.py:23,248-249, api/services/errors/base.py:1',
      }),
      {
        deviation: 'list-doc-metadata-null-when-empty',
        description:
          'List Documents and the create/update answers give doc_metadata: null for a document without values',
        source: 'api/fields/document_fields.py:35',
      },
      {
        deviation: 'tag-binding-count-400',
        description:
          'List (with a tag), Create and Update Knowledge Tag answer 400 invalid_param: binding_count int vs str, after committing',
        source: 'api/fields/tag_fields.py:16-20',
      },
      {
        deviation: 'unknown-metadata-update-nulls',
        description: 'Update Metadata Field of an unknown field answers 200 {id: null, name: null, type: null}',
        source: 'api/controllers/service_api/dataset/metadata.py:107-108',
      },
      {
        deviation: 'dataset-tag-filter-400',
        description:
          'List Knowledge Bases answers 400 invalid_param to tag_ids: the query is read with to_dict(), so the list field gets a string',
        source: 'api/controllers/service_api/dataset/dataset.py:105,136',
      },
      {
        deviation: 'tag-unbind-needs-tag-id',
        description:
          'Unbind a Tag takes only the one-tag body {tag_id}: the documented tag_ids answers 400 invalid_param',
        source: 'api/controllers/service_api/dataset/dataset.py:95-97,611-612',
      },
      {
        deviation: 'segment-create-empty-accepted',
        description: 'Create Chunks with segments: [] answers 200 with no chunks',
        source: 'api/controllers/service_api/dataset/segment.py:124-134, api/services/dataset_service.py:3231,3291',
      },
      {
        deviation: 'segment-list-below-minimum-served',
        description: 'List Chunks with limit=0 or page=0 serves a page and echoes the 0 (type=int, no bound)',
        source: 'api/controllers/service_api/dataset/segment.py:151-152,197-199',
      },
    ],
  },
  'dify-1.14.2': {
    release: 'Dify 1.14.2',
    commit: 'ad96501e091cb614b7dc287d761a7637989f5391',
    drifts: [
      ...shared({
        getDocument: 'api/controllers/service_api/dataset/document.py:892-963',
        hasMore: 'api/controllers/service_api/dataset/document.py:694, dataset.py:252, segment.py:287',
        limitEcho: 'api/controllers/service_api/dataset/document.py:682, api/services/dataset_service.py:3983',
        url: 'api/configs/feature/__init__.py:354-361',
        deleteMetadata: 'api/services/metadata_service.py:127-160',
        counts: 'api/models/dataset.py:525,535',
        detailMetadata: 'api/models/dataset.py:669-691, api/controllers/service_api/dataset/document.py:891,954',
        nested: 'api/fields/dataset_fields.py:250-264,276-279',
        origin: 'api/services/dataset_service.py:2086-2087,2676,2785',
        otherChunk:
          'api/services/dataset_service.py:3988-3995, api/controllers/service_api/dataset/segment.py:326-329,380-386,427',
        uploadLimit: 'api/controllers/service_api/dataset/rag_pipeline/rag_pipeline_workflow.py:24,252-253',
      }),
      {
        deviation: 'unknown-metadata-update-400',
        description:
          'Update Metadata Field of an unknown field answers 400 invalid_param: its response model refuses None',
        source: 'api/controllers/service_api/dataset/metadata.py:125-126',
      },
      {
        deviation: 'segment-create-error-without-code',
        description:
          'Create Chunks answers a body its payload model refuses (no chunks, empty content) with {"error": …}, without code and status',
        source: 'api/controllers/service_api/dataset/segment.py:49-64,187-190',
      },
    ],
  },
} as const satisfies Record<string, Profile>;

export type ProfileName = keyof typeof PROFILES;
export const PROFILE_NAMES = Object.keys(PROFILES) as ProfileName[];
export const DEFAULT_PROFILE: ProfileName = 'docs';
