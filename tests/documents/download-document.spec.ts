// Download Document (downloadDocument): rows in download-document.checks.yaml. The signed URL is
// a capability: it serves the original file without the API key, for a limited time, as issued.
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse as parseContentDisposition } from 'content-disposition';
import { isObject } from '../../src/assertions';
import { type CheckArgs, checksOf, type Template } from '../../src/checks';
import { test } from '../../src/fixtures';
import type { HttpResponse } from '../../src/http';
import {
  expectNoApiKey,
  expectServed,
  ISSUE,
  issueSignedUrl,
  servedFileFor,
  signedUrlFor,
} from '../../src/signed-download';
import { alterOneCharacter, parseSignedUrl, withParam } from '../../src/signed-url';
import { documentedAnswer } from '../../src/templates/response';
import { claim, show, skipCheck } from '../../src/violation';

/**
 * Dify's check is in whole seconds (valid while now - timestamp <= TTL), so the first refused
 * second is expiry + 1; one more second absorbs clock skew between this machine and the server,
 * whose clock is read from its Date header.
 */
const CLOCK_SKEW_SECONDS = 1;

/** A URL that resolves: blocked when it is not absolute or not served. */
async function servedUrl(args: CheckArgs) {
  const issued = await signedUrlFor(args);
  const file = await servedFileFor(args, issued.url);
  return { ...issued, file };
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
  const { body: doc } = await args.given('getDocumentDetail/response/schema', () =>
    documentedAnswer(args, 'getDocumentDetail'),
  );
  const info = isObject(doc.data_source_info) ? doc.data_source_info : {};
  const file = isObject(info.upload_file) ? info.upload_file : {};
  return {
    name: typeof file.name === 'string' ? file.name : typeof doc.name === 'string' ? doc.name : undefined,
    size: typeof file.size === 'number' ? file.size : undefined,
    mimeType: typeof file.mime_type === 'string' ? file.mime_type : undefined,
  };
}

const templates: Record<string, Template> = {
  'signed-url-absolute': async (args) => {
    await issueSignedUrl(args);
  },

  'signed-url-no-api-key': async (args) => {
    const { response, body } = await args.given(ISSUE.schema, () => documentedAnswer(args));
    const url = await args.given(ISSUE.fields, async () => {
      claim(typeof body.url === 'string', () => ({
        expected: 'url, a string',
        actual: `url ${show(body.url)}`,
        pointer: '/url',
        request: response.summary,
      }));
      return body.url as string;
    });
    args.redactor.addSignedUrl(url);
    expectNoApiKey(args, url, response);
  },

  'signed-url-resolves': async (args) => {
    const { url } = await signedUrlFor(args);
    const file = await args.anonymous.get(url);
    expectServed(file);
    const declared = file.headers['content-length'];
    const encoded = (file.headers['content-encoding'] ?? 'identity') !== 'identity';
    claim(declared === undefined || encoded || Number(declared) === file.body.length, () => ({
      expected: `Content-Length equal to the body's ${file.body.length} bytes`,
      actual: `Content-Length ${show(declared)}`,
      request: file.summary,
    }));
  },

  'signed-url-original-bytes': async (args) => {
    const expected = args.settings.ids.documentSha256;
    if (!expected) skipCheck('the original bytes are unknown: set DIFY_DOCUMENT_SHA256 to the sha256sum of the file');
    const { file } = await servedUrl(args);
    const actual = createHash('sha256').update(file.body).digest('hex');
    claim(actual === expected, () => ({
      expected: `SHA-256 ${expected}`,
      actual: `SHA-256 ${actual} over ${file.body.length} bytes`,
      request: file.summary,
    }));
  },

  'signed-url-file-size': async (args) => {
    const { size } = await uploadedFile(args);
    if (size === undefined) skipCheck('Get Document gives no data_source_info.upload_file.size to compare with');
    const { file } = await servedUrl(args);
    claim(file.body.length === size, () => ({
      expected: `${size} bytes, data_source_info.upload_file.size`,
      actual: `${file.body.length} bytes`,
      request: file.summary,
    }));
  },

  'signed-url-file-name': async (args) => {
    const { name } = await uploadedFile(args);
    const { file } = await servedUrl(args);
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
  },

  'signed-url-content-type': async (args) => {
    const { mimeType } = await uploadedFile(args);
    const { file } = await servedUrl(args);
    const allowed = ['application/octet-stream', ...(mimeType ? [mimeType.toLowerCase()] : [])];
    claim(allowed.includes(file.mediaType()), () => ({
      expected: `Content-Type ${allowed.join(' or ')}`,
      actual: `Content-Type ${show(file.headers['content-type'])}`,
      request: file.summary,
    }));
  },

  'signed-url-tamper-signature': async (args) => {
    const { url } = await signedUrlFor(args);
    const { signatureParam } = parseSignedUrl(url, args.settings.signedUrlTtlSeconds);
    if (!signatureParam)
      skipCheck('the URL has no signature parameter this suite knows (sign, signature, X-Amz-Signature, …)');
    await servedFileFor(args, url);
    const original = new URL(url).searchParams.get(signatureParam) ?? '';
    const tampered = withParam(url, signatureParam, alterOneCharacter(original));
    expectRefused(await args.anonymous.get(tampered), `${signatureParam} altered by one character`);
  },

  'signed-url-tamper-time': async (args) => {
    const { url } = await signedUrlFor(args);
    const { timeParam } = parseSignedUrl(url, args.settings.signedUrlTtlSeconds);
    if (!timeParam) skipCheck('the URL has no time parameter this suite knows (timestamp, expires, X-Amz-Expires, …)');
    await servedFileFor(args, url);
    const later = withParam(url, timeParam.name, timeParam.later);
    expectRefused(await args.anonymous.get(later), `${timeParam.name} moved later to ${timeParam.later}`);
  },

  'signed-url-expiry': async (args) => {
    const { url, response } = await servedUrl(args);
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
    const refuseFrom = expiresAt + 1 + CLOCK_SKEW_SECONDS + (localNow - serverNow);
    const wait = Math.max(0, refuseFrom - Date.now() / 1000);
    if (wait > args.settings.maxWaitSeconds) {
      skipCheck(
        `the URL expires in ${Math.ceil(wait)} s (${expirySource}, DIFY_SIGNED_URL_TTL=${ttl}), beyond CONFORMANCE_MAX_WAIT=${args.settings.maxWaitSeconds} s`,
      );
    }
    await sleep(wait * 1000);
    expectRefused(
      await args.anonymous.get(url),
      `expired at ${new Date(expiresAt * 1000).toISOString()} by ${expirySource}`,
    );
  },

  'signed-url-fresh': async (args) => {
    const first = await servedUrl(args);
    const second = await signedUrlFor(args);
    claim(first.url !== second.url, () => ({
      expected: 'a new signed URL for each call',
      actual: 'both calls returned the same URL',
      pointer: '/url',
      request: second.response.summary,
    }));
    for (const url of [second.url, first.url]) expectServed(await args.anonymous.get(url));
    const ttl = args.settings.signedUrlTtlSeconds;
    const [a, b] = [parseSignedUrl(first.url, ttl).expiresAt, parseSignedUrl(second.url, ttl).expiresAt];
    claim(a === undefined || b === undefined || b >= a, () => ({
      expected: 'the later URL to expire no earlier than the first',
      actual: `first expires at ${a}, second at ${b}`,
      request: second.response.summary,
    }));
  },
};

for (const check of checksOf(__filename, templates)) test(...check);
