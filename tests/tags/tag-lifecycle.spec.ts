// The tag lifecycle: rows in tag-lifecycle.checks.yaml. Every check reads back through another
// operation than the one that wrote, and says what was written and what came back.
import { expectJson, expectObject, expectSchema, expectStatus } from '../../src/assertions';
import { type CheckArgs, checksOf, type Template } from '../../src/checks';
import { test } from '../../src/fixtures';
import type { CreatedTag } from '../../src/tags';
import { documentedAnswer, noteFieldsSeen } from '../../src/templates/response';
import { claim, show } from '../../src/violation';

const CREATE = 'createKnowledgeTag/response/schema';

/** Creates a tag of the check's own and holds the answer to the create's claim. */
async function verifiedCreate(args: CheckArgs, purpose: string): Promise<CreatedTag> {
  const tag = await args.scratch.tag(purpose);
  const { response } = tag;
  const body = expectObject(expectJson(response), response);
  expectSchema(args.validators, args.validators.responseSchema('createKnowledgeTag', 200), body, response);
  noteFieldsSeen(args, 'createKnowledgeTag', body);
  claim(body.name === tag.name, () => ({
    expected: `name ${show(tag.name)}, as sent`,
    actual: `name ${show(body.name)}`,
    pointer: '/name',
    request: response.summary,
  }));
  return tag;
}

const created = (args: CheckArgs, purpose: string) => args.given(CREATE, () => verifiedCreate(args, purpose));

/** The workspace's tags as List Knowledge Tags answers them, relying on its schema check. */
async function listedTags(args: CheckArgs) {
  const answer = await args.given('getKnowledgeTags/response/schema', () => documentedAnswer(args, 'getKnowledgeTags'));
  // A list answer is held at the empty key (see documentedAnswer).
  const items = (answer.body[''] ?? []) as { id?: unknown; name?: unknown }[];
  return { items, summary: answer.response.summary };
}

/** The tags Get Knowledge Base Tags gives a knowledge base, relying on its schema check. */
async function tagsOf(args: CheckArgs, datasetId: string) {
  const answer = await args.given('queryDatasetTags/response/schema', () =>
    documentedAnswer(args, 'queryDatasetTags', { path: { dataset_id: datasetId } }),
  );
  return { items: (answer.body.data ?? []) as { id?: unknown }[], summary: answer.response.summary };
}

/**
 * A knowledge base of the check's own to bind to, named for the check (names are unique in a
 * workspace, and checks run side by side): blocked by the knowledge-base create check without one.
 */
const target = (args: CheckArgs, purpose: string) =>
  args.given('createDataset/response/schema', () => args.scratch.dataset(purpose));

async function bind(args: CheckArgs, tag: CreatedTag, datasetId: string): Promise<void> {
  const response = await args.api.call('bindTagsToDataset', {}, { json: { tag_ids: [tag.id], target_id: datasetId } });
  expectStatus(response, 204);
}

const templates: Record<string, Template> = {
  'create-tag': async (args) => {
    await verifiedCreate(args, 'tag-create');
  },

  'list-shows-tag': async (args) => {
    const tag = await created(args, 'tag-list');
    const { items, summary } = await listedTags(args);
    const listed = items.find((item) => item.id === tag.id);
    claim(listed?.name === tag.name, () => ({
      expected: `the new tag ${show(tag.id)} named ${show(tag.name)}`,
      actual: listed ? `it, named ${show(listed.name)}` : `${items.length} other tag(s)`,
      request: summary,
    }));
  },

  'rename-tag': async (args) => {
    const tag = await created(args, 'tag-rename');
    const name = `${tag.name}-x`;
    const response = await args.api.call('updateKnowledgeTag', {}, { json: { tag_id: tag.id, name } });
    expectStatus(response, 200);
    const body = expectObject(expectJson(response), response);
    expectSchema(args.validators, args.validators.responseSchema('updateKnowledgeTag', 200), body, response);
    noteFieldsSeen(args, 'updateKnowledgeTag', body);
    const { items, summary } = await listedTags(args);
    const listed = items.find((item) => item.id === tag.id);
    await args.given('getKnowledgeTags/shows-created', async () =>
      claim(listed !== undefined, () => ({
        expected: `the tag ${show(tag.id)} listed`,
        actual: 'not listed',
        request: summary,
      })),
    );
    claim(body.name === name && listed?.name === name, () => ({
      expected: `the name ${show(name)} the update sent, in its answer and in the list`,
      actual: `answered ${show(body.name)}, listed ${listed ? show(listed.name) : 'not at all'}`,
      request: summary,
    }));
  },

  'bind-tag': async (args) => {
    const tag = await created(args, 'tag-bind');
    const dataset = await target(args, 'bind-target');
    await bind(args, tag, dataset.id);
    const { items, summary } = await tagsOf(args, dataset.id);
    claim(
      items.some((item) => item.id === tag.id),
      () => ({
        expected: `the bound tag ${show(tag.id)} among the knowledge base's tags`,
        actual: `${items.length} other tag(s)`,
        pointer: '/data',
        request: summary,
      }),
    );
  },

  'unbind-tag': async (args) => {
    const tag = await created(args, 'tag-unbind');
    const dataset = await target(args, 'unbind-target');
    await args.given('bindTagsToDataset/shows-binding', async () => {
      await bind(args, tag, dataset.id);
      const { items } = await tagsOf(args, dataset.id);
      claim(
        items.some((item) => item.id === tag.id),
        () => ({ expected: 'the bound tag', actual: 'not listed' }),
      );
    });
    const response = await args.api.call(
      'unbindTagFromDataset',
      {},
      { json: { tag_ids: [tag.id], target_id: dataset.id } },
    );
    expectStatus(response, 204);
    const { items, summary } = await tagsOf(args, dataset.id);
    claim(!items.some((item) => item.id === tag.id), () => ({
      expected: `no tag ${show(tag.id)} among the knowledge base's tags after unbinding it`,
      actual: 'it is still listed',
      pointer: '/data',
      request: summary,
    }));
  },

  'delete-tag': async (args) => {
    const tag = await created(args, 'tag-delete');
    const response = await args.api.call('deleteKnowledgeTag', {}, { json: { tag_id: tag.id } });
    expectStatus(response, 204);
    const { items, summary } = await listedTags(args);
    claim(!items.some((item) => item.id === tag.id), () => ({
      expected: `no tag ${show(tag.id)} in the list after deleting it`,
      actual: 'it is still listed',
      request: summary,
    }));
  },
};

for (const check of checksOf(__filename, templates)) test(...check);
