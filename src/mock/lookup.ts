// Finding the requested knowledge base and document, and how the mock refuses when it cannot.
import type { Context, Handler } from 'hono';
import type { Env, MockContext } from './context';
import type { MockDataset, MockDocument } from './data';
import type { Deviation } from './deviations';
import { difyError, WERKZEUG_404 } from './errors';

export const lookupDeviations = {
  'unknown-document-500': {
    description: 'an unknown (or deleted) document crashes with 500',
    fails: ['*/errors/unknown-document'],
    sees: ['*/errors/no-leaks'],
  },
  'document-404-without-code': {
    description: 'the 404 body for an unknown document has no code',
    fails: ['*/errors/unknown-document'],
    sees: ['*/errors/no-leaks'],
  },
  'html-error-page': {
    description: "an unknown (or another workspace's) knowledge base gets an HTML error page",
    fails: [
      '*/errors/unknown-dataset',
      'getDocumentDetail/errors/foreign-document',
      'downloadDocument/errors/foreign-document',
    ],
    sees: ['*/errors/no-leaks'],
  },
  'forbidden-status-mismatch': {
    description: 'the 403 body says status 404',
    fails: ['*/errors/api-disabled-dataset'],
    sees: [],
  },
  'api-disabled-served': {
    description: 'a knowledge base whose API access is off is served anyway',
    fails: ['*/errors/api-disabled-dataset'],
    sees: [],
  },
  'foreign-document-served': {
    description: "another workspace's document is served",
    fails: ['getDocumentDetail/errors/foreign-document', 'downloadDocument/errors/foreign-document'],
    sees: [],
  },
  'non-uuid-500': {
    description: 'an id that is not a UUID crashes with 500',
    fails: ['*/errors/non-uuid-id'],
    sees: [],
  },
} satisfies Record<string, Deviation>;

/**
 * The requested knowledge base, or the answer that refuses it. With no tenant (a lookup before auth)
 * any workspace's knowledge base is found, as a server that looks up first would.
 */
export function findDataset(mock: MockContext, c: Context<Env>, tenantId: string | undefined): MockDataset | Response {
  const on = mock.on;
  const dataset = mock.store.datasets.get(c.req.param('dataset_id')?.toLowerCase() ?? '');
  const visible = dataset && (tenantId === undefined || dataset.tenantId === tenantId || on('foreign-document-served'));
  if (!visible) {
    if (on('html-error-page')) return c.html(WERKZEUG_404, 404);
    return difyError(c, 404, 'not_found', 'Dataset not found.');
  }
  if (!dataset.apiEnabled && !on('api-disabled-served')) {
    const status = on('forbidden-status-mismatch') ? 404 : 403;
    return c.json({ code: 'forbidden', message: 'Dataset api access is not enabled.', status }, 403);
  }
  return dataset;
}

/** The requested document of the requested knowledge base, or the answer that refuses it. */
export function findDocument(mock: MockContext, c: Context<Env>): MockDocument | Response {
  const dataset = findDataset(mock, c, c.get('tenantId'));
  if (dataset instanceof Response) return dataset;
  const doc = mock.store.documents.get(c.req.param('document_id')?.toLowerCase() ?? '');
  if (!doc || doc.datasetId !== dataset.id) {
    if (mock.on('unknown-document-500')) return difyError(c, 500, 'internal_server_error', 'Internal Server Error');
    if (mock.on('document-404-without-code')) return c.json({ message: 'Document not found.', status: 404 }, 404);
    return difyError(c, 404, 'not_found', 'Document not found.');
  }
  return doc;
}

/** Any method on a path the UUID routes do not match, e.g. a document id that is not a UUID. */
export function nonUuidFallback(mock: MockContext): Handler<Env> {
  return (c) => {
    if (mock.on('non-uuid-500'))
      return difyError(c, 500, 'internal_server_error', 'badly formed hexadecimal UUID string');
    return c.html(WERKZEUG_404, 404);
  };
}
