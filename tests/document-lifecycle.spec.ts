// The document lifecycle (list, create by file, indexing status, delete) the opt-in fixtures rely
// on. Checks that write skip on a live target unless CONFORMANCE_ALLOW_WRITES=1.
import { createHash } from 'node:crypto';
import { expectDifyError, expectJson, expectSchema, expectStatus } from '../src/assertions';
import { waitIndexed } from '../src/documents';
import { type CheckArgs, check, skipCheck, test } from '../src/fixtures';
import { issueSignedUrl } from '../src/signed-download';
import { claim, show } from '../src/violation';

function requireWrites({ settings }: CheckArgs): void {
  if (!settings.allowWrites) {
    skipCheck('writes are off: CONFORMANCE_ALLOW_WRITES=1 lets the suite create (and delete) a document');
  }
}

test(
  ...check('listDocuments/response/schema', async ({ api, settings, validators }) => {
    const response = await api.call('listDocuments', { dataset_id: settings.ids.datasetId }, { query: { limit: '5' } });
    expectStatus(response, 200);
    expectSchema(validators, validators.responseSchema('listDocuments', 200), expectJson(response), response);
  }),
);

test(
  ...check('createDocumentFromFile/response/schema', async (args) => {
    requireWrites(args);
    const created = await args.scratch.upload('create-check');
    const { response } = created;
    const body = expectJson(response);
    expectSchema(args.validators, args.validators.responseSchema('createDocumentFromFile', 200), body, response);
    const name = (body as { document?: { name?: unknown } }).document?.name;
    claim(name === created.file.name, () => ({
      expected: `document.name ${show(created.file.name)}, as uploaded`,
      actual: `document.name ${show(name)}`,
      pointer: '/document/name',
      request: response.summary,
    }));
  }),
);

test(
  ...check('createDocumentFromFile/errors/no-file', async (args) => {
    requireWrites(args);
    const response = await args.api.call(
      'createDocumentFromFile',
      { dataset_id: args.settings.ids.datasetId },
      { multipart: { data: JSON.stringify({ indexing_technique: 'economy', process_rule: { mode: 'automatic' } }) } },
    );
    expectDifyError(
      args.validators,
      'createDocumentFromFile',
      response,
      args.def.case?.status ?? 400,
      args.def.case?.code,
    );
  }),
);

test(
  ...check('getDocumentIndexingStatus/response/schema', async (args) => {
    requireWrites(args);
    const created = await args.scratch.upload('indexing-check');
    const schema = args.validators.responseSchema('getDocumentIndexingStatus', 200);
    const { datasetId } = args.settings.ids;
    await waitIndexed(args.api, datasetId, created, args.settings.indexingTimeoutMs, (body, response) => {
      const result = schema ? args.validators.validate(schema, body) : undefined;
      claim(result?.ok === true, () => ({
        expected: 'an indexing status valid against the documented schema',
        actual: result && !result.ok ? result.problems.map((p) => p.message).join('; ') : 'the spec documents none',
        pointer: result && !result.ok ? result.problems[0]?.pointer : undefined,
        request: response.summary,
      }));
    });
  }),
);

test(
  ...check('downloadDocument/signed-url/uploaded-bytes', async (args) => {
    requireWrites(args);
    const { datasetId } = args.settings.ids;
    const created = await args.scratch.upload('download-check');
    await waitIndexed(args.api, datasetId, created, args.settings.indexingTimeoutMs);
    const { url } = await issueSignedUrl(args.api, args.redactor, datasetId, created.id);
    const file = await args.anonymous.get(url);
    expectStatus(file, 200);
    const [expected, actual] = [created.file.bytes, file.body].map((b) => createHash('sha256').update(b).digest('hex'));
    claim(actual === expected, () => ({
      expected: `the ${created.file.bytes.length} bytes uploaded (SHA-256 ${expected})`,
      actual: `${file.body.length} bytes (SHA-256 ${actual})`,
      request: file.summary,
    }));
  }),
);

test(
  ...check('deleteDocument/removes-document', async (args) => {
    requireWrites(args);
    const { datasetId } = args.settings.ids;
    const created = await args.scratch.upload('delete-check');
    await waitIndexed(args.api, datasetId, created, args.settings.indexingTimeoutMs);
    const params = { dataset_id: datasetId, document_id: created.id };
    const deleted = await args.api.call('deleteDocument', params);
    expectStatus(deleted, 204);
    const after = await args.api.call('getDocumentDetail', params);
    claim(after.status === 404, () => ({
      expected: 'HTTP 404 for the deleted document',
      actual: `HTTP ${after.status} with ${show(after.text(), 160)}`,
      request: after.summary,
    }));
  }),
);
