// Tags: create, list, rename, delete, bind to and unbind from knowledge bases, a knowledge base's tags.
import { randomUUID } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { bearerAuth } from '../auth';
import { jsonBody } from '../body';
import type { Env, MockContext } from '../context';
import type { Deviation } from '../deviations';
import { difyError } from '../errors';
import { findDataset } from '../lookup';
import type { MockRecord } from '../store';
import { boundTags } from './datasets';
import { DATASET_PATH } from './paths';

/** The lifecycle checks that create a tag and read it back: each sees how tags are created and listed. */
const TAG_READERS = [
  'createKnowledgeTag/*/*',
  'getKnowledgeTags/shows-created',
  'updateKnowledgeTag/shows-rename',
  'bindTagsToDataset/shows-binding',
  'unbindTagFromDataset/removes-binding',
  'deleteKnowledgeTag/removes-tag',
];

export const tagDeviations = {
  'tag-binding-count-as-number': {
    description: 'List Knowledge Tags sends binding_count as a number, not the documented string',
    fails: ['getKnowledgeTags/response/schema'],
    sees: [
      'getKnowledgeTags/*/*',
      'getKnowledgeTags/shows-created',
      'updateKnowledgeTag/shows-rename',
      'deleteKnowledgeTag/removes-tag',
    ],
  },
  'tag-list-without-binding-count': {
    description: 'List Knowledge Tags leaves binding_count out of its items',
    fails: ['getKnowledgeTags/response/fields'],
  },
  'dataset-tags-bare-list': {
    description: 'Get Knowledge Base Tags answers a bare list of tags, as List Knowledge Tags does, not {data, total}',
    fails: ['queryDatasetTags/response/schema'],
  },
  'dataset-tags-without-total': {
    description: 'Get Knowledge Base Tags answers without total',
    fails: ['queryDatasetTags/response/fields'],
  },
  'dataset-tags-unknown-dataset-empty': {
    description: 'Get Knowledge Base Tags answers an unknown knowledge base with 200 and no tags',
    fails: ['queryDatasetTags/errors/unknown-dataset'],
  },
  // The lifecycle: writes acknowledged but not applied, or applied wrongly.
  'tag-create-renames': {
    description: 'Create Knowledge Tag stores and answers the name in upper case',
    fails: ['createKnowledgeTag/response/schema'],
    sees: TAG_READERS,
  },
  'tag-list-hides-new': {
    description: 'List Knowledge Tags leaves out tags created through the API',
    fails: ['getKnowledgeTags/shows-created'],
    sees: ['getKnowledgeTags/*/*', ...TAG_READERS],
  },
  'tag-rename-not-applied': {
    description: 'Update Knowledge Tag answers with the new name but keeps the old one',
    fails: ['updateKnowledgeTag/shows-rename'],
    sees: ['updateKnowledgeTag/*/*', 'updateKnowledgeTag/shows-rename'],
  },
  'tag-bind-not-applied': {
    description: 'Bind Tags to a Knowledge Base answers 204 and binds nothing',
    fails: ['bindTagsToDataset/shows-binding'],
    sees: ['bindTagsToDataset/*/*', 'bindTagsToDataset/shows-binding', 'unbindTagFromDataset/removes-binding'],
  },
  'tag-unbind-not-applied': {
    description: 'Unbind a Tag from a Knowledge Base answers 204 and keeps the binding',
    fails: ['unbindTagFromDataset/removes-binding'],
    sees: ['unbindTagFromDataset/*/*', 'unbindTagFromDataset/removes-binding'],
  },
  'tag-delete-keeps-it': {
    description: 'Delete Knowledge Tag answers 204 and keeps the tag',
    fails: ['deleteKnowledgeTag/removes-tag'],
    sees: ['deleteKnowledgeTag/*/*', ...TAG_READERS],
  },
  // Stock Dify 1.13.3 (src/mock/profiles.ts): its response model types binding_count as a string,
  // its controllers give it an integer, and pydantic refuses the answer after the change is committed.
  'tag-binding-count-400': {
    description:
      'List Knowledge Tags (when a tag exists), Create and Update Knowledge Tag answer 400 invalid_param, after applying the change',
    fails: ['getKnowledgeTags/response/schema', 'createKnowledgeTag/response/schema'],
  },
  // Stock Dify 1.13.3: its unbinding body model has a required tag_id and no tag_ids.
  'tag-unbind-needs-tag-id': {
    description:
      'Unbind a Tag from a Knowledge Base takes only the older one-tag form: a body with tag_ids and no tag_id answers 400 invalid_param',
    fails: ['unbindTagFromDataset/removes-binding'],
    sees: ['unbindTagFromDataset/*/*', 'unbindTagFromDataset/removes-binding'],
  },
} satisfies Record<string, Deviation>;

const validName = (name: unknown) => typeof name === 'string' && name.length >= 1 && name.length <= 50;

export function tagRoutes(app: Hono<Env>, mock: MockContext): void {
  const { on, store } = mock;
  const auth = bearerAuth(mock);

  /** The fixtures' tags: the ones a deviation that hides new tags still lists. */
  const seededTags = new Set(store.tags.keys());
  const tagsOf = (tenantId: string) => [...store.tags.values()].filter((tag) => tag.tenantId === tenantId);

  /** A tag as the tag operations answer it: its count of bindings to knowledge bases that still exist. */
  function tagBody(tag: MockRecord, countAsNumber = false): Record<string, unknown> {
    const count = [...store.datasets.keys()].filter((id) => store.tagBindings.has(`${tag.id} ${id}`)).length;
    return { ...tag.fields, binding_count: countAsNumber ? count : String(count) };
  }

  /** The workspace's tag the body names, or the answer that refuses it. */
  function findTag(c: Context<Env>, body: Record<string, unknown>): MockRecord | Response {
    const tag = store.tags.get(String(body.tag_id ?? ''));
    if (!tag || tag.tenantId !== c.get('tenantId')) return difyError(c, 404, 'not_found', 'Tag not found');
    return tag;
  }

  /** The workspace's knowledge base a binding body targets, or the answer that refuses it. */
  function findTarget(c: Context<Env>, body: Record<string, unknown>): string | Response {
    const dataset = store.datasets.get(String(body.target_id ?? '').toLowerCase());
    if (!dataset || dataset.tenantId !== c.get('tenantId')) return difyError(c, 404, 'not_found', 'Dataset not found');
    return dataset.id;
  }

  /** Dify 1.13.3's refusal of its own answer: a pydantic error, as every ValueError is answered. */
  const refusedAnswer = (c: Context<Env>) =>
    difyError(
      c,
      400,
      'invalid_param',
      '1 validation error for DataSetTag\nbinding_count\n  Input should be a valid string [type=string_type, input_value=0, input_type=int]',
    );

  const nameTaken = (tenantId: string, name: unknown) => tagsOf(tenantId).some((tag) => tag.fields.name === name);

  app.get('/v1/datasets/tags', auth, (c) => {
    const tags = tagsOf(c.get('tenantId'))
      .filter((tag) => !(on('tag-list-hides-new') && !seededTags.has(tag.id)))
      .map((tag) => tagBody(tag, on('tag-binding-count-as-number')));
    if (on('tag-list-without-binding-count')) for (const tag of tags) delete tag.binding_count;
    if (tags.length > 0 && on('tag-binding-count-400')) return refusedAnswer(c);
    return c.json(tags);
  });

  app.post('/v1/datasets/tags', auth, async (c) => {
    const body = await jsonBody(c);
    if (!body || !validName(body.name)) return difyError(c, 400, 'invalid_param', 'name must be 1 to 50 characters.');
    if (nameTaken(c.get('tenantId'), body.name)) return difyError(c, 400, 'invalid_param', 'Tag name already exists');
    const id = randomUUID();
    const name = on('tag-create-renames') ? String(body.name).toUpperCase() : body.name;
    const tag = { id, tenantId: c.get('tenantId'), fields: { id, name, type: 'knowledge' } };
    store.tags.set(id, tag);
    if (on('tag-binding-count-400')) return refusedAnswer(c);
    return c.json(tagBody(tag));
  });

  app.patch('/v1/datasets/tags', auth, async (c) => {
    const body = await jsonBody(c);
    if (!body || !validName(body.name) || typeof body.tag_id !== 'string') {
      return difyError(c, 400, 'invalid_param', 'tag_id and a name of 1 to 50 characters are required.');
    }
    const tag = findTag(c, body);
    if (tag instanceof Response) return tag;
    if (tag.fields.name !== body.name && nameTaken(c.get('tenantId'), body.name)) {
      return difyError(c, 400, 'invalid_param', 'Tag name already exists');
    }
    if (on('tag-rename-not-applied')) return c.json({ ...tagBody(tag), name: body.name });
    tag.fields.name = body.name;
    if (on('tag-binding-count-400')) return refusedAnswer(c);
    return c.json(tagBody(tag));
  });

  app.delete('/v1/datasets/tags', auth, async (c) => {
    const body = await jsonBody(c);
    if (!body || typeof body.tag_id !== 'string') return difyError(c, 400, 'invalid_param', 'tag_id is required.');
    const tag = findTag(c, body);
    if (tag instanceof Response) return tag;
    if (on('tag-delete-keeps-it')) return c.body(null, 204);
    store.tags.delete(tag.id);
    for (const binding of [...store.tagBindings])
      if (binding.startsWith(`${tag.id} `)) store.tagBindings.delete(binding);
    return c.body(null, 204);
  });

  app.post('/v1/datasets/tags/binding', auth, async (c) => {
    const body = await jsonBody(c);
    const tagIds = Array.isArray(body?.tag_ids) ? body.tag_ids.map(String) : [];
    if (!body || tagIds.length === 0 || typeof body.target_id !== 'string') {
      return difyError(c, 400, 'invalid_param', 'Tag IDs is required.');
    }
    const target = findTarget(c, body);
    if (target instanceof Response) return target;
    // Ids no tag of the workspace has are skipped, as the docs say.
    const known = new Set(tagsOf(c.get('tenantId')).map((tag) => tag.id));
    if (!on('tag-bind-not-applied'))
      for (const id of tagIds.filter((tagId) => known.has(tagId))) store.tagBindings.add(`${id} ${target}`);
    return c.body(null, 204);
  });

  app.post('/v1/datasets/tags/unbinding', auth, async (c) => {
    const body = await jsonBody(c);
    const oneTagOnly = on('tag-unbind-needs-tag-id');
    if (oneTagOnly && typeof body?.tag_id !== 'string') {
      return difyError(
        c,
        400,
        'invalid_param',
        '1 validation error for TagUnbindingPayload\ntag_id\n  Field required [type=missing, input_type=dict]',
      );
    }
    const listed = Array.isArray(body?.tag_ids) && !oneTagOnly ? body.tag_ids.map(String) : [];
    // The older one-tag form stands for a list of one.
    const tagIds = listed.length > 0 ? listed : typeof body?.tag_id === 'string' ? [body.tag_id] : [];
    if (!body || tagIds.length === 0 || typeof body.target_id !== 'string') {
      return difyError(c, 400, 'invalid_param', 'Tag IDs is required.');
    }
    const target = findTarget(c, body);
    if (target instanceof Response) return target;
    if (!on('tag-unbind-not-applied')) for (const id of tagIds) store.tagBindings.delete(`${id} ${target}`);
    return c.body(null, 204);
  });

  app.get(`${DATASET_PATH}/tags`, auth, (c) => {
    const unknown = !store.datasets.has(c.req.param('dataset_id').toLowerCase());
    if (unknown && on('dataset-tags-unknown-dataset-empty')) return c.json({ data: [], total: 0 });
    const dataset = findDataset(mock, c, c.get('tenantId'));
    if (dataset instanceof Response) return dataset;
    const data = boundTags(store, dataset.id).map((tag) => ({ id: tag.id, name: tag.fields.name }));
    if (on('dataset-tags-bare-list')) return c.json(data);
    return c.json(on('dataset-tags-without-total') ? { data } : { data, total: data.length });
  });
}
