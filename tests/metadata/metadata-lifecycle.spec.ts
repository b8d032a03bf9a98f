// The metadata lifecycle: rows in metadata-lifecycle.checks.yaml. Every write is read back through
// another operation (List Metadata Fields, Get Document), and a failure says what was written and
// what came back.
import { claimUnlessKnown } from '../../src/accepted-preconditions';
import { expectJson, expectObject, expectSchema, expectStatus } from '../../src/assertions';
import { type CheckArgs, checksOf, type Template } from '../../src/checks';
import { type CreatedDocument, createDocument, waitIndexed } from '../../src/documents';
import { test } from '../../src/fixtures';
import type { CreatedField } from '../../src/metadata';
import { detailOf } from '../../src/scratch-documents';
import { documentedAnswer, noteFieldsSeen } from '../../src/templates/response';
import { claim, show } from '../../src/violation';

const CREATE = 'createMetadataField/response/schema';
const SET_VALUE = 'batchUpdateDocumentMetadata/shows-value';
const RENAME = 'updateMetadataField/shows-rename';
const DELETE = 'deleteMetadataField/removes-field';
const ENABLE = 'toggleBuiltInMetadataField/enables-built-in';

type Entry = { id?: unknown; name?: unknown; type?: unknown; value?: unknown };
type Mode = 'all' | 'only' | 'without';

/** Creates a field of the check's own and holds the answer to the create's claim. */
async function verifiedCreate(args: CheckArgs, purpose: string, datasetId?: string): Promise<CreatedField> {
  const field = await args.scratch.metadataField(purpose, datasetId);
  const { response } = field;
  const body = expectObject(expectJson(response), response);
  expectSchema(args.validators, args.validators.responseSchema('createMetadataField', 201), body, response);
  noteFieldsSeen(args, 'createMetadataField', body);
  claim(body.name === field.name && body.type === field.type, () => ({
    expected: `name ${show(field.name)} and type ${show(field.type)}, as sent`,
    actual: `name ${show(body.name)}, type ${show(body.type)}`,
    request: response.summary,
  }));
  return field;
}

const created = (args: CheckArgs, purpose: string, datasetId?: string) =>
  args.given(CREATE, () => verifiedCreate(args, purpose, datasetId));

/** A knowledge base of the check's own, for the writes that hold Dify's metadata lock of a knowledge base. */
const ownDataset = (args: CheckArgs, purpose: string) =>
  args.given('createDataset/response/schema', () => args.scratch.dataset(purpose));

/** A document of the suite's own, indexed: in the run's knowledge base, or in `datasetId` named `name`. */
async function indexedDocument(args: CheckArgs, purpose: string, own?: { id: string; name: string }) {
  const created = await args.given('createDocumentFromFile/response/schema', () =>
    own
      ? createDocument(args.api, own.id, {
          name: `${own.name}.txt`,
          bytes: Buffer.from(`Metadata check ${purpose}.\n`),
        })
      : args.scratch.upload(purpose),
  );
  await args.given('getDocumentIndexingStatus/response/schema', () =>
    waitIndexed(args.api, created, args.settings.indexingTimeoutMs),
  );
  return created;
}

/** The fields List Metadata Fields gives a knowledge base, relying on its schema check. */
async function listed(args: CheckArgs, datasetId: string) {
  const answer = await args.given('listMetadataFields/response/schema', () =>
    documentedAnswer(args, 'listMetadataFields', { path: { dataset_id: datasetId } }),
  );
  const items = (answer.body.doc_metadata ?? []) as Entry[];
  return { items, body: answer.body, summary: answer.response.summary };
}

/**
 * Get Document in one metadata mode, relying on that mode's checks of a new document's answer (and,
 * for all, its fields check when doc_metadata is absent; a null one breaks the new document's schema).
 */
async function documentIn(args: CheckArgs, doc: CreatedDocument, mode: Mode) {
  const { body, response } = await detailOf(args, doc, mode);
  if (mode === 'all') {
    const judge = body.doc_metadata === undefined ? 'exact-fields' : 'created-schema';
    // A known null doc_metadata (a document without values) reads as no entries.
    await args.given(`getDocumentDetail/metadata-all/${judge}`, async () =>
      claimUnlessKnown(Array.isArray(body.doc_metadata), () => ({
        expected: 'doc_metadata, a list',
        actual: `doc_metadata ${show(body.doc_metadata)}`,
        pointer: '/doc_metadata',
        request: response.summary,
      })),
    );
  }
  return { body, entries: (Array.isArray(body.doc_metadata) ? body.doc_metadata : []) as Entry[], response };
}

const entryOf = (entries: Entry[], field: CreatedField) => entries.find((entry) => entry.id === field.id);
const valueFor = (field: CreatedField) => `value of ${field.name}`;

/** Sets the field's value on the document (replacing its others) and holds the answer to the documented shape. */
async function setValue(args: CheckArgs, doc: CreatedDocument, field: CreatedField): Promise<void> {
  const operation = {
    document_id: doc.id,
    metadata_list: [{ id: field.id, name: field.name, value: valueFor(field) }],
    partial_update: false,
  };
  const response = await args.api.call(
    'batchUpdateDocumentMetadata',
    { dataset_id: doc.datasetId },
    { json: { operation_data: [operation] } },
  );
  expectStatus(response, 200);
  const body = expectJson(response);
  expectSchema(args.validators, args.validators.responseSchema('batchUpdateDocumentMetadata', 200), body, response);
}

/** Claims that Get Document (metadata=all or only) shows the field's value, under `name`. */
async function expectValueShown(args: CheckArgs, doc: CreatedDocument, field: CreatedField, mode: Mode, name: string) {
  const { entries, response } = await documentIn(args, doc, mode);
  const entry = entryOf(entries, field);
  claim(entry?.name === name && entry.value === valueFor(field), () => ({
    expected: `a doc_metadata entry for field ${show(field.id)} named ${show(name)} with value ${show(valueFor(field))}`,
    actual: entry ? `name ${show(entry.name)}, value ${show(entry.value)}` : `${entries.length} other entry(ies)`,
    pointer: '/doc_metadata',
    request: response.summary,
  }));
}

/** A document with the field's value set, or blocked by the check that says values are applied. */
const valued = (args: CheckArgs, doc: CreatedDocument, field: CreatedField) =>
  args.given(SET_VALUE, async () => {
    await setValue(args, doc, field);
    await expectValueShown(args, doc, field, 'all', field.name);
  });

/** Renames the field; its answer and the list must show the new name. Returns it. */
async function rename(args: CheckArgs, field: CreatedField): Promise<string> {
  const name = `${field.name}_x`;
  const params = { dataset_id: field.datasetId, metadata_id: field.id };
  const response = await args.api.call('updateMetadataField', params, { json: { name } });
  expectStatus(response, 200);
  const body = expectObject(expectJson(response), response);
  expectSchema(args.validators, args.validators.responseSchema('updateMetadataField', 200), body, response);
  noteFieldsSeen(args, 'updateMetadataField', body);
  const { items, summary } = await listed(args, field.datasetId);
  const item = entryOf(items, field);
  await args.given('listMetadataFields/shows-created', async () =>
    claim(item !== undefined, () => ({ expected: `the field ${show(field.id)} listed`, actual: 'not listed' })),
  );
  claim(body.name === name && item?.name === name, () => ({
    expected: `the name ${show(name)} the update sent, in its answer and in the list`,
    actual: `answered ${show(body.name)}, listed ${show(item?.name)}`,
    request: summary,
  }));
  return name;
}

/** Deletes the field; it must answer 204 and be gone from the list. */
async function remove(args: CheckArgs, field: CreatedField): Promise<void> {
  const params = { dataset_id: field.datasetId, metadata_id: field.id };
  expectStatus(await args.api.call('deleteMetadataField', params), 204);
  const { items, summary } = await listed(args, field.datasetId);
  claim(entryOf(items, field) === undefined, () => ({
    expected: `no field ${show(field.id)} in the list after deleting it`,
    actual: 'it is still listed',
    pointer: '/doc_metadata',
    request: summary,
  }));
}

/** The names Get Built-in Metadata Fields gives, relying on its schema check. */
async function builtInNames(args: CheckArgs, datasetId: string): Promise<string[]> {
  const answer = await args.given('getBuiltInMetadataFields/response/schema', () =>
    documentedAnswer(args, 'getBuiltInMetadataFields', { path: { dataset_id: datasetId } }),
  );
  return ((answer.body.fields ?? []) as Entry[]).map((field) => String(field.name));
}

/**
 * Turns the built-in fields on or off and claims List Metadata Fields and the document say so: with
 * them on, the document has an entry for each; off, none.
 */
async function toggle(args: CheckArgs, doc: CreatedDocument, action: 'enable' | 'disable'): Promise<void> {
  const names = await builtInNames(args, doc.datasetId);
  const response = await args.api.call('toggleBuiltInMetadataField', { dataset_id: doc.datasetId, action });
  expectStatus(response, 200);
  const answer = expectJson(response);
  expectSchema(args.validators, args.validators.responseSchema('toggleBuiltInMetadataField', 200), answer, response);
  const on = action === 'enable';
  const list = await listed(args, doc.datasetId);
  await args.given('listMetadataFields/response/fields', async () =>
    claim('built_in_field_enabled' in list.body, () => ({
      expected: 'built_in_field_enabled',
      actual: 'missing',
      request: list.summary,
    })),
  );
  claim(list.body.built_in_field_enabled === on, () => ({
    expected: `built_in_field_enabled ${on} after ${action}`,
    actual: `built_in_field_enabled ${show(list.body.built_in_field_enabled)}`,
    pointer: '/built_in_field_enabled',
    request: list.summary,
  }));
  const { entries, response: read } = await documentIn(args, doc, 'all');
  const shown = names.filter((name) => entries.some((entry) => entry.name === name));
  claim(shown.length === (on ? names.length : 0), () => ({
    expected: on ? `an entry for each built-in field (${names.join(', ')})` : 'no entry for a built-in field',
    actual: `entries for ${shown.length ? shown.join(', ') : 'none of them'}`,
    pointer: '/doc_metadata',
    request: read.summary,
  }));
}

const templates: Record<string, Template> = {
  'create-field': async (args) => {
    await verifiedCreate(args, 'meta-create');
  },

  'list-shows-field': async (args) => {
    const field = await created(args, 'meta-list');
    const { items, summary } = await listed(args, field.datasetId);
    const item = entryOf(items, field);
    claim(item?.name === field.name && item.type === field.type, () => ({
      expected: `the new field ${show(field.id)} named ${show(field.name)}, type ${show(field.type)}`,
      actual: item ? `named ${show(item.name)}, type ${show(item.type)}` : `${items.length} other field(s)`,
      pointer: '/doc_metadata',
      request: summary,
    }));
  },

  'set-value': async (args) => {
    const field = await created(args, 'meta-value');
    const doc = await indexedDocument(args, 'meta-value');
    await setValue(args, doc, field);
    await expectValueShown(args, doc, field, 'all', field.name);
    await expectValueShown(args, doc, field, 'only', field.name);
    const { body, response } = await documentIn(args, doc, 'without');
    claim(!('doc_metadata' in body), () => ({
      expected: 'no doc_metadata with metadata=without',
      actual: `doc_metadata ${show(body.doc_metadata)}`,
      pointer: '/doc_metadata',
      request: response.summary,
    }));
  },

  'other-document': async (args) => {
    const field = await created(args, 'meta-named');
    const named = await indexedDocument(args, 'meta-named');
    const other = await indexedDocument(args, 'meta-unnamed');
    await valued(args, named, field);
    const { entries, response } = await documentIn(args, other, 'all');
    const entry = entryOf(entries, field);
    claim(entry === undefined, () => ({
      expected: `no value for ${show(field.name)} on ${show(other.id)}, which the update did not name`,
      actual: `value ${show(entry?.value)}`,
      pointer: '/doc_metadata',
      request: response.summary,
    }));
  },

  'rename-field': async (args) => {
    const dataset = await ownDataset(args, 'meta-rename');
    await rename(args, await created(args, 'meta-rename', dataset.id));
  },

  'rename-on-document': async (args) => {
    const dataset = await ownDataset(args, 'meta-relabel');
    const field = await created(args, 'meta-relabel', dataset.id);
    const doc = await indexedDocument(args, 'meta-relabel', dataset);
    await valued(args, doc, field);
    const name = await args.given(RENAME, () => rename(args, field));
    await expectValueShown(args, doc, field, 'all', name);
  },

  'enable-built-in': async (args) => {
    const dataset = await ownDataset(args, 'meta-enable');
    await toggle(args, await indexedDocument(args, 'meta-enable', dataset), 'enable');
  },

  'disable-built-in': async (args) => {
    const dataset = await ownDataset(args, 'meta-disable');
    const doc = await indexedDocument(args, 'meta-disable', dataset);
    await args.given(ENABLE, () => toggle(args, doc, 'enable'));
    await toggle(args, doc, 'disable');
  },

  'delete-field': async (args) => {
    const dataset = await ownDataset(args, 'meta-delete');
    const field = await created(args, 'meta-delete', dataset.id);
    const { items } = await listed(args, field.datasetId);
    await args.given('listMetadataFields/shows-created', async () =>
      claim(entryOf(items, field) !== undefined, () => ({
        expected: `the field ${show(field.id)} listed`,
        actual: 'not listed',
      })),
    );
    await remove(args, field);
  },

  'delete-on-document': async (args) => {
    const dataset = await ownDataset(args, 'meta-unset');
    const field = await created(args, 'meta-unset', dataset.id);
    const doc = await indexedDocument(args, 'meta-unset', dataset);
    await valued(args, doc, field);
    await args.given(DELETE, () => remove(args, field));
    const { entries, response } = await documentIn(args, doc, 'all');
    const entry = entryOf(entries, field);
    claim(entry === undefined, () => ({
      expected: `no value for the deleted field ${show(field.id)}`,
      actual: `name ${show(entry?.name)}, value ${show(entry?.value)}`,
      pointer: '/doc_metadata',
      request: response.summary,
    }));
  },
};

for (const check of checksOf(__filename, templates)) test(...check);
