// Discovery: the contract's links lead from the knowledge base to a document, a segment and a
// child chunk that belong together; an empty list becomes a gap with a reason, never a guess.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { discover, type Reader } from '../src/discovery';
import { createMockApp } from '../src/mock/app';
import { MOCK_API_KEY, MOCK_DATASETS, MOCK_IDS, MOCK_SIGNED_URL_TTL } from '../src/mock/data';
import { DEFAULT_SPEC } from '../src/paths';
import { type LoadedSpec, loadSpec } from '../src/spec';

const CONTRACT = `
openapi: 3.0.3
info: { title: links, version: '1' }
paths:
  /datasets/{dataset_id}/documents:
    get:
      operationId: listDocuments
      summary: List Documents
      parameters: [{ name: dataset_id, in: path, required: true, schema: { type: string } }]
      responses:
        '200':
          description: ok
          links:
            toSegments:
              operationId: listSegments
              x-where: { /data_source_type: upload_file }
              parameters: { dataset_id: $request.path.dataset_id, document_id: '$response.body#/data/0/id' }
  /datasets/{dataset_id}/documents/{document_id}/segments:
    get:
      operationId: listSegments
      summary: List Chunks
      parameters:
        - { name: dataset_id, in: path, required: true, schema: { type: string } }
        - { name: document_id, in: path, required: true, schema: { type: string } }
      responses:
        '200':
          description: ok
          links:
            toChildren:
              operationId: getChildChunks
              parameters:
                dataset_id: $request.path.dataset_id
                document_id: $request.path.document_id
                segment_id: '$response.body#/data/0/id'
  /datasets/{dataset_id}/documents/{document_id}/segments/{segment_id}/child_chunks:
    get:
      operationId: getChildChunks
      summary: Get Child Chunks
      parameters:
        - { name: dataset_id, in: path, required: true, schema: { type: string } }
        - { name: document_id, in: path, required: true, schema: { type: string } }
        - { name: segment_id, in: path, required: true, schema: { type: string } }
      responses:
        '200':
          description: ok
          links:
            toChild:
              operationId: getChildChunks
              parameters: { child_chunk_id: '$response.body#/data/0/id' }
  /datasets/{dataset_id}/documents/{document_id}/segments/{segment_id}/child_chunks/{child_chunk_id}:
    get:
      operationId: getChildChunk
      parameters:
        - { name: dataset_id, in: path, required: true, schema: { type: string } }
        - { name: document_id, in: path, required: true, schema: { type: string } }
        - { name: segment_id, in: path, required: true, schema: { type: string } }
        - { name: child_chunk_id, in: path, required: true, schema: { type: string } }
        - { name: model_type, in: path, required: true, schema: { type: string, enum: [a] } }
      responses: { '200': { description: ok } }
  /tags/{tag_id}:
    get:
      operationId: getTag
      parameters: [{ name: tag_id, in: path, required: true, schema: { type: string } }]
      responses: { '200': { description: ok } }
`;

let spec: LoadedSpec;

test.beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'dkc-discovery-'));
  writeFileSync(path.join(dir, 'spec.yaml'), CONTRACT);
  spec = await loadSpec(path.join(dir, 'spec.yaml'));
});

/** A server whose answers are listed by operation and path values; everything else is a 404. */
function server(answers: Record<string, unknown>): { read: Reader; asked: string[] } {
  const asked: string[] = [];
  const read: Reader = async (operationId, params) => {
    const key = `${operationId} ${Object.values(params).join(' ')}`;
    asked.push(key);
    return answers[key];
  };
  return { read, asked };
}

const docs = (...items: [string, string][]) => ({
  data: items.map(([id, data_source_type]) => ({ id, data_source_type })),
});
const list = (...ids: string[]) => ({ data: ids.map((id) => ({ id })) });

test('finds ids that belong together, stepping over a document without chunks and a Notion page', async () => {
  const { read } = server({
    'listDocuments kb': docs(['notion', 'notion_import'], ['empty', 'upload_file'], ['guide', 'upload_file']),
    'listSegments kb empty': list(),
    'listSegments kb guide': list('seg-1', 'seg-2'),
    'getChildChunks kb guide seg-1': list(),
    'getChildChunks kb guide seg-2': list('child-1'),
  });
  const found = await discover(spec, { dataset_id: 'kb' }, read);
  expect(found.ids).toEqual({ document_id: 'guide', segment_id: 'seg-2', child_chunk_id: 'child-1' });
  expect(found.gaps).toEqual({ tag_id: expect.stringContaining('no operation of the contract lists a tag') });
});

test('a pinned id is kept and read under, never replaced', async () => {
  const { read, asked } = server({ 'listSegments kb pinned': list('seg-9') });
  const found = await discover(spec, { dataset_id: 'kb', document_id: 'pinned' }, read);
  expect(found.ids.segment_id).toBe('seg-9');
  expect(found.ids.document_id).toBeUndefined();
  expect(asked).not.toContain('listDocuments kb');
});

test('an empty knowledge base gives each missing id a reason', async () => {
  const { read } = server({ 'listDocuments kb': docs() });
  const found = await discover(spec, { dataset_id: 'kb' }, read);
  expect(found.ids).toEqual({});
  expect(found.gaps.segment_id).toMatch(/^the knowledge base has no segment \(List Chunks found none\)$/);
  expect(found.gaps.child_chunk_id).toMatch(/has no child chunk/);
});

test('a wide knowledge base without child chunks is searched within a bounded number of requests', async () => {
  let calls = 0;
  const many = { data: Array.from({ length: 50 }, (_, i) => ({ id: `x${i}`, data_source_type: 'upload_file' })) };
  const found = await discover(spec, { dataset_id: 'kb' }, async (operationId) => {
    calls += 1;
    return operationId === 'getChildChunks' ? list() : many;
  });
  expect(calls).toBe(60);
  expect(found.requests).toBe(calls);
  expect(found.ids).toEqual({ document_id: 'x0', segment_id: 'x0' });
  expect(found.gaps.child_chunk_id).toBe('no child chunk found within 60 discovery requests (set it in the settings)');
});

test.describe('on the embedded mock, with the project contract', () => {
  let contract: LoadedSpec;
  test.beforeAll(async () => {
    contract = await loadSpec(DEFAULT_SPEC);
  });

  /** Reads through the mock app in-process, as the global setup reads a live target. */
  const mockReader = (): Reader => {
    const { app } = createMockApp({ apiKey: MOCK_API_KEY, signedUrlTtl: MOCK_SIGNED_URL_TTL });
    return async (operationId, params) => {
      const operation = contract.operations.get(operationId);
      if (!operation) return undefined;
      const path = operation.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));
      const response = await app.request(`/v1${path}`, { headers: { Authorization: `Bearer ${MOCK_API_KEY}` } });
      return response.ok ? response.json() : undefined;
    };
  };

  test('the main knowledge base yields an uploaded document and one of its segments', async () => {
    const found = await discover(contract, { dataset_id: MOCK_IDS.datasetId }, mockReader());
    // The guide is the one uploaded document whose indexing completed, and it has segments.
    expect(found.ids.document_id).toBe(MOCK_IDS.documentId);
    const segments = (await mockReader()('listSegments', { dataset_id: MOCK_IDS.datasetId, ...found.ids })) as {
      data: { id: string }[];
    };
    expect(segments.data.map((segment) => segment.id)).toContain(found.ids.segment_id);
    expect(found.gaps).toEqual({ batch: expect.stringMatching(/no operation of the contract lists a batch/) });
  });

  test('a knowledge base without documents says so for each id it cannot find', async () => {
    const empty = MOCK_DATASETS.find((d) => d.fields.name === 'Release notes');
    expect(empty).toBeDefined();
    const found = await discover(contract, { dataset_id: String(empty?.id) }, mockReader());
    expect(found.ids).toEqual({});
    expect(found.gaps.document_id).toMatch(
      /^the knowledge base has no document with data_source_type "upload_file" and indexing_status "completed"/,
    );
    expect(found.gaps.segment_id).toMatch(/^the knowledge base has no segment \(List Chunks, Get Chunk found none\)$/);
  });
});
