// Named ways the mock can break the contract; the project's tests switch on one at a time and
// assert that exactly the listed checks fail (and the listed SHOULD checks warn).

export interface Deviation {
  description: string;
  /** Check ids that must fail with this deviation, and no others. */
  fails: string[];
  /** SHOULD-level check ids that must warn (and fail under CONFORMANCE_STRICT=1). */
  warns?: string[];
  /** What every failure's detail must say: the cause in plain words. */
  cause?: string;
  /** Suite settings the deviation is tested with, e.g. a short request timeout. */
  suiteEnv?: Record<string, string>;
  /** The suite must have retried (and reported it) yet passed. */
  retried?: boolean;
}

const modes = (suffix: string, names: string[]) => names.map((mode) => `getDocumentDetail/metadata-${mode}/${suffix}`);

/** Checks that need a working signed URL first (their precondition fails with the URL). */
const FETCHES_SIGNED_URL = [
  'downloadDocument/signed-url/original-bytes',
  'downloadDocument/signed-url/uploaded-bytes',
  'downloadDocument/signed-url/file-size',
  'downloadDocument/signed-url/file-name',
  'downloadDocument/signed-url/content-type',
  'downloadDocument/tamper/signature',
  'downloadDocument/tamper/time',
  'downloadDocument/signed-url/expiry',
  'downloadDocument/signed-url/fresh-urls',
];

const both = (suffix: string) => [`getDocumentDetail/${suffix}`, `downloadDocument/${suffix}`];

/** Every check that asks for metadata=without: the fault modes hit exactly these. */
const WITHOUT = modes('response-schema', ['without']).concat(
  modes('exact-fields', ['without']),
  modes('id', ['without']),
  modes('undocumented-fields', ['without']),
);
/** Short enough to keep the run quick, long enough that a loaded machine does not trip it. */
const SHORT_TIMEOUT = { CONFORMANCE_REQUEST_TIMEOUT: '5' };
/** The write checks: each uploads a document of its own first. */
const CREATES_DOCUMENTS = [
  'createDocumentFromFile/response/schema',
  'getDocumentIndexingStatus/response/schema',
  'downloadDocument/signed-url/uploaded-bytes',
  'deleteDocument/removes-document',
];

const definitions = {
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
  'word-count-as-string': {
    description: 'word_count is sent as a string',
    fails: modes('response-schema', ['all', 'default', 'without']),
  },
  'doc-metadata-item-without-value': {
    description: 'doc_metadata entries lack their value',
    fails: [...modes('response-schema', ['all', 'default', 'only']), 'getDocumentDetail/doc-metadata/items'],
  },
  'wrong-document-id': {
    description: 'the body names another document than the one requested',
    fails: modes('id', ['all', 'default', 'only', 'without']),
  },
  'text-content-type': {
    description: 'Get Document answers with Content-Type text/plain',
    fails: modes('response-schema', ['all', 'default', 'only', 'without']),
  },
  'undocumented-field': {
    description: 'every full document carries an undocumented field',
    fails: [],
    warns: modes('undocumented-fields', ['all', 'default', 'without']),
  },
  'download-text-content-type': {
    description: 'Download Document answers with Content-Type text/plain',
    fails: ['downloadDocument/response/schema'],
  },
  'file-url-needs-key': {
    description: 'the signed URL answers 401 unless the API key is sent too',
    fails: [...FETCHES_SIGNED_URL, 'downloadDocument/signed-url/resolves-anonymously'],
  },
  'relative-url': {
    description: 'the url is a path, not an absolute URL',
    fails: [
      ...FETCHES_SIGNED_URL,
      'downloadDocument/signed-url/absolute',
      'downloadDocument/signed-url/resolves-anonymously',
    ],
  },
  'expired-on-issue': {
    description: 'the signed URL is dated a lifetime in the past, so it is dead on arrival',
    fails: [...FETCHES_SIGNED_URL, 'downloadDocument/signed-url/resolves-anonymously'],
  },
  'url-carries-key': {
    description: 'the signed URL carries the API key in its query',
    fails: ['downloadDocument/signed-url/no-api-key'],
  },
  'signature-not-checked': {
    description: 'the file route serves any signature (so a moved timestamp passes too)',
    fails: ['downloadDocument/tamper/signature', 'downloadDocument/tamper/time'],
  },
  'timestamp-not-signed': {
    description: 'the signature does not cover the timestamp, so a later timestamp is accepted',
    fails: ['downloadDocument/tamper/time'],
  },
  'never-expires': {
    description: 'the file route ignores the URL lifetime',
    fails: ['downloadDocument/signed-url/expiry'],
  },
  'serves-other-bytes': {
    description: 'the signed URL serves other bytes of the same length',
    fails: ['downloadDocument/signed-url/original-bytes', 'downloadDocument/signed-url/uploaded-bytes'],
  },
  'truncated-file': {
    description: 'the signed URL serves the file without its last byte',
    fails: [
      'downloadDocument/signed-url/original-bytes',
      'downloadDocument/signed-url/uploaded-bytes',
      'downloadDocument/signed-url/file-size',
    ],
  },
  'wrong-file-name': {
    description: 'Content-Disposition names another file',
    fails: ['downloadDocument/signed-url/file-name'],
  },
  'html-file-type': {
    description: 'the download is sent as text/html',
    fails: ['downloadDocument/signed-url/content-type'],
  },
  'same-url-twice': {
    description: 'a second call on the same connection returns the URL the first call got',
    fails: ['downloadDocument/signed-url/fresh-urls'],
  },
  'single-use-urls': {
    description: 'a signed URL works once',
    fails: ['downloadDocument/signed-url/fresh-urls'],
  },
  'non-file-download-200': {
    description: 'a Notion document gets a download URL',
    fails: ['downloadDocument/errors/non-file-document'],
  },
  'missing-key-200': {
    description: "a request without Authorization header is served as the key's workspace",
    fails: [...both('auth/missing-header'), ...both('auth/before-lookup')],
  },
  'lookup-before-auth': {
    description: 'the knowledge base is looked up before the key is checked (404/403 without a key)',
    fails: both('auth/before-lookup'),
  },
  'basic-scheme-400': {
    description: 'a non-Bearer scheme answers 400 instead of 401',
    fails: both('auth/basic-scheme'),
  },
  'empty-bearer-500': {
    description: "'Bearer ' with no token crashes with 500",
    fails: both('auth/empty-bearer'),
  },
  'unknown-key-403': {
    description: 'an unknown key answers 403 instead of 401',
    fails: both('auth/unknown-key'),
  },
  'unknown-document-500': {
    description: 'an unknown (or deleted) document crashes with 500',
    fails: [...both('errors/unknown-document'), 'deleteDocument/removes-document'],
  },
  'document-404-without-code': {
    description: 'the 404 body for an unknown document has no code',
    fails: both('errors/unknown-document'),
  },
  'error-leaks-traceback': {
    description: 'the 404 body for an unknown document carries a Python traceback',
    fails: both('errors/no-leaks'),
  },
  'html-error-page': {
    description: "an unknown (or another workspace's) knowledge base gets an HTML error page",
    fails: [...both('errors/unknown-dataset'), ...both('errors/foreign-document')],
  },
  'forbidden-status-mismatch': {
    description: 'the 403 body says status 404',
    fails: both('errors/api-disabled-dataset'),
  },
  'api-disabled-served': {
    description: 'a knowledge base whose API access is off is served anyway',
    fails: both('errors/api-disabled-dataset'),
  },
  'foreign-document-served': {
    description: "another workspace's document is served",
    fails: both('errors/foreign-document'),
  },
  'non-uuid-500': {
    description: 'a document id that is not a UUID crashes with 500',
    fails: both('errors/non-uuid-id'),
  },
  'empty-metadata-accepted': {
    description: 'an empty metadata value is served as metadata=all',
    fails: ['getDocumentDetail/metadata-invalid/empty'],
  },
  'metadata-case-insensitive': {
    description: 'metadata=ALL is served as metadata=all',
    fails: ['getDocumentDetail/metadata-invalid/uppercase'],
  },
  'hang-on-without': {
    description: 'metadata=without never answers',
    fails: WITHOUT,
    cause: 'no complete answer within 5 s',
    suiteEnv: SHORT_TIMEOUT,
  },
  'slow-on-without': {
    description: 'metadata=without answers after 8 s',
    fails: WITHOUT,
    cause: 'no complete answer within 5 s',
    suiteEnv: SHORT_TIMEOUT,
  },
  'reset-on-without': {
    description: 'metadata=without resets the connection',
    fails: WITHOUT,
    cause: 'the server reset the connection before answering',
  },
  'garbage-on-without': {
    description: 'metadata=without answers 200 with an HTML page',
    fails: WITHOUT,
    cause: 'text/html',
  },
  'huge-body-on-without': {
    description: 'metadata=without answers with 6 MiB of JSON',
    fails: WITHOUT,
    cause: 'exceeds the bound of 5242880 bytes',
  },
  'busy-once': {
    description: 'each distinct metadata=all request first answers 503 with Retry-After: 1',
    fails: [],
    retried: true,
  },
  'list-total-as-string': {
    description: 'List Documents sends total as a string',
    fails: ['listDocuments/response/schema'],
  },
  'no-file-accepted': {
    description: 'Create Document by File without a file creates an empty document',
    fails: ['createDocumentFromFile/errors/no-file'],
  },
  'create-without-batch': {
    description: 'Create Document by File answers without a batch id',
    fails: CREATES_DOCUMENTS,
  },
  'indexing-segments-as-string': {
    description: 'the indexing status sends segment counts as strings',
    fails: ['getDocumentIndexingStatus/response/schema'],
  },
  'upload-stores-other-bytes': {
    description: 'an uploaded file is stored with other bytes',
    fails: ['downloadDocument/signed-url/uploaded-bytes'],
  },
  'delete-keeps-document': {
    description: 'Delete Document answers 204 but keeps the document',
    fails: ['deleteDocument/removes-document'],
  },
} satisfies Record<string, Deviation>;

export type DeviationName = keyof typeof definitions;
export const DEVIATIONS: Record<DeviationName, Deviation> = definitions;
export const DEVIATION_NAMES: string[] = Object.keys(DEVIATIONS);
