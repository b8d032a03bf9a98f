// Download Document and the signed file-preview URL it hands out, which works without the API key, and
// Download Documents as ZIP, which answers with the original files themselves.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { zipSync } from 'fflate';
import type { Hono } from 'hono';
import { bearerAuth } from '../auth';
import { jsonObject } from '../body';
import type { Env, MockContext } from '../context';
import type { Deviation } from '../deviations';
import { difyError } from '../errors';
import { findDataset, findDocument } from '../lookup';
import { DATASET_PATH, DOCUMENT_PATH, UUID } from './paths';

/** The checks that compare a download with what the check itself wrote. */
const WRITTEN_BYTES = [
  'downloadDocument/signed-url/uploaded-bytes',
  'downloadDocument/signed-url/text-update-bytes',
  'downloadDocument/signed-url/file-update-bytes',
];

export const fileDeviations = {
  'download-text-content-type': {
    description: 'Download Document answers with Content-Type text/plain',
    fails: ['downloadDocument/response/schema'],
  },
  'download-without-url': {
    description: 'Download Document answers {} without a url',
    fails: ['downloadDocument/response/fields'],
  },
  'file-url-needs-key': {
    description: 'the signed URL answers 401 unless the API key is sent too',
    fails: ['downloadDocument/signed-url/resolves-anonymously'],
  },
  'relative-url': {
    description: 'the url is a path, not an absolute URL',
    fails: ['downloadDocument/signed-url/absolute'],
  },
  'expired-on-issue': {
    description: 'the signed URL is dated a lifetime in the past, so it is dead on arrival',
    fails: ['downloadDocument/signed-url/resolves-anonymously'],
  },
  'url-carries-key': {
    description: 'the signed URL carries the API key in its query',
    fails: ['downloadDocument/signed-url/no-api-key'],
  },
  'signature-not-checked': {
    description: 'the file route serves any signature (so a moved timestamp passes too)',
    fails: ['downloadDocument/tamper/signature', 'downloadDocument/tamper/time'],
  },
  'timestamp-not-signed': {
    description: 'the signature does not cover the timestamp, so a later timestamp is accepted',
    fails: ['downloadDocument/tamper/time'],
  },
  'never-expires': {
    description: 'the file route ignores the URL lifetime',
    fails: ['downloadDocument/signed-url/expiry'],
  },
  'serves-other-bytes': {
    description: 'the signed URL serves other bytes of the same length',
    fails: ['downloadDocument/signed-url/original-bytes', ...WRITTEN_BYTES],
  },
  'truncated-file': {
    description: 'the signed URL serves the file without its last byte',
    fails: ['downloadDocument/signed-url/original-bytes', 'downloadDocument/signed-url/file-size', ...WRITTEN_BYTES],
  },
  'wrong-file-name': {
    description: 'Content-Disposition names another file',
    fails: ['downloadDocument/signed-url/file-name'],
  },
  'html-file-type': {
    description: 'the download is sent as text/html',
    fails: ['downloadDocument/signed-url/content-type'],
  },
  'same-url-twice': {
    description: 'a second call on the same connection returns the URL the first call got',
    fails: ['downloadDocument/signed-url/fresh-urls'],
  },
  'single-use-urls': {
    description: 'a signed URL works once',
    fails: ['downloadDocument/signed-url/fresh-urls'],
  },
  'zip-omits-second-file': {
    description: 'Download Documents as ZIP leaves out every document but the first',
    fails: ['downloadDocumentsZip/holds-originals'],
  },
  'zip-changes-bytes': {
    description: "Download Documents as ZIP stores each file's text with Windows line ends",
    fails: ['downloadDocumentsZip/holds-originals'],
  },
  'non-file-download-200': {
    description: 'a Notion document gets a download URL',
    fails: ['downloadDocument/errors/non-file-document'],
  },
} satisfies Record<string, Deviation>;

/** Dify's sign: url-safe base64, padded, of HMAC-SHA256 over "file-preview|id|timestamp|nonce". */
export function signFilePreview(secret: string, fileId: string, timestamp: string, nonce: string): string {
  return createHmac('sha256', secret)
    .update(`file-preview|${fileId}|${timestamp}|${nonce}`)
    .digest('base64')
    .replace(/\+/g, '-')
    .replace(/\//g, '_');
}

/** A name not yet taken in the archive: `guide.txt`, then `guide (1).txt`, … */
function uniqueName(name: string, taken: Set<string>): string {
  const dot = name.lastIndexOf('.');
  const [stem, extension] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  let candidate = name;
  for (let n = 1; taken.has(candidate); n++) candidate = `${stem} (${n})${extension}`;
  taken.add(candidate);
  return candidate;
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export function fileRoutes(app: Hono<Env>, mock: MockContext): void {
  const { on, store, options } = mock;

  app.get(`${DOCUMENT_PATH}/download`, bearerAuth(mock), (c) => {
    const doc = findDocument(mock, c);
    if (doc instanceof Response) return doc;
    const file = doc.file ?? (on('non-file-download-200') ? [...store.files.values()][0] : undefined);
    if (!file) return difyError(c, 404, 'not_found', 'Document does not have an uploaded file to download.');
    if (on('download-without-url')) return c.json({});
    const connection = c.env?.incoming?.socket.remotePort;
    const previous = store.lastUrlByConnection.get(connection);
    if (on('same-url-twice') && previous) return c.json({ url: previous });
    const timestamp = String(Math.floor(mock.now() / 1000) - (on('expired-on-issue') ? options.signedUrlTtl + 1 : 0));
    const nonce = randomBytes(16).toString('hex');
    const signed = on('timestamp-not-signed') ? '0' : timestamp;
    const query = new URLSearchParams({
      timestamp,
      nonce,
      sign: signFilePreview(mock.secret, file.id, signed, nonce),
      as_attachment: 'true',
    });
    if (on('url-carries-key')) query.set('api_key', options.apiKey);
    const origin = on('relative-url') ? '' : new URL(c.req.url).origin;
    const url = `${origin}/files/${file.id}/file-preview?${query}`;
    store.lastUrlByConnection.set(connection, url);
    mock.issuedUrls.push(url);
    if (on('download-text-content-type')) return c.text(JSON.stringify({ url }));
    return c.json({ url });
  });

  // Dify's FilePreviewApi: no API key; the signature and its timestamp are the only credential.
  app.get('/files/:file_id/file-preview', (c) => {
    if (on('file-url-needs-key') && c.req.header('authorization') !== `Bearer ${options.apiKey}`) {
      return difyError(c, 401, 'unauthorized', 'Access token is invalid');
    }
    const { timestamp, nonce, sign } = c.req.query();
    if (!timestamp || !nonce || !sign || !/^\d+$/.test(timestamp)) {
      return difyError(c, 400, 'invalid_param', 'timestamp, nonce and sign are required');
    }
    const file = store.files.get(c.req.param('file_id'));
    const signed = on('timestamp-not-signed') ? '0' : timestamp;
    const expected = file ? signFilePreview(mock.secret, file.id, signed, nonce) : '';
    const validSign = on('signature-not-checked') || sameText(sign, expected);
    const alive = on('never-expires') || Math.floor(mock.now() / 1000) - Number(timestamp) <= options.signedUrlTtl;
    const fresh = !on('single-use-urls') || !store.usedNonces.has(nonce);
    if (!file || !validSign || !alive || !fresh) {
      return difyError(c, 404, 'not_found', 'File not found or signature is invalid');
    }
    store.usedNonces.add(nonce);
    let bytes = file.bytes;
    if (on('serves-other-bytes')) bytes = Buffer.alloc(bytes.length, 0x2a);
    if (on('truncated-file')) bytes = bytes.subarray(0, -1);
    const name = on('wrong-file-name') ? 'other.bin' : file.name;
    return c.body(new Uint8Array(bytes), 200, {
      'Content-Type': on('html-file-type') ? 'text/html; charset=utf-8' : 'application/octet-stream',
      'Content-Length': String(bytes.length),
      'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(name)}`,
    });
  });

  app.post(`${DATASET_PATH}/documents/download-zip`, bearerAuth(mock), async (c) => {
    const dataset = findDataset(mock, c, c.get('tenantId'));
    if (dataset instanceof Response) return dataset;
    const body = await jsonObject(c);
    if (body instanceof Response) return body;
    const ids = body.document_ids;
    const uuid = new RegExp(`^${UUID}$`);
    if (!Array.isArray(ids) || ids.length < 1 || ids.length > 100 || !ids.every((id) => uuid.test(String(id)))) {
      return difyError(c, 400, 'invalid_param', 'document_ids must list 1 to 100 document ids.');
    }
    const entries: Record<string, Uint8Array> = {};
    const taken = new Set<string>();
    for (const id of ids) {
      const doc = store.documents.get(String(id).toLowerCase());
      if (doc?.datasetId !== dataset.id) return difyError(c, 404, 'not_found', 'Document not found.');
      if (!doc.file) return difyError(c, 404, 'not_found', 'Only uploaded-file documents can be downloaded as ZIP.');
      const bytes = on('zip-changes-bytes')
        ? Buffer.from(doc.file.bytes.toString('utf8').replace(/\n/g, '\r\n'))
        : doc.file.bytes;
      entries[uniqueName(doc.file.name, taken)] = new Uint8Array(bytes);
    }
    if (on('zip-omits-second-file')) for (const name of Object.keys(entries).slice(1)) delete entries[name];
    const zip = zipSync(entries);
    const name = `${String(dataset.fields.name)}-documents.zip`;
    return c.body(zip, 200, {
      'Content-Type': 'application/zip',
      'Content-Length': String(zip.length),
      'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(name)}`,
    });
  });
}
