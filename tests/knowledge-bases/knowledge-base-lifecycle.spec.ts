// The knowledge-base lifecycle: rows in knowledge-base-lifecycle.checks.yaml. Every check reads back
// through another operation than the one that wrote, and says what was written and what came back.
import { expectDifyError, expectJson, expectObject, expectSchema, expectStatus } from '../../src/assertions';
import { type CheckArgs, checksOf, type Template } from '../../src/checks';
import { propertiesOf } from '../../src/contract';
import { exists } from '../../src/existence';
import { test } from '../../src/fixtures';
import { type CreatedDataset, deleteDataset } from '../../src/knowledge-bases';
import { type Answer, documentedAnswer, noteFieldsSeen } from '../../src/templates/response';
import { claim, show } from '../../src/violation';

const CREATE = 'createDataset/response/schema';
const UPDATE = 'updateDataset/response/schema';

/** Creates a knowledge base of the check's own and holds the answer to the create's claim. */
async function verifiedCreate(args: CheckArgs, purpose: string): Promise<CreatedDataset> {
  const dataset = await args.scratch.dataset(purpose);
  const { response } = dataset;
  const body = expectObject(expectJson(response), response);
  expectSchema(args.validators, args.validators.responseSchema('createDataset', 200), body, response);
  noteFieldsSeen(args, 'createDataset', body);
  claim(body.name === dataset.name, () => ({
    expected: `name ${show(dataset.name)}, as sent`,
    actual: `name ${show(body.name)}`,
    pointer: '/name',
    request: response.summary,
  }));
  return dataset;
}

/** A knowledge base of the check's own: blocked by the create check when it cannot be had as asked. */
const created = (args: CheckArgs, purpose: string) => args.given(CREATE, () => verifiedCreate(args, purpose));

/** The detail of a knowledge base, valid and with every documented field, or blocked by the checks that say so. */
async function detailOf(args: CheckArgs, datasetId: string): Promise<Answer> {
  const answer = await args.given('getDatasetDetail/response/schema', () =>
    documentedAnswer(args, 'getDatasetDetail', { path: { dataset_id: datasetId } }),
  );
  const { documented } = propertiesOf(args.validators.responseSchema('getDatasetDetail', 200));
  const missing = documented.filter((field) => !(field in answer.body));
  await args.given('getDatasetDetail/response/fields', async () =>
    claim(missing.length === 0, () => ({
      expected: 'every documented field',
      actual: `missing ${missing.join(', ')}`,
      request: answer.response.summary,
    })),
  );
  return answer;
}

/** The fields whose written value differs from what was read back, as "field: wrote X, read Y". */
function differences(sent: Record<string, unknown>, read: Record<string, unknown>, fields: string[]): string[] {
  return fields
    .filter((field) => field in sent && read[field] !== sent[field])
    .map((field) => `${field}: wrote ${show(sent[field])}, read ${show(read[field])}`);
}

const CREATED_FIELDS = ['name', 'description', 'indexing_technique', 'permission'];

const templates: Record<string, Template> = {
  'create-dataset': async (args) => {
    await verifiedCreate(args, 'create');
  },

  'detail-shows-created': async (args) => {
    const dataset = await created(args, 'read');
    const { response, body } = await detailOf(args, dataset.id);
    const wrong = differences(dataset.sent, body, CREATED_FIELDS);
    claim(wrong.length === 0, () => ({
      expected: `the settings the create sent (${CREATED_FIELDS.join(', ')})`,
      actual: wrong.join('; '),
      request: response.summary,
    }));
  },

  'list-shows-created': async (args) => {
    const dataset = await created(args, 'list');
    const { response, body } = await args.given('listDatasets/response/schema', () =>
      documentedAnswer(args, 'listDatasets', { query: { keyword: dataset.name, limit: '100' } }),
    );
    const items = (body.data as { id?: unknown; name?: unknown }[]) ?? [];
    const listed = items.find((item) => item.id === dataset.id);
    claim(listed?.name === dataset.name, () => ({
      expected: `the new knowledge base ${show(dataset.id)} named ${show(dataset.name)}`,
      actual: listed ? `it, named ${show(listed.name)}` : `${items.length} other item(s)`,
      pointer: '/data',
      request: response.summary,
    }));
  },

  'update-dataset': async (args) => {
    await update(args, await created(args, 'update'));
  },

  'detail-shows-update': async (args) => {
    const dataset = await created(args, 'read-update');
    const sent = await args.given(UPDATE, () => update(args, dataset));
    const { response, body } = await detailOf(args, dataset.id);
    const { retrieval_model: retrieval, ...fields } = sent;
    const wrong = [
      ...differences(fields, body, Object.keys(fields)),
      ...differences(
        retrieval as Record<string, unknown>,
        (body.retrieval_model_dict ?? {}) as Record<string, unknown>,
        RETRIEVAL_FIELDS,
      ).map((difference) => `retrieval_model_dict.${difference}`),
    ];
    claim(wrong.length === 0, () => ({
      expected: `what the update sent (${Object.keys(fields).join(', ')}, retrieval_model as retrieval_model_dict)`,
      actual: wrong.join('; '),
      request: response.summary,
    }));
  },

  'delete-dataset': async (args) => {
    const dataset = await created(args, 'delete');
    expectStatus(await args.api.call('deleteDataset', { dataset_id: dataset.id }), 204);
    const after = await args.api.call('getDatasetDetail', { dataset_id: dataset.id });
    const there = await exists(args, after, 'getDatasetDetail/errors/unknown-dataset');
    claim(!there, () => ({
      expected: 'HTTP 404 for the deleted knowledge base',
      actual: `HTTP ${after.status}: it is still there`,
      request: after.summary,
    }));
  },

  'duplicate-dataset': async (args) => {
    const dataset = await created(args, 'duplicate');
    const response = await args.api.call('createDataset', {}, { json: { ...dataset.sent } });
    // A server that accepted it made a second knowledge base: delete it, then report.
    if (response.status === 200) {
      const id = (response.json() as { id?: unknown }).id;
      if (typeof id === 'string') await args.given('deleteDataset/removes-dataset', () => deleteDataset(args.api, id));
    }
    expectDifyError(args.validators, 'createDataset', response, 409, 'dataset_name_duplicate');
  },
};

/** Retrieval settings an economy knowledge base can take (keyword search), unlike its defaults. */
const RETRIEVAL = {
  search_method: 'keyword_search',
  reranking_enable: false,
  top_k: 4,
  score_threshold_enabled: false,
};
const RETRIEVAL_FIELDS = Object.keys(RETRIEVAL);

/** Renames a knowledge base and changes its description and retrieval settings; returns what was sent. */
async function update(args: CheckArgs, dataset: CreatedDataset): Promise<Record<string, unknown>> {
  const sent = {
    name: `${dataset.name}-x`.slice(0, 40),
    description: 'Updated by the conformance suite.',
    retrieval_model: RETRIEVAL,
  };
  const response = await args.api.call('updateDataset', { dataset_id: dataset.id }, { json: sent });
  expectStatus(response, 200);
  const body = expectObject(expectJson(response), response);
  expectSchema(args.validators, args.validators.responseSchema('updateDataset', 200), body, response);
  noteFieldsSeen(args, 'updateDataset', body);
  return sent;
}

for (const check of checksOf(__filename, templates)) test(...check);
