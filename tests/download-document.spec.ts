// Download Document (downloadDocument): the signed URL is a capability: it serves the original
// file without the API key, only for a limited time, and only as issued.
import { createHash } from 'node:crypto';
import { parse as parseContentDisposition } from 'content-disposition';
import { expectJson, expectObject, expectSchema, expectStatus, isObject } from '../src/assertions';
import { type CheckArgs, check, skipCheck, test } from '../src/fixtures';
import type { HttpResponse } from '../src/http';
import { issueSignedUrl } from '../src/signed-download';
import { alterOneCharacter, parseSignedUrl, withParam } from '../src/signed-url';
import { claim, show } from '../src/violation';

const OPERATION = 'downloadDocument';
/**
 * Dify's check is in whole seconds (valid while now - timestamp <= TTL), so the first refused
 * second is expiry + 1; one more second absorbs clock skew between this machine and the server,
 * whose clock is read from its Date header.
 */
const CLOCK_SKEW_SECONDS = 1;

function download({ api, settings }: CheckArgs) {
  return api.call(OPERATION, { dataset_id: settings.ids.datasetId, document_id: settings.ids.documentId });
}

/** A fresh signed URL for DIFY_DOCUMENT_ID; every check that fetches one starts here. */
function signedUrl({ api, redactor, settings }: CheckArgs) {
  return issueSignedUrl(api, redactor, settings.ids.datasetId, settings.ids.documentId);
}

/** Fetches a signed URL as its holder would: no API key, no cookies. */
function fetchAnonymously(args: CheckArgs, url: string): Promise<HttpResponse> {
  return args.anonymous.get(url);
}

function expectServed(response: HttpResponse, precondition = false): void {
  const label = precondition ? '(precondition) ' : '';
  claim(response.status >= 200 && response.status < 300 && response.body.length > 0, () => ({
    expected: `${label}a 2xx answer with the file, without API key or cookies`,
    actual: `HTTP ${response.status} with ${response.body.length} bytes: ${show(response.text(), 160)}`,
    request: response.summary,
  }));
}

function expectRefused(response: HttpResponse, why: string): void {
  claim(response.status >= 400 && response.status < 500, () => ({
    expected: `a 4xx refusal (${why})`,
    actual:
      response.status < 300
        ? `HTTP ${response.status}: the file was served (${response.body.length} bytes)`
        : `HTTP ${response.status} with ${show(response.text(), 160)}`,
    request: response.summary,
  }));
}

/** Get Document's description of the uploaded file (newer Dify: data_source_info.upload_file). */
async function uploadedFile(args: CheckArgs): Promise<{ name?: string; size?: number; mimeType?: string }> {
  const { datasetId, documentId } = args.settings.ids;
  const response = await args.api.call('getDocumentDetail', { dataset_id: datasetId, document_id: documentId });
  expectStatus(response, 200);
  const doc = expectObject(response.json(), response);
  const info = isObject(doc.data_source_info) ? doc.data_source_info : {};
  const file = isObject(info.upload_file) ? info.upload_file : {};
  return {
    name: typeof file.name === 'string' ? file.name : typeof doc.name === 'string' ? doc.name : undefined,
    size: typeof file.size === 'number' ? file.size : undefined,
    mimeType: typeof file.mime_type === 'string' ? file.mime_type : undefined,
  };
}

test(
  ...check('downloadDocument/response/schema', async (args) => {
    const response = await download(args);
    expectStatus(response, 200);
    const body = expectJson(response);
    const url = isObject(body) ? body.url : undefined;
    if (typeof url === 'string') args.redactor.addSignedUrl(url);
    expectSchema(args.validators, args.validators.responseSchema(OPERATION, 200), body, response);
  }),
);

test(
  ...check('downloadDocument/signed-url/absolute', async (args) => {
    await signedUrl(args);
  }),
);

test(
  ...check('downloadDocument/signed-url/no-api-key', async (args) => {
    const response = await download(args);
    expectStatus(response, 200);
    const url = expectObject(response.json(), response).url;
    claim(typeof url === 'string', () => ({
      expected: 'url, a string',
      actual: `url ${show(url)}`,
      pointer: '/url',
      request: response.summary,
    }));
    args.redactor.addSignedUrl(url);
    const key = args.settings.apiKey;
    const found = [key, encodeURIComponent(key)].some((form) => url.includes(form));
    claim(!found, () => ({
      expected: 'a URL without the API key (the key belongs in the Authorization header only)',
      actual: 'the API key appears in the URL (shown redacted)',
      pointer: '/url',
      request: response.summary,
    }));
  }),
);

test(
  ...check('downloadDocument/signed-url/resolves-anonymously', async (args) => {
    const { url } = await signedUrl(args);
    const file = await fetchAnonymously(args, url);
    expectServed(file);
    const declared = file.headers['content-length'];
    const encoded = (file.headers['content-encoding'] ?? 'identity') !== 'identity';
    claim(declared === undefined || encoded || Number(declared) === file.body.length, () => ({
      expected: `Content-Length equal to the body's ${file.body.length} bytes`,
      actual: `Content-Length ${show(declared)}`,
      request: file.summary,
    }));
  }),
);

test(
  ...check('downloadDocument/signed-url/original-bytes', async (args) => {
    const expected = args.settings.ids.documentSha256;
    if (!expected) skipCheck('the original bytes are unknown: set DIFY_DOCUMENT_SHA256 to the sha256sum of the file');
    const { url } = await signedUrl(args);
    const file = await fetchAnonymously(args, url);
    expectServed(file, true);
    const actual = createHash('sha256').update(file.body).digest('hex');
    claim(actual === expected, () => ({
      expected: `SHA-256 ${expected}`,
      actual: `SHA-256 ${actual} over ${file.body.length} bytes`,
      request: file.summary,
    }));
  }),
);

test(
  ...check('downloadDocument/signed-url/file-size', async (args) => {
    const { size } = await uploadedFile(args);
    if (size === undefined) skipCheck('Get Document gives no data_source_info.upload_file.size to compare with');
    const file = await fetchAnonymously(args, (await signedUrl(args)).url);
    expectServed(file, true);
    claim(file.body.length === size, () => ({
      expected: `${size} bytes, data_source_info.upload_file.size`,
      actual: `${file.body.length} bytes`,
      request: file.summary,
    }));
  }),
);

test(
  ...check('downloadDocument/signed-url/file-name', async (args) => {
    const { name } = await uploadedFile(args);
    const file = await fetchAnonymously(args, (await signedUrl(args)).url);
    expectServed(file, true);
    const header = file.headers['content-disposition'];
    if (header === undefined) skipCheck('the download sends no Content-Disposition, so it names no file');
    if (name === undefined) skipCheck('Get Document gives no file name to compare with');
    let filename: string | undefined;
    try {
      filename = parseContentDisposition(header).parameters.filename;
    } catch {
      filename = undefined;
    }
    claim(filename === name, () => ({
      expected: `Content-Disposition filename ${show(name)}`,
      actual: `Content-Disposition ${show(header)}`,
      request: file.summary,
    }));
  }),
);

test(
  ...check('downloadDocument/signed-url/content-type', async (args) => {
    const { mimeType } = await uploadedFile(args);
    const file = await fetchAnonymously(args, (await signedUrl(args)).url);
    expectServed(file, true);
    const allowed = ['application/octet-stream', ...(mimeType ? [mimeType.toLowerCase()] : [])];
    claim(allowed.includes(file.mediaType()), () => ({
      expected: `Content-Type ${allowed.join(' or ')}`,
      actual: `Content-Type ${show(file.headers['content-type'])}`,
      request: file.summary,
    }));
  }),
);

test(
  ...check('downloadDocument/tamper/signature', async (args) => {
    const { url } = await signedUrl(args);
    const { signatureParam } = parseSignedUrl(url, args.settings.signedUrlTtlSeconds);
    if (!signatureParam)
      skipCheck('the URL has no signature parameter this suite knows (sign, signature, X-Amz-Signature, …)');
    expectServed(await fetchAnonymously(args, url), true);
    const original = new URL(url).searchParams.get(signatureParam) ?? '';
    const tampered = withParam(url, signatureParam, alterOneCharacter(original));
    expectRefused(await fetchAnonymously(args, tampered), `${signatureParam} altered by one character`);
  }),
);

test(
  ...check('downloadDocument/tamper/time', async (args) => {
    const { url } = await signedUrl(args);
    const { timeParam } = parseSignedUrl(url, args.settings.signedUrlTtlSeconds);
    if (!timeParam) skipCheck('the URL has no time parameter this suite knows (timestamp, expires, X-Amz-Expires, …)');
    expectServed(await fetchAnonymously(args, url), true);
    const later = withParam(url, timeParam.name, timeParam.later);
    expectRefused(await fetchAnonymously(args, later), `${timeParam.name} moved later to ${timeParam.later}`);
  }),
);

test(
  ...check('downloadDocument/signed-url/expiry', async (args) => {
    const { url, response } = await signedUrl(args);
    const localNow = Date.now() / 1000;
    const serverDate = Date.parse(response.headers.date ?? '');
    const serverNow = Number.isNaN(serverDate) ? localNow : serverDate / 1000;
    const ttl = args.settings.signedUrlTtlSeconds;
    const { expiresAt, expirySource } = parseSignedUrl(url, ttl);
    if (expiresAt === undefined) {
      skipCheck('the URL states no expiry (no expires, X-Amz-*, X-Goog-*, se or timestamp parameter)');
    }
    claim(expiresAt > Math.floor(serverNow), () => ({
      expected: 'a URL that is still valid when issued',
      actual: `it expired at ${new Date(expiresAt * 1000).toISOString()} (${expirySource}), before the server's ${response.headers.date}`,
      request: response.summary,
    }));
    expectServed(await fetchAnonymously(args, url), true);
    const refuseFrom = expiresAt + 1 + CLOCK_SKEW_SECONDS + (localNow - serverNow);
    const wait = Math.max(0, refuseFrom - Date.now() / 1000);
    if (wait > args.settings.maxWaitSeconds) {
      skipCheck(
        `the URL expires in ${Math.ceil(wait)} s (${expirySource}, DIFY_SIGNED_URL_TTL=${ttl}), beyond CONFORMANCE_MAX_WAIT=${args.settings.maxWaitSeconds} s`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, wait * 1000));
    const late = await fetchAnonymously(args, url);
    expectRefused(late, `expired at ${new Date(expiresAt * 1000).toISOString()} by ${expirySource}`);
  }),
);

test(
  ...check('downloadDocument/signed-url/fresh-urls', async (args) => {
    const first = await signedUrl(args);
    const second = await signedUrl(args);
    claim(first.url !== second.url, () => ({
      expected: 'a new signed URL for each call',
      actual: 'both calls returned the same URL',
      pointer: '/url',
      request: second.response.summary,
    }));
    for (const url of [first.url, second.url, first.url]) expectServed(await fetchAnonymously(args, url));
    const ttl = args.settings.signedUrlTtlSeconds;
    const [a, b] = [parseSignedUrl(first.url, ttl).expiresAt, parseSignedUrl(second.url, ttl).expiresAt];
    claim(a === undefined || b === undefined || b >= a, () => ({
      expected: 'the later URL to expire no earlier than the first',
      actual: `first expires at ${a}, second at ${b}`,
      request: second.response.summary,
    }));
  }),
);
