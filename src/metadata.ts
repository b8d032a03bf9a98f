// Metadata fields the suite creates for its writes: named `dkc_<purpose>` (Dify's console takes
// lower-case letters, digits and underscores), unique in the knowledge base they are created in.
import { expectJson, expectObject, expectStatus } from './assertions';
import type { ApiClient, HttpResponse } from './http';

export interface CreatedField {
  id: string;
  name: string;
  type: string;
  /** The knowledge base it is a field of. */
  datasetId: string;
  response: HttpResponse;
}

export const fieldName = (purpose: string) => `dkc_${purpose.replaceAll('-', '_')}`;

export async function createField(api: ApiClient, datasetId: string, purpose: string): Promise<CreatedField> {
  const sent = { type: 'string', name: fieldName(purpose) };
  const response = await api.call('createMetadataField', { dataset_id: datasetId }, { json: sent });
  expectStatus(response, 201);
  const body = expectObject(expectJson(response), response);
  return { id: String(body.id), ...sent, datasetId, response };
}

/** Deletes a field; one already gone (or its knowledge base) counts as deleted. */
export async function deleteField(api: ApiClient, datasetId: string, fieldId: string): Promise<void> {
  const response = await api.call('deleteMetadataField', { dataset_id: datasetId, metadata_id: fieldId });
  if (response.status !== 204 && response.status !== 404) expectStatus(response, 204);
}
