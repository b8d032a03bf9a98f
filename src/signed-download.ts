// Signed URLs as checks get them: asking Download Document for one (the claim of
// signed-url/absolute) and fetching it as its holder would (the claim of resolves-anonymously).
import { claimUnlessKnown } from './accepted-preconditions';
import type { CheckArgs } from './checks';
import type { HttpResponse } from './http';
import { documentedAnswer } from './templates/response';
import { claim, show } from './violation';

export const ISSUE = {
  schema: 'downloadDocument/response/schema',
  fields: 'downloadDocument/response/fields',
  noKey: 'downloadDocument/signed-url/no-api-key',
  absolute: 'downloadDocument/signed-url/absolute',
  resolves: 'downloadDocument/signed-url/resolves-anonymously',
} as const;

/** A document named by its knowledge base and id, e.g. one a check created in the run's knowledge base. */
export interface DocumentRef {
  datasetId: string;
  id: string;
}

/** A fresh signed URL for a document (DIFY_DOCUMENT_ID unless named), registered as a secret. */
export async function issueSignedUrl(
  args: CheckArgs,
  document?: DocumentRef,
): Promise<{ url: string; response: HttpResponse }> {
  const path: Record<string, string> = document ? { dataset_id: document.datasetId, document_id: document.id } : {};
  const { response, body } = await args.given(ISSUE.schema, () => documentedAnswer(args, 'downloadDocument', { path }));
  const url = body.url;
  await args.given(ISSUE.fields, async () =>
    claim(url !== undefined, () => ({ expected: 'a url', actual: 'none', pointer: '/url', request: response.summary })),
  );
  if (typeof url === 'string') args.redactor.addSignedUrl(url);
  // Fetched anonymously, wherever it points: a URL carrying the key would take it off DIFY_BASE_URL.
  await args.given(ISSUE.noKey, async () => expectNoApiKey(args, String(url), response));
  const absolute = typeof url === 'string' && URL.canParse(url) && /^https?:$/.test(new URL(url).protocol);
  // Only a URL relative to the server root may be a known deviation (Dify without FILES_URL): the
  // root is the API's too.
  const rooted = typeof url === 'string' && url.startsWith('/') && !url.startsWith('//');
  const details = () => ({
    expected: 'url, an absolute http(s) URL',
    actual: `url ${show(url)}`,
    pointer: '/url',
    request: response.summary,
  });
  claim(absolute || rooted, details);
  if (claimUnlessKnown(absolute, details)) return { url: String(url), response };
  const resolved = new URL(String(url), args.target.baseUrl).href;
  args.redactor.addSignedUrl(resolved);
  return { url: resolved, response };
}

/** The no-api-key claim: the key belongs in the Authorization header only. */
export function expectNoApiKey(args: CheckArgs, url: string, response: HttpResponse): void {
  const key = args.settings.apiKey;
  claim(![key, encodeURIComponent(key)].some((form) => url.includes(form)), () => ({
    expected: 'a URL without the API key (the key belongs in the Authorization header only)',
    actual: 'the API key appears in the URL (shown redacted)',
    pointer: '/url',
    request: response.summary,
  }));
}

/** A URL issued for a precondition: blocked by signed-url/absolute when it is not one. */
export function signedUrlFor(args: CheckArgs, document?: DocumentRef) {
  return args.given(ISSUE.absolute, () => issueSignedUrl(args, document));
}

/** The URL fetched as its holder would (no key, no cookies); a 2xx with bytes is its claim. */
async function fetchServed(args: CheckArgs, url: string): Promise<HttpResponse> {
  const file = await args.anonymous.get(url);
  expectServed(file);
  return file;
}

export function expectServed(response: HttpResponse): void {
  claim(response.status >= 200 && response.status < 300 && response.body.length > 0, () => ({
    expected: 'a 2xx answer with the file, without API key or cookies',
    actual: `HTTP ${response.status} with ${response.body.length} bytes: ${show(response.text(), 160)}`,
    request: response.summary,
  }));
}

/** A served file for a precondition: blocked by resolves-anonymously when it is not served. */
export function servedFileFor(args: CheckArgs, url: string) {
  return args.given(ISSUE.resolves, () => fetchServed(args, url));
}
