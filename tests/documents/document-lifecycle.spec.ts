// The document lifecycle: rows in document-lifecycle.checks.yaml. Checks write in the run's knowledge
// base and skip on a live target unless CONFORMANCE_ALLOW_WRITES=1; each deletes what it created.
import { expectDifyError, expectJson, expectObject, expectSchema, expectStatus } from '../../src/assertions';
import { checksOf, type Template } from '../../src/checks';
import { waitIndexed } from '../../src/documents';
import { exists } from '../../src/existence';
import { test } from '../../src/fixtures';
import {
  CREATE_FILE,
  CREATE_TEXT,
  createdText,
  detailOf,
  differences,
  expectDownloadServes,
  indexedText,
  indexedUpload,
  TEXT_DOC_FORM,
  verifiedText,
} from '../../src/scratch-documents';
import { caseOf } from '../../src/templates/common';
import { documentedAnswer, noteFieldsSeen } from '../../src/templates/response';
import { claim, show } from '../../src/violation';

/** Get Document in one metadata mode shows a new text document as it was created. */
const shownAsCreated =
  (mode: 'all' | 'without'): Template =>
  async (args) => {
    const created = await indexedText(args, `read-${mode}`);
    const { response, body } = await detailOf(args, created, mode);
    const expected = { name: created.file.name, data_source_type: 'upload_file', doc_form: TEXT_DOC_FORM };
    const wrong = differences(expected, body);
    claim(wrong.length === 0, () => ({
      expected: `the document as created (${Object.keys(expected).join(', ')})`,
      actual: wrong.join('; '),
      request: response.summary,
    }));
  };

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
    const created = await args.given(CREATE_FILE, () => args.scratch.upload('indexing-check'));
    const schema = args.validators.responseSchema('getDocumentIndexingStatus', 200);
    await waitIndexed(args.api, created, args.settings.indexingTimeoutMs, (body, response) =>
      expectSchema(args.validators, schema, body, response),
    );
  },

  'create-text-document': async (args) => {
    await verifiedText(args, 'create-text');
  },

  'text-indexing': async (args) => {
    const created = await args.given(CREATE_TEXT, () => createdText(args, 'text-indexing'));
    await waitIndexed(args.api, created, args.settings.indexingTimeoutMs);
  },

  'created-schema': async (args) => {
    const { mode = 'all' } = caseOf<{ mode: 'all' | 'only' | 'without' }>(args);
    await detailOf(args, await indexedText(args, `schema-${mode}`), mode);
  },

  'created-in-all': shownAsCreated('all'),
  'created-in-without': shownAsCreated('without'),

  'list-shows-created': async (args) => {
    const created = await args.given(CREATE_FILE, () => args.scratch.upload('list-check'));
    const { response, body } = await args.given('listDocuments/response/schema', () =>
      documentedAnswer(args, 'listDocuments', {
        path: { dataset_id: created.datasetId },
        query: { keyword: created.file.name, limit: '100' },
      }),
    );
    const items = (body.data as { id?: unknown; name?: unknown }[]) ?? [];
    const listed = items.find((item) => item.id === created.id);
    claim(listed?.name === created.file.name, () => ({
      expected: `the new document ${show(created.id)} named ${show(created.file.name)}`,
      actual: listed ? `it, named ${show(listed.name)}` : `${items.length} other item(s)`,
      pointer: '/data',
      request: response.summary,
    }));
  },

  'uploaded-bytes': async (args) => {
    const created = await indexedUpload(args, 'download-check');
    await expectDownloadServes(args, created, created.file.bytes, 'the bytes uploaded');
  },

  'delete-document': async (args) => {
    const created = await indexedUpload(args, 'delete-check');
    const params = { dataset_id: created.datasetId, document_id: created.id };
    expectStatus(await args.api.call('deleteDocument', params), 204);
    const after = await args.api.call('getDocumentDetail', params);
    const there = await exists(args, after, 'getDocumentDetail/errors/unknown-document');
    claim(!there, () => ({
      expected: 'HTTP 404 for the deleted document',
      actual: `HTTP ${after.status}: it is still there`,
      request: after.summary,
    }));
  },
};

for (const check of checksOf(__filename, templates)) test(...check);
