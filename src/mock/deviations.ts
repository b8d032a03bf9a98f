// Named ways the mock can break the contract; the project's tests switch on one at a time and
// assert that exactly the listed checks fail (and the listed SHOULD checks warn).

export interface Deviation {
  description: string;
  /** Check ids that must fail with this deviation, and no others. */
  fails: string[];
  /** SHOULD-level check ids that must warn (and fail under CONFORMANCE_STRICT=1). */
  warns?: string[];
}

const modes = (suffix: string, names: string[]) => names.map((mode) => `getDocumentDetail/metadata-${mode}/${suffix}`);

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
    description: 'an invalid metadata value gets 200 and the full document',
    fails: ['getDocumentDetail/metadata-invalid/invalid-metadata'],
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
} satisfies Record<string, Deviation>;

export type DeviationName = keyof typeof definitions;
export const DEVIATIONS: Record<DeviationName, Deviation> = definitions;
export const DEVIATION_NAMES: string[] = Object.keys(DEVIATIONS);
