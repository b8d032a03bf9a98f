// Faults that are not about one operation: broken transport on Get Document, and answers changed on the way out.
import { setTimeout as sleep } from 'node:timers/promises';
import type { MiddlewareHandler } from 'hono';
import type { Env, MockContext } from './context';
import type { Deviation } from './deviations';

/** Short enough to keep the run quick, long enough that a loaded machine does not trip it. */
const SHORT_TIMEOUT = { CONFORMANCE_REQUEST_TIMEOUT: '5' };
/** The transport faults hit only metadata=without, so the other checks show that the run goes on. */
const WITHOUT_SCHEMA = ['getDocumentDetail/metadata-without/response-schema'];
const TRACEBACK =
  'Traceback (most recent call last):\n  File "/app/api/services/dataset_service.py", line 812, in get_document';

export const faultDeviations = {
  'hang-on-without': {
    description: 'metadata=without never answers',
    fails: WITHOUT_SCHEMA,
    cause: 'no complete answer within 5 s',
    settings: SHORT_TIMEOUT,
  },
  'slow-on-without': {
    description: 'metadata=without answers after 8 s',
    fails: WITHOUT_SCHEMA,
    cause: 'no complete answer within 5 s',
    settings: SHORT_TIMEOUT,
  },
  'reset-on-without': {
    description: 'metadata=without resets the connection',
    fails: WITHOUT_SCHEMA,
    cause: 'the server reset the connection before answering',
  },
  'garbage-on-without': {
    description: 'metadata=without answers 200 with an HTML page',
    fails: WITHOUT_SCHEMA,
    cause: 'text/html',
  },
  'huge-body-on-without': {
    description: 'metadata=without answers with 6 MiB of JSON',
    fails: WITHOUT_SCHEMA,
    cause: 'exceeds the bound of 5242880 bytes',
  },
  'busy-once': {
    description: 'each distinct metadata=all request first answers 503 with Retry-After: 1',
    fails: [],
    // Its project passes only if the suite retries: a 503 would fail the metadata=all checks.
    sees: ['getDocumentDetail/metadata-all/*'],
  },
  'undocumented-field': {
    description:
      'every successful GET answer (its top-level object, or each item of a list) carries an undocumented field',
    fails: ['getDocumentDetail/metadata-only/exact-fields'],
    warns: [
      '*/response/undocumented-fields',
      'getDocumentDetail/metadata-all/undocumented-fields',
      'getDocumentDetail/metadata-default/undocumented-fields',
      'getDocumentDetail/metadata-without/undocumented-fields',
    ],
  },
  'timestamps-in-milliseconds': {
    description: 'every timestamp (`*_at`) in a successful GET answer is in milliseconds',
    fails: ['*/response/timestamps'],
  },
  'error-leaks-traceback': {
    description: 'every 404 not_found body carries a Python traceback',
    fails: ['*/errors/no-leaks'],
    sees: ['*/errors/*', 'deleteDocument/removes-document', 'deleteSegment/removes-segment'],
  },
} satisfies Record<string, Deviation>;

const never = () => new Promise<Response>(() => undefined);

/** Get Document's transport faults, keyed on its metadata parameter; they come before auth, as a broken proxy's would. */
export function transportFaults(mock: MockContext): MiddlewareHandler<Env> {
  const on = mock.on;
  return async (c, next) => {
    const mode = c.req.query('metadata');
    const key = `${c.req.url} ${c.req.header('authorization')}`;
    if (mode === 'all' && on('busy-once') && !mock.store.busyOnce.has(key)) {
      mock.store.busyOnce.add(key);
      return c.json({ code: 'unavailable', message: 'Try again.', status: 503 }, 503, { 'Retry-After': '1' });
    }
    if (mode !== 'without') return next();
    if (on('hang-on-without')) return never();
    if (on('slow-on-without')) await sleep(8000);
    if (on('reset-on-without')) {
      // In-process (app.request) there is no socket to reset; hanging is the nearest thing.
      c.env?.incoming?.socket.destroy();
      return never();
    }
    if (on('garbage-on-without')) return c.html('<html><body><h1>502 Bad Gateway</h1></body></html>', 200);
    if (on('huge-body-on-without')) return c.json({ padding: 'x'.repeat(6 * 1024 * 1024) });
    return next();
  };
}

/** Deviations that rewrite answers of every operation under /v1, so each new route gets them too. */
export function answerDeviations(mock: MockContext): MiddlewareHandler<Env> {
  const on = mock.on;
  return async (c, next) => {
    await next();
    // The deviation last: consulting one marks the answer as changed by it.
    if (!c.res.headers.get('content-type')?.includes('application/json')) return;
    const read = c.req.method === 'GET' && c.res.ok;
    // A body that is not JSON after all is left as it is: no deviation here can change it.
    const body: unknown =
      read || c.res.status === 404
        ? await c.res
            .clone()
            .json()
            .catch(() => undefined)
        : undefined;
    const milliseconds = read && hasTimestamps(body) && on('timestamps-in-milliseconds');
    const extraField = read && on('undocumented-field');
    const traceback = c.res.status === 404 && on('error-leaks-traceback');
    if (!(extraField || traceback || milliseconds)) return;
    if (milliseconds) toMilliseconds(body);
    let changed = milliseconds;
    // A list answer (List Knowledge Tags) gets the field in each of its items.
    if (extraField && Array.isArray(body)) {
      for (const item of body)
        if (typeof item === 'object' && item !== null) item.x_conformance_internal = 'not in the spec';
      changed = true;
    } else if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
      const fields = body as Record<string, unknown>;
      if (extraField) fields.x_conformance_internal = 'not in the spec';
      if (traceback && fields.code === 'not_found') fields.message = `${fields.message}\n${TRACEBACK}`;
      changed ||= extraField || (traceback && fields.code === 'not_found');
    }
    if (!changed) return;
    const headers = new Headers(c.res.headers);
    headers.delete('content-length');
    const status = c.res.status;
    // Unset first: Hono's setter would otherwise copy the old headers, a stale Content-Length among them.
    c.res = undefined;
    c.res = new Response(JSON.stringify(body), { status, headers });
  };
}

const isTimestamp = (key: string, value: unknown) => key.endsWith('_at') && typeof value === 'number';

function hasTimestamps(node: unknown): boolean {
  if (node === null || typeof node !== 'object') return false;
  return Object.entries(node).some(([key, value]) => isTimestamp(key, value) || hasTimestamps(value));
}

function toMilliseconds(node: unknown): void {
  if (node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    if (isTimestamp(key, value)) (node as Record<string, unknown>)[key] = (value as number) * 1000;
    else toMilliseconds(value);
  }
}
