// Metadata: a knowledge base's custom and built-in fields, and documents' values.
import { randomUUID } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { bearerAuth } from '../auth';
import { jsonObject } from '../body';
import type { Env, MockContext } from '../context';
import type { MockDataset, MockDocument } from '../data';
import type { Deviation } from '../deviations';
import { difyError } from '../errors';
import { BUILT_IN_FIELDS, builtInEntries, metadataFieldsOf, syncDatasetMetadata } from '../fixtures/metadata';
import { findDataset } from '../lookup';
import type { MockRecord } from '../store';
import { DATASET_PATH, UUID } from './paths';

const METADATA_PATH = `${DATASET_PATH}/metadata`;
const FIELD_PATH = `${METADATA_PATH}/:metadata_id{${UUID}}`;
const FIELD_TYPES = ['string', 'number', 'time'];
type FieldsById = Map<string, MockRecord>;

/** The lifecycle checks that write fields and values and read them back: each sees how writes are served. */
const METADATA_READERS = [
  'createMetadataField/*/*',
  'listMetadataFields/*/*',
  'listMetadataFields/shows-created',
  'batchUpdateDocumentMetadata/*',
  'updateMetadataField/*',
  'toggleBuiltInMetadataField/*',
  'deleteMetadataField/*',
];

export const metadataDeviations = {
  'unknown-metadata-400': {
    description: "an unknown metadata field answers 400 invalid_param, as Dify's service layer reports it",
    fails: ['updateMetadataField/errors/unknown-metadata', 'deleteMetadataField/errors/unknown-metadata'],
  },
  'metadata-count-as-string': {
    description: 'List Metadata Fields sends each count as a string',
    fails: ['listMetadataFields/response/schema'],
  },
  'metadata-list-without-built-in-flag': {
    description: 'List Metadata Fields answers without built_in_field_enabled',
    fails: ['listMetadataFields/response/fields'],
  },
  'built-in-fields-as-object': {
    description: 'Get Built-in Metadata Fields sends fields as an object keyed by name, not a list',
    fails: ['getBuiltInMetadataFields/response/schema'],
  },
  'built-in-fields-without-type': {
    description: 'Get Built-in Metadata Fields lists names without their type',
    fails: ['getBuiltInMetadataFields/response/fields'],
  },
  // The lifecycle: writes acknowledged but not applied, or applied to the wrong resource.
  'metadata-create-changes-type': {
    description: 'Create Metadata Field stores and answers every field as a number field, whatever type it was sent',
    fails: ['createMetadataField/response/schema'],
    sees: METADATA_READERS,
  },
  'metadata-create-not-listed': {
    description: 'List Metadata Fields leaves out fields created through the API',
    fails: ['listMetadataFields/shows-created'],
    sees: METADATA_READERS,
  },
  'metadata-value-not-applied': {
    description: 'Update Document Metadata in Batch answers success and stores no value',
    fails: ['batchUpdateDocumentMetadata/shows-value'],
    sees: METADATA_READERS,
  },
  'metadata-value-on-other-document': {
    description: 'Update Document Metadata in Batch gives every document of the knowledge base the values it sets',
    fails: ['batchUpdateDocumentMetadata/leaves-other-documents'],
    sees: METADATA_READERS,
  },
  'metadata-rename-not-applied': {
    description: 'Update Metadata Field answers with the new name and keeps the old one',
    fails: ['updateMetadataField/shows-rename'],
    sees: METADATA_READERS,
  },
  'metadata-rename-not-shown-on-document': {
    description: "Update Metadata Field renames the field, but documents' values keep the old name",
    fails: ['updateMetadataField/renames-document-values'],
    sees: METADATA_READERS,
  },
  'built-in-toggle-not-applied': {
    description: 'Update Built-in Metadata Field answers success and turns nothing on or off',
    fails: ['toggleBuiltInMetadataField/enables-built-in'],
    sees: METADATA_READERS,
  },
  'built-in-disable-keeps-values': {
    description: 'Update Built-in Metadata Field turns the built-in fields off, but documents keep their values',
    fails: ['toggleBuiltInMetadataField/disables-built-in'],
    sees: METADATA_READERS,
  },
  'metadata-delete-keeps-field': {
    description: 'Delete Metadata Field answers 204 and keeps the field',
    fails: ['deleteMetadataField/removes-field'],
    sees: METADATA_READERS,
  },
  'metadata-delete-keeps-document-entry': {
    description: 'Delete Metadata Field removes the field, but documents keep their values for it',
    fails: ['deleteMetadataField/removes-document-values'],
    sees: METADATA_READERS,
  },
  // Stock Dify releases (src/mock/profiles.ts).
  'unknown-metadata-delete-204': {
    description:
      'Delete Metadata Field answers 204 for an unknown field: the service logs "Metadata not found." and goes on',
    fails: ['deleteMetadataField/errors/unknown-metadata'],
  },
  'unknown-metadata-update-nulls': {
    description: 'Update Metadata Field answers an unknown field with 200 {id: null, name: null, type: null}',
    fails: ['updateMetadataField/errors/unknown-metadata'],
  },
  'unknown-metadata-update-400': {
    description:
      'Update Metadata Field answers an unknown field with 400 invalid_param: its response model refuses None',
    fails: ['updateMetadataField/errors/unknown-metadata'],
  },
} satisfies Record<string, Deviation>;

export function metadataRoutes(app: Hono<Env>, mock: MockContext): void {
  const { on, store } = mock;
  const auth = bearerAuth(mock);
  const dataset = (c: Context<Env>) => findDataset(mock, c, c.get('tenantId'));
  /** The fixtures' fields: the ones a deviation that hides new fields still lists. */
  const seeded = new Set(store.metadataFields.keys());

  /** Why a name cannot be a field's of this knowledge base, or undefined when it can. */
  function nameRefused(kb: MockDataset, name: unknown, except?: string): string | undefined {
    if (typeof name !== 'string' || name === '') return 'name is required.';
    if (name.length > 255) return 'Metadata name cannot exceed 255 characters.';
    if (metadataFieldsOf(store, kb.id).some((field) => field.fields.name === name && field.id !== except))
      return 'Metadata name already exists.';
    if (BUILT_IN_FIELDS.some((field) => field.name === name)) return 'Metadata name already exists in Built-in fields.';
    return undefined;
  }

  /** The knowledge base's field the path names, if it has one. */
  function fieldOf(c: Context<Env>, kb: MockDataset): MockRecord | undefined {
    const field = store.metadataFields.get(c.req.param('metadata_id')?.toLowerCase() ?? '');
    return field?.datasetId === kb.id ? field : undefined;
  }

  function findField(c: Context<Env>, kb: MockDataset): MockRecord | Response {
    const field = fieldOf(c, kb);
    if (field) return field;
    if (on('unknown-metadata-400')) return difyError(c, 400, 'invalid_param', 'Metadata not found.');
    return difyError(c, 404, 'not_found', 'Metadata not found.');
  }

  /** Every document of the knowledge base keeps its values in step with the field. */
  function eachEntry(kb: MockDataset, fieldId: string, change: (entries: Record<string, unknown>[]) => unknown[]) {
    for (const doc of store.documentsOf(kb.id)) {
      const entries = doc.fields.doc_metadata as Record<string, unknown>[];
      if (entries.some((entry) => entry.id === fieldId)) doc.fields.doc_metadata = change(entries);
    }
  }

  app.post(METADATA_PATH, auth, async (c) => {
    const kb = dataset(c);
    if (kb instanceof Response) return kb;
    const body = await jsonObject(c);
    if (body instanceof Response) return body;
    if (!FIELD_TYPES.includes(body.type as string))
      return difyError(c, 400, 'invalid_param', 'type must be string, number or time.');
    const refused = nameRefused(kb, body.name);
    if (refused) return difyError(c, 400, 'invalid_param', refused);
    const id = randomUUID();
    const type = on('metadata-create-changes-type') ? 'number' : body.type;
    const fields = { id, name: body.name, type };
    store.metadataFields.set(id, { id, datasetId: kb.id, fields });
    syncDatasetMetadata(store, kb.id);
    return c.json(fields, 201);
  });

  app.get(METADATA_PATH, auth, (c) => {
    const kb = dataset(c);
    if (kb instanceof Response) return kb;
    const docs = store.documentsOf(kb.id);
    const listed = metadataFieldsOf(store, kb.id).filter(
      (field) => seeded.has(field.id) || !on('metadata-create-not-listed'),
    );
    const doc_metadata = listed.map((field) => {
      const count = docs.filter((doc) =>
        (doc.fields.doc_metadata as Record<string, unknown>[]).some((entry) => entry.id === field.id),
      ).length;
      return { ...field.fields, count: on('metadata-count-as-string') ? String(count) : count };
    });
    if (on('metadata-list-without-built-in-flag')) return c.json({ doc_metadata });
    return c.json({ doc_metadata, built_in_field_enabled: kb.fields.built_in_field_enabled === true });
  });

  app.patch(FIELD_PATH, auth, async (c) => {
    const kb = dataset(c);
    if (kb instanceof Response) return kb;
    if (!fieldOf(c, kb)) {
      if (on('unknown-metadata-update-nulls')) return c.json({ id: null, name: null, type: null });
      if (on('unknown-metadata-update-400'))
        return difyError(
          c,
          400,
          'invalid_param',
          '1 validation error for DatasetMetadataResponse\n  Input should be a valid dictionary or object to extract fields from [type=model_attributes_type, input_value=None, input_type=NoneType]',
        );
    }
    const field = findField(c, kb);
    if (field instanceof Response) return field;
    const body = await jsonObject(c);
    if (body instanceof Response) return body;
    const refused = nameRefused(kb, body.name, field.id);
    if (refused) return difyError(c, 400, 'invalid_param', refused);
    if (on('metadata-rename-not-applied')) return c.json({ ...field.fields, name: body.name });
    field.fields.name = body.name;
    if (!on('metadata-rename-not-shown-on-document')) {
      eachEntry(kb, field.id, (entries) =>
        entries.map((entry) => (entry.id === field.id ? { ...entry, name: body.name } : entry)),
      );
    }
    syncDatasetMetadata(store, kb.id);
    return c.json(field.fields);
  });

  app.delete(FIELD_PATH, auth, (c) => {
    const kb = dataset(c);
    if (kb instanceof Response) return kb;
    if (!fieldOf(c, kb) && on('unknown-metadata-delete-204')) return c.body(null, 204);
    const field = findField(c, kb);
    if (field instanceof Response) return field;
    if (on('metadata-delete-keeps-field')) return c.body(null, 204);
    store.metadataFields.delete(field.id);
    if (!on('metadata-delete-keeps-document-entry'))
      eachEntry(kb, field.id, (entries) => entries.filter((entry) => entry.id !== field.id));
    syncDatasetMetadata(store, kb.id);
    return c.body(null, 204);
  });

  app.get(`${METADATA_PATH}/built-in`, auth, (c) => {
    const kb = dataset(c);
    if (kb instanceof Response) return kb;
    const fields = BUILT_IN_FIELDS.map((field) => (on('built-in-fields-without-type') ? { name: field.name } : field));
    if (on('built-in-fields-as-object'))
      return c.json({ fields: Object.fromEntries(fields.map((field) => [field.name, field])) });
    return c.json({ fields });
  });

  app.post(`${METADATA_PATH}/built-in/:action`, auth, (c) => {
    const kb = dataset(c);
    if (kb instanceof Response) return kb;
    const action = c.req.param('action');
    // Dify routes any action and ignores an unknown one; refusing it as batch status actions are refused is plainer.
    if (action !== 'enable' && action !== 'disable') return difyError(c, 400, 'invalid_action', 'Invalid action.');
    if (on('built-in-toggle-not-applied')) return c.json({ result: 'success' });
    const enable = action === 'enable';
    // As Dify: turning them on fills in every document's built-in values, turning them off removes them.
    if (enable !== kb.fields.built_in_field_enabled && (enable || !on('built-in-disable-keeps-values'))) {
      for (const doc of store.documentsOf(kb.id)) {
        const custom = (doc.fields.doc_metadata as Record<string, unknown>[]).filter((e) => e.id !== 'built-in');
        doc.fields.doc_metadata = enable ? [...custom, ...builtInEntries(doc)] : custom;
      }
    }
    kb.fields.built_in_field_enabled = enable;
    syncDatasetMetadata(store, kb.id);
    return c.json({ result: 'success' });
  });

  app.post(`${DATASET_PATH}/documents/metadata`, auth, async (c) => {
    const kb = dataset(c);
    if (kb instanceof Response) return kb;
    const body = await jsonObject(c);
    if (body instanceof Response) return body;
    const operations = body.operation_data;
    if (!Array.isArray(operations)) return difyError(c, 400, 'invalid_param', 'operation_data is required.');
    const fields = new Map(metadataFieldsOf(store, kb.id).map((field) => [field.id, field]));
    // Every operation is checked before any is applied, so a refused request changes nothing.
    for (const operation of operations as Record<string, unknown>[]) {
      const doc = store.documents.get(String(operation?.document_id));
      if (doc?.datasetId !== kb.id) return difyError(c, 400, 'invalid_param', 'Document not found.');
      const list = operation.metadata_list;
      if (!Array.isArray(list)) return difyError(c, 400, 'invalid_param', 'metadata_list is required.');
      if (list.some((item) => !fields.has(String(item?.id))))
        return difyError(c, 400, 'invalid_param', 'Metadata not found.');
    }
    if (on('metadata-value-not-applied')) return c.json({ result: 'success' });
    const everyDocument = on('metadata-value-on-other-document');
    for (const operation of operations as Record<string, unknown>[]) {
      const named = store.documents.get(String(operation.document_id));
      for (const doc of everyDocument ? store.documentsOf(kb.id) : named ? [named] : [])
        applyValues(kb, doc, operation, fields);
    }
    return c.json({ result: 'success' });
  });

  /** One operation's values on a document, then its built-in values while the knowledge base has them on. */
  function applyValues(kb: MockDataset, doc: MockDocument, operation: Record<string, unknown>, fields: FieldsById) {
    const list = operation.metadata_list as Record<string, unknown>[];
    const given = list.map((item) => item.id);
    const kept = operation.partial_update
      ? (doc.fields.doc_metadata as Record<string, unknown>[]).filter(
          (entry) => !given.includes(entry.id) && entry.id !== 'built-in',
        )
      : [];
    // The contract types a value as a string: numbers are kept as their text, and null clears the field.
    const set = list
      .filter((item) => item.value !== null && item.value !== undefined)
      .map((item) => ({ ...fields.get(String(item.id))?.fields, value: String(item.value) }));
    const builtIn = kb.fields.built_in_field_enabled ? builtInEntries(doc) : [];
    doc.fields.doc_metadata = [...kept, ...set, ...builtIn];
  }
}
