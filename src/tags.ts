// Tags the suite creates for its writes: named `dkc-<run id>-<purpose>` like its knowledge bases,
// so a run's own (and, for `npm run cleanup`, every run's) can be found and deleted.
import { expectJson, expectObject, expectStatus } from './assertions';
import type { ApiClient, HttpResponse } from './http';
import { SUITE_NAME, scratchName } from './knowledge-bases';

export interface CreatedTag {
  id: string;
  name: string;
  response: HttpResponse;
}

export async function createTag(api: ApiClient, runId: string, purpose: string): Promise<CreatedTag> {
  const name = scratchName(runId, purpose);
  const response = await api.call('createKnowledgeTag', {}, { json: { name } });
  expectStatus(response, 200);
  const body = expectObject(expectJson(response), response);
  return { id: String(body.id), name, response };
}

/** Deletes a tag; one already gone counts as deleted. */
export async function deleteTag(api: ApiClient, tagId: string): Promise<void> {
  const response = await api.call('deleteKnowledgeTag', {}, { json: { tag_id: tagId } });
  if (response.status !== 204 && response.status !== 404) expectStatus(response, 204);
}

/** Deletes the suite's tags whose name starts with `prefix`; returns their names. */
export async function deleteTags(api: ApiClient, prefix: string): Promise<string[]> {
  const response = await api.call('getKnowledgeTags', {});
  expectStatus(response, 200);
  const list = response.json();
  const found = (Array.isArray(list) ? (list as { id: string; name: string }[]) : []).filter(
    (tag) => tag.name.startsWith(prefix) && SUITE_NAME.test(tag.name),
  );
  for (const tag of found) await deleteTag(api, tag.id);
  return found.map((tag) => tag.name);
}
