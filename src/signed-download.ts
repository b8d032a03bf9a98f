// Asking Download Document for a signed URL: the precondition of every check that fetches one.
import { expectObject, expectStatus } from './assertions';
import type { ApiClient, HttpResponse } from './http';
import type { Redactor } from './redact';
import { claim, show } from './violation';

/** A fresh signed URL for a document: 200, and an absolute http(s) url, registered as a secret. */
export async function issueSignedUrl(
  api: ApiClient,
  redactor: Redactor,
  datasetId: string,
  documentId: string,
): Promise<{ url: string; response: HttpResponse }> {
  const response = await api.call('downloadDocument', { dataset_id: datasetId, document_id: documentId });
  expectStatus(response, 200);
  const url = expectObject(response.json(), response).url;
  const absolute = typeof url === 'string' && URL.canParse(url) && /^https?:$/.test(new URL(url).protocol);
  claim(absolute && typeof url === 'string', () => ({
    expected: 'url, an absolute http(s) URL',
    actual: `url ${show(url)}`,
    pointer: '/url',
    request: response.summary,
  }));
  redactor.addSignedUrl(url);
  return { url, response };
}
