// Discovery: the contract's links lead from the knowledge base to a document, a segment and a
// child chunk that belong together; an empty list becomes a gap with a reason, never a guess.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { discover, type Reader } from '../src/discovery';
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
  expect(calls).toBeLessThanOrEqual(31);
  expect(found.requests).toBe(calls);
  expect(found.ids).toEqual({ document_id: 'x0', segment_id: 'x0' });
  expect(found.gaps.child_chunk_id).toMatch(/has no child chunk/);
});
