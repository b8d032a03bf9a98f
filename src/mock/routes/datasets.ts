// Knowledge bases: create, list (pages, keyword, tags), read, update, delete; counts and tags come from the store.
import { randomUUID } from 'node:crypto';
import type { Hono } from 'hono';
import { bearerAuth } from '../auth';
import { jsonBody } from '../body';
import type { Env, MockContext } from '../context';
import { knowledgeBase, MOCK_DATASETS, MOCK_IDS, type MockDataset } from '../data';
import type { Deviation } from '../deviations';
import { difyError } from '../errors';
import { findDataset } from '../lookup';
import { paginate } from '../paging';
import type { MockRecord, Store } from '../store';
import { DATASET_PATH } from './paths';

/** The lifecycle checks that create a knowledge base and read it back: each sees how creates are served. */
const CREATE_READERS = [
  'createDataset/*/*',
  'getDatasetDetail/shows-created',
  'getDatasetDetail/shows-update',
  'listDatasets/shows-created',
  'updateDataset/*/*',
];

export const datasetDeviations = {
  'dataset-counts-as-strings': {
    description: 'Get Knowledge Base sends document_count as a string',
    fails: ['getDatasetDetail/response/schema'],
  },
  'dataset-without-description': {
    description: 'Get Knowledge Base answers without description',
    fails: ['getDatasetDetail/response/fields'],
  },
  'dataset-detail-other-id': {
    description: 'Get Knowledge Base answers with a different id from the one asked for',
    fails: ['getDatasetDetail/ids/echo'],
  },
  'dataset-list-total-as-string': {
    description: 'List Knowledge Bases sends total as a string',
    fails: ['listDatasets/response/schema'],
  },
  'dataset-keyword-ignored': {
    description: 'List Knowledge Bases ignores keyword',
    fails: ['listDatasets/filters/keyword'],
  },
  'dataset-list-items-without-tags': {
    description: 'List Knowledge Bases leaves tags out of its items',
    fails: ['listDatasets/response/fields'],
  },
  'dataset-delete-unknown-204': {
    description: 'Delete Knowledge Base answers 204 for a knowledge base that does not exist',
    fails: ['deleteDataset/errors/unknown-dataset'],
  },
  'unset-objects-of-nulls': {
    description:
      'Knowledge-base answers give an unset summary_index_setting, external_knowledge_info and icon_info as an object of nulls, not null',
    fails: ['createDataset/response/schema', 'listDatasets/response/schema', 'getDatasetDetail/response/schema'],
  },
  'dataset-update-api-disabled-served': {
    description: 'Update Knowledge Base changes a knowledge base whose API access is off',
    fails: ['updateDataset/errors/api-disabled-dataset'],
  },
  // The lifecycle: writes acknowledged but not applied, or applied wrongly.
  'dataset-create-renames': {
    description: 'Create an Empty Knowledge Base stores and answers the name in lower case',
    fails: ['createDataset/response/schema'],
    sees: CREATE_READERS,
  },
  'dataset-create-drops-description': {
    description: 'Create an Empty Knowledge Base ignores the description it was sent',
    fails: ['getDatasetDetail/shows-created'],
    sees: CREATE_READERS,
  },
  'dataset-list-hides-new': {
    description: 'List Knowledge Bases leaves out knowledge bases created through the API',
    fails: ['listDatasets/shows-created'],
    sees: ['listDatasets/*/*', 'listDatasets/shows-created'],
  },
  'dataset-update-answers-204': {
    description: 'Update Knowledge Base answers 204 without a body',
    fails: ['updateDataset/response/schema'],
    sees: ['updateDataset/*/*', 'getDatasetDetail/shows-update'],
  },
  'dataset-update-not-applied': {
    description: 'Update Knowledge Base answers with the update but stores nothing',
    fails: ['getDatasetDetail/shows-update'],
    sees: ['updateDataset/*/*', 'getDatasetDetail/shows-update'],
  },
  'dataset-update-ignores-retrieval': {
    description: 'Update Knowledge Base stores the name and description it is sent, not the retrieval settings',
    fails: ['getDatasetDetail/shows-update'],
    sees: ['updateDataset/*/*', 'getDatasetDetail/shows-update'],
  },
  'dataset-delete-keeps-it': {
    description: 'Delete Knowledge Base answers 204 and keeps the knowledge base',
    fails: ['deleteDataset/removes-dataset'],
    sees: ['deleteDataset/*/*', ...CREATE_READERS],
  },
  'dataset-duplicate-name-accepted': {
    description: 'Create an Empty Knowledge Base accepts a name the workspace already has',
    fails: ['createDataset/errors/duplicate-name'],
    sees: [...CREATE_READERS, 'deleteDataset/removes-dataset'],
  },
  // Stock Dify 1.13.3 (src/mock/profiles.ts): it reads the query with one value a name, so its
  // list-typed query model gets tag_ids as a string, which pydantic refuses.
  'dataset-tag-filter-400': {
    description: 'List Knowledge Bases answers 400 invalid_param to any tag_ids',
    fails: ['listDatasets/filters/tag-ids'],
  },
} satisfies Record<string, Deviation>;

/** The nested settings Dify serialises, when unset, as an object with each of their fields null. */
const NESTED_FIELDS: Record<string, string[]> = {
  summary_index_setting: ['enable', 'model_name', 'model_provider_name', 'summary_prompt'],
  external_knowledge_info: [
    'external_knowledge_id',
    'external_knowledge_api_id',
    'external_knowledge_api_name',
    'external_knowledge_api_endpoint',
  ],
  icon_info: ['icon_type', 'icon', 'icon_background', 'icon_url'],
};

const PERMISSIONS = ['only_me', 'all_team_members', 'partial_members'];
const TECHNIQUES = ['high_quality', 'economy'];

/** The tags bound to a knowledge base, in the order they were created. */
export function boundTags(store: Store, datasetId: string): MockRecord[] {
  return [...store.tags.values()].filter((tag) => store.tagBindings.has(`${tag.id} ${datasetId}`));
}

/** Whether a body field, when sent, is a string of 1 to `max` characters. */
const validName = (value: unknown, max: number) =>
  typeof value === 'string' && value.length >= 1 && value.length <= max;

export function datasetRoutes(app: Hono<Env>, mock: MockContext): void {
  const { on, store } = mock;
  const auth = bearerAuth(mock);

  /** A knowledge base as the API answers it: its fields, its bound tags and its document counts now. */
  function datasetBody(dataset: MockDataset): Record<string, unknown> {
    const docs = store.documentsOf(dataset.id).map((doc) => store.current(doc));
    const unset = Object.entries(NESTED_FIELDS)
      .filter(([field]) => dataset.fields[field] === null && on('unset-objects-of-nulls'))
      .map(([field, names]) => [field, Object.fromEntries(names.map((name) => [name, null]))]);
    return {
      ...dataset.fields,
      ...Object.fromEntries(unset),
      tags: boundTags(store, dataset.id).map((tag) => tag.fields),
      document_count: docs.length,
      word_count: docs.reduce((sum, doc) => sum + Number(doc.word_count), 0),
      total_documents: docs.length,
      total_available_documents: docs.filter((doc) => doc.enabled && doc.display_status === 'available').length,
    };
  }

  /** What the body asks to change that the contract refuses, in Dify's words, or undefined. */
  function invalidSettings(body: Record<string, unknown>): string | undefined {
    if ('name' in body && !validName(body.name, 40)) return 'name must be 1 to 40 characters.';
    if ('description' in body && (typeof body.description !== 'string' || body.description.length > 400))
      return 'description must be at most 400 characters.';
    if ('permission' in body && !PERMISSIONS.includes(String(body.permission))) return 'Invalid permission.';
    if (body.indexing_technique != null && !TECHNIQUES.includes(String(body.indexing_technique)))
      return 'Invalid indexing technique.';
    return undefined;
  }

  const nameTaken = (tenantId: string, name: unknown, except?: string) =>
    [...store.datasets.values()].some((d) => d.tenantId === tenantId && d.fields.name === name && d.id !== except);

  app.post('/v1/datasets', auth, async (c) => {
    const body = await jsonBody(c);
    if (!body || !validName(body.name, 40))
      return difyError(c, 400, 'invalid_param', 'name must be 1 to 40 characters.');
    const invalid = invalidSettings(body);
    if (invalid) return difyError(c, 400, 'invalid_param', invalid);
    const tenantId = c.get('tenantId');
    if (nameTaken(tenantId, body.name) && !on('dataset-duplicate-name-accepted')) {
      return difyError(
        c,
        409,
        'dataset_name_duplicate',
        'The dataset name already exists. Please modify your dataset name.',
      );
    }
    const now = Math.floor(mock.now() / 1000);
    const name = on('dataset-create-renames') ? String(body.name).toLowerCase().replace(/-/g, '_') : String(body.name);
    const dataset = knowledgeBase(randomUUID(), tenantId, true, name, {
      description: on('dataset-create-drops-description') ? '' : (body.description ?? ''),
      permission: body.permission ?? 'only_me',
      provider: body.provider ?? 'vendor',
      indexing_technique: body.indexing_technique ?? 'high_quality',
      created_at: now,
      updated_at: now,
    });
    store.datasets.set(dataset.id, dataset);
    return c.json(datasetBody(dataset));
  });

  app.get('/v1/datasets', auth, (c) => {
    const keyword = (c.req.query('keyword') ?? '').toLowerCase();
    const tagIds = c.req.queries('tag_ids') ?? [];
    if (tagIds.length > 0 && on('dataset-tag-filter-400')) {
      return difyError(
        c,
        400,
        'invalid_param',
        `1 validation error for DatasetListQuery\ntag_ids\n  Input should be a valid list [type=list_type, input_value='${tagIds[0]}', input_type=str]`,
      );
    }
    const all = [...store.datasets.values()]
      .filter((d) => d.tenantId === c.get('tenantId'))
      .filter((d) => !(on('dataset-list-hides-new') && !MOCK_DATASETS.some((fixture) => fixture.id === d.id)))
      .filter(
        (d) =>
          String(d.fields.name).toLowerCase().includes(keyword) || (keyword !== '' && on('dataset-keyword-ignored')),
      )
      .filter((d) => tagIds.length === 0 || tagIds.some((tag) => store.tagBindings.has(`${tag} ${d.id}`)))
      .sort((a, b) => Number(b.fields.created_at) - Number(a.fields.created_at));
    // The docs set no cap on this list's limit.
    const { data, ...page } = paginate(mock, c, all, { maxLimit: Number.POSITIVE_INFINITY });
    const items = data.map(datasetBody);
    if (on('dataset-list-items-without-tags')) for (const item of items) delete item.tags;
    const total = on('dataset-list-total-as-string') ? String(page.total) : page.total;
    return c.json({ ...page, data: items, total });
  });

  app.get(DATASET_PATH, auth, (c) => {
    const dataset = findDataset(mock, c, c.get('tenantId'));
    if (dataset instanceof Response) return dataset;
    const body = datasetBody(dataset);
    if (on('dataset-counts-as-strings')) body.document_count = String(body.document_count);
    if (on('dataset-without-description')) delete body.description;
    if (on('dataset-detail-other-id')) body.id = MOCK_IDS.foreignDatasetId;
    return c.json(body);
  });

  app.patch(DATASET_PATH, auth, async (c) => {
    let dataset = findDataset(mock, c, c.get('tenantId'));
    if (dataset instanceof Response) {
      const refused = dataset;
      const disabled = store.datasets.get(c.req.param('dataset_id').toLowerCase());
      const serve = refused.status === 403 && disabled && on('dataset-update-api-disabled-served');
      if (!serve) return refused;
      dataset = disabled;
    }
    const body = (await jsonBody(c)) ?? {};
    const invalid = invalidSettings(body);
    if (invalid) return difyError(c, 400, 'invalid_param', invalid);
    const changes = [
      'name',
      'description',
      'permission',
      'indexing_technique',
      'embedding_model',
      'embedding_model_provider',
    ]
      .filter((field) => field in body)
      .map((field) => [field, body[field]]);
    if (on('dataset-update-answers-204')) return c.body(null, 204);
    const updated = { ...dataset, fields: { ...dataset.fields, ...Object.fromEntries(changes) } };
    const retrieval = body.retrieval_model;
    if (typeof retrieval === 'object' && retrieval !== null && !on('dataset-update-ignores-retrieval')) {
      updated.fields.retrieval_model_dict = { ...(dataset.fields.retrieval_model_dict as object), ...retrieval };
    }
    updated.fields.updated_at = Math.floor(mock.now() / 1000);
    if (!on('dataset-update-not-applied')) store.datasets.set(dataset.id, updated);
    const members = updated.fields.permission === 'partial_members' ? partialMembers(body) : [];
    return c.json({ ...datasetBody(updated), partial_member_list: members });
  });

  app.delete(DATASET_PATH, auth, (c) => {
    if (on('dataset-delete-unknown-204') && !store.datasets.has(c.req.param('dataset_id').toLowerCase())) {
      return c.body(null, 204);
    }
    const dataset = findDataset(mock, c, c.get('tenantId'));
    if (dataset instanceof Response) return dataset;
    if (Number(dataset.fields.app_count) > 0) {
      return difyError(
        c,
        409,
        'dataset_in_use',
        'The dataset is being used by some apps. Please remove the dataset from the apps before deleting it.',
      );
    }
    if (on('dataset-delete-keeps-it')) return c.body(null, 204);
    store.removeDataset(dataset.id);
    return c.body(null, 204);
  });
}

/** The account IDs an update grants access to. */
function partialMembers(body: Record<string, unknown>): string[] {
  const list = Array.isArray(body.partial_member_list) ? body.partial_member_list : [];
  return list.map((member) => String((member as { user_id?: unknown }).user_id ?? '')).filter(Boolean);
}
