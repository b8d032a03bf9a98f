// Knowledge bases the suite creates for its writes: named `dkc-<run id>-<purpose>`, so a run's own
// (and, for `npm run cleanup`, every run's) can be found and deleted, and nothing else ever is.
import { expectJson, expectObject, expectStatus } from './assertions';
import { NAME_PREFIX } from './documents';
import type { ApiClient, HttpResponse } from './http';

/** The names the suite gives what it creates: its prefix, a run id and a purpose (none for the run's knowledge base). */
export const SUITE_NAME = /^dkc-\d{14}-[0-9a-f]{6}(-[a-z-]+)?$/;
/** Set by the global setup: the id of the run's knowledge base, `dkc-<run id>`, where checks write. */
export const RUN_DATASET_ENV = 'CONFORMANCE_RUN_DATASET';
/** Dify caps a knowledge base's name at 40 characters; the prefix and run id take 26. */
const MAX_PURPOSE = 14;

export interface CreatedDataset {
  id: string;
  name: string;
  /** What the create sent, to compare with what is read back. */
  sent: Record<string, unknown>;
  response: HttpResponse;
}

/** The name of something the suite creates (a knowledge base, a tag). */
export function scratchName(runId: string, purpose: string): string {
  if (!/^[a-z-]+$/.test(purpose) || purpose.length > MAX_PURPOSE)
    throw new Error(`a scratch resource's purpose is [a-z-]{1,${MAX_PURPOSE}}: ${purpose}`);
  return `${NAME_PREFIX}${runId}-${purpose}`;
}

/** The run's own knowledge base, where the checks create their documents, chunks and metadata. */
export const runDatasetName = (runId: string) => `${NAME_PREFIX}${runId}`;

/** Creates a knowledge base of the suite's own (`purpose` undefined: the run's); economy indexing needs no embedding model. */
export async function createDataset(
  api: ApiClient,
  runId: string,
  purpose: string | undefined,
  extra: Record<string, unknown> = {},
): Promise<CreatedDataset> {
  const sent = {
    name: purpose === undefined ? runDatasetName(runId) : scratchName(runId, purpose),
    description: `Created by dify-knowledge-conformance run ${runId}; deleted when it ends.`,
    indexing_technique: 'economy',
    permission: 'only_me',
    ...extra,
  };
  const response = await api.call('createDataset', {}, { json: sent });
  expectStatus(response, 200);
  const body = expectObject(expectJson(response), response);
  return { id: String(body.id), name: String(sent.name), sent, response };
}

/** Deletes a knowledge base; one already gone counts as deleted. */
export async function deleteDataset(api: ApiClient, datasetId: string): Promise<void> {
  const response = await api.call('deleteDataset', { dataset_id: datasetId });
  if (response.status !== 204 && response.status !== 404) expectStatus(response, 204);
}

/** Deletes the suite's knowledge bases whose name starts with `prefix` (a run's, or all runs'); returns their names. */
export async function deleteDatasets(api: ApiClient, prefix: string): Promise<string[]> {
  const response = await api.call('listDatasets', {}, { query: { keyword: prefix, limit: '100' } });
  expectStatus(response, 200);
  const found = ((response.json() as { data?: { id: string; name: string }[] }).data ?? []).filter(
    (d) => d.name.startsWith(prefix) && SUITE_NAME.test(d.name),
  );
  for (const dataset of found) await deleteDataset(api, dataset.id);
  return found.map((d) => d.name);
}
