// Spec loading: our spec and Dify's upstream specs load and compile; broken specs give one line.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { DEFAULT_SPEC, PROJECT_ROOT } from '../src/paths';
import { loadSpec, loadSpecSync, SpecError } from '../src/spec';
import { Validators } from '../src/validation';

const UPSTREAM = path.resolve(PROJECT_ROOT, '..', 'shared', 'upstream');

/** The Knowledge API's operations, as the docs name them (openapi_knowledge.json, May 2026). */
const KNOWLEDGE_API = [
  'createDataset',
  'listDatasets',
  'getDatasetDetail',
  'updateDataset',
  'deleteDataset',
  'createDocumentFromText',
  'createDocumentFromFile',
  'listDocuments',
  'getDocumentDetail',
  'deleteDocument',
  'downloadDocument',
  'getDocumentIndexingStatus',
  'updateDocumentByText',
  'updateDocumentByFile',
  'downloadDocumentsZip',
  'batchUpdateDocumentStatus',
  'createSegments',
  'listSegments',
  'getSegmentDetail',
  'updateSegment',
  'deleteSegment',
  'createChildChunk',
  'getChildChunks',
  'updateChildChunk',
  'deleteChildChunk',
  'retrieveSegments',
  'createKnowledgeTag',
  'getKnowledgeTags',
  'updateKnowledgeTag',
  'deleteKnowledgeTag',
  'bindTagsToDataset',
  'unbindTagFromDataset',
  'queryDatasetTags',
  'createMetadataField',
  'listMetadataFields',
  'updateMetadataField',
  'deleteMetadataField',
  'getBuiltInMetadataFields',
  'toggleBuiltInMetadataField',
  'batchUpdateDocumentMetadata',
  'getAvailableModels',
  'uploadPipelineFile',
  'listDatasourcePlugins',
  'runDatasourceNode',
  'runPipeline',
];

test('our spec documents the 45 operations of the Knowledge API and compiles every response schema', async () => {
  const spec = await loadSpec(DEFAULT_SPEC);
  expect([...spec.operations.keys()].sort()).toEqual([...KNOWLEDGE_API].sort());
  expect(spec.sha256).toMatch(/^[0-9a-f]{64}$/);
  expect(new Validators(spec).compileAll()).toBeGreaterThan(45);
});

test("the 45 operations are the upstream Knowledge API file's, by operationId", async () => {
  const full = path.join(UPSTREAM, 'openapi_knowledge.json');
  test.skip(!existsSync(full), `${full} is not present on this machine`);
  const upstream = await loadSpec(full);
  expect([...upstream.operations.keys()].sort()).toEqual([...KNOWLEDGE_API].sort());
});

for (const file of ['openapi_knowledge.json', 'openapi_service.json']) {
  test(`the upstream ${file} loads and compiles`, async () => {
    const full = path.join(UPSTREAM, file);
    test.skip(!existsSync(full), `${full} is not present on this machine`);
    const spec = await loadSpec(full);
    expect(spec.operations.get('getDocumentDetail')).toBeDefined();
    expect(new Validators(spec).compileAll()).toBeGreaterThan(10);
  });
}

const broken: [string, string, string, RegExp][] = [
  ['bad YAML', 'spec.yaml', 'openapi: 3.0.3\ninfo: [unclosed\n', /not valid YAML at line \d+, column \d+/],
  ['bad JSON', 'spec.json', '{"openapi": ', /not valid JSON/],
  ['an unknown extension', 'spec.txt', 'openapi: 3.0.3', /unknown spec format "\.txt"/],
  [
    'OpenAPI 3.1',
    'spec.yaml',
    'openapi: 3.1.0\ninfo: {title: t, version: "1"}\npaths: {}\n',
    /only OpenAPI 3\.0\.x is supported/,
  ],
  [
    'Swagger 2.0',
    'spec.yaml',
    'swagger: "2.0"\n',
    /only OpenAPI 3\.0\.x is supported \(the "openapi" field is undefined\)/,
  ],
  ['a missing info', 'spec.yaml', 'openapi: 3.0.3\npaths: {}\n', /not a valid OpenAPI 3\.0 document/],
  [
    'an unresolvable $ref',
    'spec.yaml',
    'openapi: 3.0.3\ninfo: {title: t, version: "1"}\npaths:\n  /a:\n    get:\n      responses:\n        "200": {$ref: "#/components/responses/Nope"}\n',
    /not a valid OpenAPI 3\.0 document/,
  ],
];

for (const [what, name, content, message] of broken) {
  test(`a spec with ${what} is one SpecError line naming the file`, async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'spec-')), name);
    writeFileSync(file, content);
    const error = await loadSpec(file).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SpecError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message.startsWith(file)).toBe(true);
    expect((error as Error).message).not.toContain('\n');
  });
}

test('the synchronous loader resolves the same document, and refuses a broken spec the same way', async () => {
  expect(loadSpecSync(DEFAULT_SPEC).document).toEqual(
    JSON.parse(JSON.stringify((await loadSpec(DEFAULT_SPEC)).document)),
  );
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'spec-')), 'spec.yaml');
  writeFileSync(file, 'openapi: 3.0.3\npaths: {}\n');
  expect(() => loadSpecSync(file)).toThrow(/not a valid OpenAPI 3\.0 document \(.*info/);
});
