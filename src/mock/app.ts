// The embedded mock as a Hono app: Dify's document endpoints, auth, errors and signed file URLs.
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { HttpBindings } from '@hono/node-server';
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import {
  MOCK_DATASETS,
  MOCK_HOME_TENANT,
  MOCK_KEYS,
  type MockDataset,
  type MockDocument,
  type MockFile,
  mockDocuments,
  document as newDocumentFields,
  uploadInfo,
} from './data';
import type { DeviationName } from './deviations';

export interface MockOptions {
  /** The key of workspace A, the suite's workspace. */
  apiKey: string;
  deviations?: readonly string[];
  /** Lifetime of signed file URLs in seconds (Dify's FILES_ACCESS_TIMEOUT). */
  signedUrlTtl: number;
  /** HMAC secret for file URLs (Dify's SECRET_KEY); random when not given. */
  secret?: string;
  now?: () => number;
  /** Added to every answer: a slower network, for measuring the suite. */
  latencyMs?: number;
}

export interface LoggedRequest {
  method: string;
  path: string;
  authorization: boolean;
}

type Env = { Variables: { tenantId: string }; Bindings: HttpBindings };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const never = () => new Promise<Response>(() => undefined);

const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const DATASET_PATH = `/v1/datasets/:dataset_id{${UUID}}`;
const DOCUMENT_PATH = `${DATASET_PATH}/documents/:document_id{${UUID}}`;
/** How long the mock takes to index an uploaded document. */
const INDEXING_MS = 300;
const METADATA_MODES = ['all', 'only', 'without'];

/** Werkzeug's 404 page: what Dify answers for a path its routes do not match (e.g. a non-UUID id). */
const WERKZEUG_404 =
  '<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n' +
  '<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n';

function difyError(c: Context, status: ContentfulStatusCode, code: string, message: string) {
  return c.json({ code, message, status }, status);
}

/** Dify's sign: url-safe base64, padded, of HMAC-SHA256 over "file-preview|id|timestamp|nonce". */
export function signFilePreview(secret: string, fileId: string, timestamp: string, nonce: string): string {
  return createHmac('sha256', secret)
    .update(`file-preview|${fileId}|${timestamp}|${nonce}`)
    .digest('base64')
    .replace(/\+/g, '-')
    .replace(/\//g, '_');
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export interface MockApp {
  app: Hono<Env>;
  /** Names of the documents the mock holds now, e.g. to see what a run left behind. */
  documentNames(): string[];
  requests: LoggedRequest[];
  /** Every signed URL handed out, so tests can look for its signature where it must not be. */
  issuedUrls: string[];
}

export function createMockApp(options: MockOptions): MockApp {
  const deviations = new Set(options.deviations ?? []);
  const on = (name: DeviationName) => deviations.has(name);
  const secret = options.secret ?? randomBytes(32).toString('hex');
  const now = options.now ?? Date.now;
  const keys: Record<string, string> = { ...MOCK_KEYS, [options.apiKey]: MOCK_HOME_TENANT };
  const documents = mockDocuments();
  const files = new Map<string, MockFile>();
  for (const doc of documents.values()) if (doc.file) files.set(doc.file.id, doc.file);
  const requests: LoggedRequest[] = [];
  const issuedUrls: string[] = [];
  const app = new Hono<Env>();

  app.use('*', async (c, next) => {
    requests.push({
      method: c.req.method,
      path: c.req.path,
      authorization: c.req.header('authorization') !== undefined,
    });
    if (options.latencyMs) await sleep(options.latencyMs);
    await next();
  });

  // Transport faults, on metadata=without only, so the other checks show the run goes on.
  const busyOnce = new Set<string>();
  const faults: MiddlewareHandler<Env> = async (c, next) => {
    const mode = c.req.query('metadata');
    const key = `${c.req.url} ${c.req.header('authorization')}`;
    if (mode === 'all' && on('busy-once') && !busyOnce.has(key)) {
      busyOnce.add(key);
      return c.json({ code: 'unavailable', message: 'Try again.', status: 503 }, 503, { 'Retry-After': '1' });
    }
    if (mode !== 'without') return next();
    if (on('hang-on-without')) return never();
    if (on('slow-on-without')) await sleep(8000);
    if (on('reset-on-without')) {
      c.env.incoming.socket.destroy();
      return never();
    }
    if (on('garbage-on-without')) return c.html('<html><body><h1>502 Bad Gateway</h1></body></html>', 200);
    if (on('huge-body-on-without')) return c.json({ padding: 'x'.repeat(6 * 1024 * 1024) });
    return next();
  };

  // Dify's validate_dataset_token: the key is checked before any dataset is looked up.
  const auth: MiddlewareHandler<Env> = async (c, next) => {
    if (on('lookup-before-auth')) {
      const refused = findDataset(c, undefined);
      if (refused instanceof Response) return refused;
    }
    const header = c.req.header('authorization');
    if (header === undefined && on('missing-key-200')) {
      c.set('tenantId', MOCK_HOME_TENANT);
      return next();
    }
    if (header?.trim().toLowerCase() === 'bearer' && on('empty-bearer-500')) {
      return difyError(c, 500, 'internal_server_error', 'Internal Server Error');
    }
    const match = header === undefined ? null : /^(\S+)\s+(\S+)$/.exec(header.trim());
    if (!match)
      return difyError(c, 401, 'unauthorized', "Authorization header must be provided and start with 'Bearer'");
    if (match[1]?.toLowerCase() !== 'bearer') {
      if (on('basic-scheme-400')) return difyError(c, 400, 'invalid_param', 'Unsupported authorization scheme');
      return difyError(c, 401, 'unauthorized', "Authorization scheme must be 'Bearer'");
    }
    const tenantId = keys[match[2] ?? ''];
    if (!tenantId) {
      if (on('unknown-key-403')) return difyError(c, 403, 'forbidden', 'No permission.');
      return difyError(c, 401, 'unauthorized', 'Access token is invalid');
    }
    c.set('tenantId', tenantId);
    await next();
  };

  /** The requested knowledge base, or the Dify error response that refuses it. */
  function findDataset(c: Context<Env>, tenantId: string | undefined): MockDataset | Response {
    const datasetId = c.req.param('dataset_id')?.toLowerCase();
    const dataset = MOCK_DATASETS.find(
      (d) => d.id === datasetId && (tenantId === undefined || on('foreign-document-served') || d.tenantId === tenantId),
    );
    if (!dataset) {
      if (on('html-error-page')) return c.html(WERKZEUG_404, 404);
      return difyError(c, 404, 'not_found', 'Dataset not found.');
    }
    if (!dataset.apiEnabled && !on('api-disabled-served')) {
      const status = on('forbidden-status-mismatch') ? 404 : 403;
      return c.json({ code: 'forbidden', message: 'Dataset api access is not enabled.', status }, 403);
    }
    return dataset;
  }

  /** The requested document, or the Dify error response that refuses it. */
  function findDocument(c: Context<Env>): MockDocument | Response {
    const dataset = findDataset(c, c.get('tenantId'));
    if (dataset instanceof Response) return dataset;
    const doc = documents.get(c.req.param('document_id')?.toLowerCase() ?? '');
    if (!doc || doc.datasetId !== dataset.id) {
      if (on('unknown-document-500')) return difyError(c, 500, 'internal_server_error', 'Internal Server Error');
      if (on('document-404-without-code')) return c.json({ message: 'Document not found.', status: 404 }, 404);
      if (on('error-leaks-traceback')) {
        const trace =
          'Traceback (most recent call last):\n  File "/app/api/services/dataset_service.py", line 812, in get_document';
        return difyError(c, 404, 'not_found', `Document not found.\n${trace}`);
      }
      return difyError(c, 404, 'not_found', 'Document not found.');
    }
    return doc;
  }

  function shape(doc: MockDocument, mode: string): Record<string, unknown> {
    const fields: Record<string, unknown> = { ...current(doc) };
    if (on('wrong-document-id')) fields.id = '00000000-0000-4000-8000-000000000000';
    if (on('word-count-as-string')) fields.word_count = String(fields.word_count);
    if (on('doc-metadata-item-without-value')) {
      fields.doc_metadata = (fields.doc_metadata as Record<string, unknown>[]).map(({ value: _, ...rest }) => rest);
    }
    if (mode === 'only') {
      const only: Record<string, unknown> = {
        id: fields.id,
        doc_type: fields.doc_type,
        doc_metadata: fields.doc_metadata,
      };
      if (on('only-adds-name')) only.name = fields.name;
      return only;
    }
    if (on('undocumented-field')) fields.x_conformance_internal = 'not in the spec';
    if (mode === 'without') {
      if (!on('without-keeps-doc-type')) delete fields.doc_type;
      if (on('without-drops-position')) delete fields.position;
      delete fields.doc_metadata;
    }
    if (mode === 'all' && on('all-drops-doc-metadata')) delete fields.doc_metadata;
    return fields;
  }

  app.get(DOCUMENT_PATH, faults, auth, (c) => {
    const doc = findDocument(c);
    if (doc instanceof Response) return doc;
    const requested = c.req.query('metadata');
    let mode = requested ?? (on('default-is-without') ? 'without' : 'all');
    if (on('empty-metadata-accepted') && mode === '') mode = 'all';
    if (on('metadata-case-insensitive')) mode = mode.toLowerCase();
    if (!METADATA_MODES.includes(mode)) {
      if (!on('bogus-metadata-accepted'))
        return difyError(c, 400, 'invalid_metadata', `Invalid metadata value: ${mode}`);
      mode = 'all';
    }
    const body = shape(doc, mode);
    if (on('text-content-type')) return c.text(JSON.stringify(body), 200);
    return c.json(body, 200);
  });

  /** The last URL issued on each client connection, for the same-url-twice deviation. */
  const lastUrlByConnection = new Map<number | undefined, string>();
  const usedNonces = new Set<string>();

  app.get(`${DOCUMENT_PATH}/download`, auth, (c) => {
    const doc = findDocument(c);
    if (doc instanceof Response) return doc;
    const file = doc.file ?? (on('non-file-download-200') ? [...files.values()][0] : undefined);
    if (!file) return difyError(c, 404, 'not_found', 'Document does not have an uploaded file to download.');
    const connection = c.env.incoming.socket.remotePort;
    const previous = lastUrlByConnection.get(connection);
    if (on('same-url-twice') && previous) return c.json({ url: previous });
    const issued = Math.floor(now() / 1000) - (on('expired-on-issue') ? options.signedUrlTtl + 1 : 0);
    const timestamp = String(issued);
    const nonce = randomBytes(16).toString('hex');
    const signed = on('timestamp-not-signed') ? '0' : timestamp;
    const query = new URLSearchParams({
      timestamp,
      nonce,
      sign: signFilePreview(secret, file.id, signed, nonce),
      as_attachment: 'true',
    });
    if (on('url-carries-key')) query.set('api_key', options.apiKey);
    const origin = on('relative-url') ? '' : new URL(c.req.url).origin;
    const url = `${origin}/files/${file.id}/file-preview?${query}`;
    lastUrlByConnection.set(connection, url);
    issuedUrls.push(url);
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
    const file = files.get(c.req.param('file_id'));
    const signed = on('timestamp-not-signed') ? '0' : timestamp;
    const expected = file ? signFilePreview(secret, file.id, signed, nonce) : '';
    const validSign = on('signature-not-checked') || sameText(sign, expected);
    const age = Math.floor(now() / 1000) - Number(timestamp);
    const alive = on('never-expires') || age <= options.signedUrlTtl;
    const fresh = !on('single-use-urls') || !usedNonces.has(nonce);
    if (!file || !validSign || !alive || !fresh) {
      return difyError(c, 404, 'not_found', 'File not found or signature is invalid');
    }
    usedNonces.add(nonce);
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

  /** A document's fields as served now: its indexing status moves on with time. */
  function current(doc: MockDocument): Record<string, unknown> {
    if (doc.indexedAt === undefined) return doc.fields;
    const done = now() >= doc.indexedAt;
    return {
      ...doc.fields,
      indexing_status: done ? 'completed' : 'indexing',
      display_status: done ? 'available' : 'indexing',
    };
  }

  app.get(`${DATASET_PATH}/documents`, auth, (c) => {
    const dataset = findDataset(c, c.get('tenantId'));
    if (dataset instanceof Response) return dataset;
    const keyword = c.req.query('keyword') ?? '';
    const page = Math.max(1, Number(c.req.query('page') ?? 1) || 1);
    const limit = Math.min(100, Math.max(1, Number(c.req.query('limit') ?? 20) || 20));
    const all = [...documents.values()].filter(
      (d) => d.datasetId === dataset.id && String(d.fields.name).includes(keyword),
    );
    const data = all.slice((page - 1) * limit, page * limit).map(current);
    const total = on('list-total-as-string') ? String(all.length) : all.length;
    return c.json({ data, has_more: page * limit < all.length, limit, total, page });
  });

  app.post(`${DATASET_PATH}/document/create-by-file`, auth, async (c) => {
    const dataset = findDataset(c, c.get('tenantId'));
    if (dataset instanceof Response) return dataset;
    const form = await c.req.parseBody();
    const upload = form.file;
    if (!(upload instanceof File) && !on('no-file-accepted')) {
      return difyError(c, 400, 'no_file_uploaded', 'Please upload your file.');
    }
    const name = upload instanceof File ? upload.name : 'untitled.txt';
    const bytes = upload instanceof File ? Buffer.from(await upload.arrayBuffer()) : Buffer.alloc(0);
    const file: MockFile = {
      id: randomUUID(),
      name,
      extension: name.split('.').pop() ?? '',
      mimeType: upload instanceof File && upload.type ? upload.type : 'application/octet-stream',
      bytes: on('upload-stores-other-bytes') ? Buffer.alloc(bytes.length, 0x2a) : bytes,
    };
    const id = randomUUID();
    const batch = `${Date.now()}${randomBytes(3).toString('hex')}`;
    const fields = newDocumentFields(id, name, 'upload_file', uploadInfo(file), { position: documents.size + 1 });
    const doc: MockDocument = { datasetId: dataset.id, file, fields, batch, indexedAt: now() + INDEXING_MS };
    documents.set(id, doc);
    files.set(file.id, file);
    return c.json(on('create-without-batch') ? { document: current(doc) } : { document: current(doc), batch });
  });

  app.get(`${DATASET_PATH}/documents/:batch/indexing-status`, auth, (c) => {
    const dataset = findDataset(c, c.get('tenantId'));
    if (dataset instanceof Response) return dataset;
    const batch = [...documents.values()].filter((d) => d.datasetId === dataset.id && d.batch === c.req.param('batch'));
    if (batch.length === 0) return difyError(c, 404, 'not_found', 'Documents not found.');
    const data = batch.map((doc) => {
      const fields = current(doc);
      const done = fields.indexing_status === 'completed';
      const at = Math.floor((doc.indexedAt ?? 0) / 1000);
      const segments = on('indexing-segments-as-string') ? '1' : 1;
      return {
        id: fields.id,
        indexing_status: fields.indexing_status,
        processing_started_at: at,
        parsing_completed_at: done ? at : null,
        cleaning_completed_at: done ? at : null,
        splitting_completed_at: done ? at : null,
        completed_at: done ? at : null,
        paused_at: null,
        error: null,
        stopped_at: null,
        completed_segments: done ? segments : 0,
        total_segments: segments,
      };
    });
    return c.json({ data });
  });

  app.delete(DOCUMENT_PATH, auth, (c) => {
    const doc = findDocument(c);
    if (doc instanceof Response) return doc;
    if (current(doc).indexing_status === 'indexing') {
      return difyError(c, 400, 'document_indexing', 'Cannot delete document during indexing.');
    }
    if (!on('delete-keeps-document')) documents.delete(String(doc.fields.id));
    return c.body(null, 204);
  });

  // Paths the UUID routes above do not match, e.g. a document id that is not a UUID.
  app.get('/v1/datasets/*', (c) => {
    if (on('non-uuid-500')) return difyError(c, 500, 'internal_server_error', 'badly formed hexadecimal UUID string');
    return c.html(WERKZEUG_404, 404);
  });
  app.notFound((c) => c.html(WERKZEUG_404, 404));
  app.onError((error, c) => difyError(c, 500, 'internal_server_error', `The mock failed: ${error.message}`));
  return { app, requests, issuedUrls, documentNames: () => [...documents.values()].map((d) => String(d.fields.name)) };
}
