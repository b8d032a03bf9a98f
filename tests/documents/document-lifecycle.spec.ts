// The document lifecycle: rows in document-lifecycle.checks.yaml. Checks write in the run's knowledge
// base and skip on a live target unless CONFORMANCE_ALLOW_WRITES=1; each deletes what it created.
import { createHash } from 'node:crypto';
import { expectDifyError, expectJson, expectObject, expectSchema, expectStatus } from '../../src/assertions';
import { type CheckArgs, checksOf, type Template } from '../../src/checks';
import { type CreatedDocument, waitIndexed } from '../../src/documents';
import { test } from '../../src/fixtures';
import { servedFileFor, signedUrlFor } from '../../src/signed-download';
import { noteFieldsSeen } from '../../src/templates/response';
import { claim, show } from '../../src/violation';

const CREATE = 'createDocumentFromFile/response/schema';
const INDEXING = 'getDocumentIndexingStatus/response/schema';

/** A document of the suite's own, indexed: blocked by the create or indexing checks when it cannot be had. */
async function indexedDocument(args: CheckArgs, purpose: string): Promise<CreatedDocument> {
  const created = await args.given(CREATE, () => args.scratch.upload(purpose));
  await args.given(INDEXING, () => waitIndexed(args.api, created, args.settings.indexingTimeoutMs));
  return created;
}

const templates: Record<string, Template> = {
  'create-document': async (args) => {
    const created = await args.scratch.upload('create-check');
    const { response } = created;
    const body = expectJson(response);
    expectSchema(args.validators, args.validators.responseSchema('createDocumentFromFile', 200), body, response);
    noteFieldsSeen(args, 'createDocumentFromFile', expectObject(body, response));
    const name = (body as { document?: { name?: unknown } }).document?.name;
    claim(name === created.file.name, () => ({
      expected: `document.name ${show(created.file.name)}, as uploaded`,
      actual: `document.name ${show(name)}`,
      pointer: '/document/name',
      request: response.summary,
    }));
  },

  'create-without-file': async (args) => {
    const response = await args.api.call(
      'createDocumentFromFile',
      { dataset_id: await args.scratch.runDataset() },
      { multipart: { data: JSON.stringify({ indexing_technique: 'economy', process_rule: { mode: 'automatic' } }) } },
    );
    expectDifyError(args.validators, 'createDocumentFromFile', response, 400, 'no_file_uploaded');
  },

  'indexing-status': async (args) => {
    const created = await args.given(CREATE, () => args.scratch.upload('indexing-check'));
    const schema = args.validators.responseSchema('getDocumentIndexingStatus', 200);
    await waitIndexed(args.api, created, args.settings.indexingTimeoutMs, (body, response) =>
      expectSchema(args.validators, schema, body, response),
    );
  },

  'uploaded-bytes': async (args) => {
    const created = await indexedDocument(args, 'download-check');
    const { url } = await signedUrlFor(args, created);
    const file = await servedFileFor(args, url);
    const [expected, actual] = [created.file.bytes, file.body].map((b) => createHash('sha256').update(b).digest('hex'));
    claim(actual === expected, () => ({
      expected: `the ${created.file.bytes.length} bytes uploaded (SHA-256 ${expected})`,
      actual: `${file.body.length} bytes (SHA-256 ${actual})`,
      request: file.summary,
    }));
  },

  'delete-document': async (args) => {
    const created = await indexedDocument(args, 'delete-check');
    const params = { dataset_id: created.datasetId, document_id: created.id };
    expectStatus(await args.api.call('deleteDocument', params), 204);
    const after = await args.api.call('getDocumentDetail', params);
    // Only 200 (still there) or 404 (gone) judge the delete; anything else is the unknown-document check's finding.
    await args.given('getDocumentDetail/errors/unknown-document', async () =>
      claim(after.status === 200 || after.status === 404, () => ({
        expected: 'HTTP 404 for a document that does not exist',
        actual: `HTTP ${after.status} with ${show(after.text(), 160)}`,
        request: after.summary,
      })),
    );
    claim(after.status === 404, () => ({
      expected: 'HTTP 404 for the deleted document',
      actual: `HTTP ${after.status}: it is still there`,
      request: after.summary,
    }));
  },
};

for (const check of checksOf(__filename, templates)) test(...check);
