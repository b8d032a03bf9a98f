// Bearer auth as the Knowledge API does it: the key is checked before any knowledge base is looked up.
import type { Context, MiddlewareHandler } from 'hono';
import type { Env, MockContext } from './context';
import { MOCK_HOME_TENANT, MOCK_KEYS } from './data';
import type { Deviation } from './deviations';
import { difyError } from './errors';
import { findDataset } from './lookup';

export const authDeviations = {
  'missing-key-200': {
    description: "a request without Authorization header is served as the key's workspace",
    fails: ['*/auth/missing-header', '*/auth/before-lookup'],
    sees: ['*/errors/no-leaks'],
  },
  'lookup-before-auth': {
    description: 'the knowledge base is looked up before the key is checked (404/403 without a key)',
    // A write to the knowledge base itself names an unknown one (see pathValues), so there every bad key gets 404.
    fails: ['*/auth/before-lookup', 'updateDataset/auth/*', 'deleteDataset/auth/*'],
    sees: ['*/auth/*', '*/errors/no-leaks'],
  },
  'basic-scheme-400': {
    description: 'a non-Bearer scheme answers 400 instead of 401',
    fails: ['*/auth/basic-scheme'],
    sees: [],
  },
  'empty-bearer-500': {
    description: "'Bearer ' with no token crashes with 500",
    fails: ['*/auth/empty-bearer'],
    sees: [],
  },
  'unknown-key-403': {
    description: 'an unknown key answers 403 instead of 401',
    fails: ['*/auth/unknown-key'],
    sees: [],
  },
} satisfies Record<string, Deviation>;

/** Per route rather than app-wide, so that it sees the route's dataset_id for lookup-before-auth. */
export function bearerAuth(mock: MockContext): MiddlewareHandler<Env> {
  const on = mock.on;
  const keys: Record<string, string> = { ...MOCK_KEYS, [mock.options.apiKey]: MOCK_HOME_TENANT };
  /** The workspace of the request's key, or the answer that refuses it. */
  const tenantOrRefusal = (c: Context<Env>): string | Response => {
    const header = c.req.header('authorization');
    if (header === undefined && on('missing-key-200')) return MOCK_HOME_TENANT;
    if (header?.trim().toLowerCase() === 'bearer' && on('empty-bearer-500')) {
      return difyError(c, 500, 'internal_server_error', 'Internal Server Error');
    }
    const match = header === undefined ? null : /^(\S+)\s+(\S+)$/.exec(header.trim());
    if (!match) {
      return difyError(c, 401, 'unauthorized', "Authorization header must be provided and start with 'Bearer'");
    }
    if (match[1]?.toLowerCase() !== 'bearer') {
      if (on('basic-scheme-400')) return difyError(c, 400, 'invalid_param', 'Unsupported authorization scheme');
      return difyError(c, 401, 'unauthorized', "Authorization scheme must be 'Bearer'");
    }
    const tenantId = keys[match[2] ?? ''];
    if (tenantId) return tenantId;
    if (on('unknown-key-403')) return difyError(c, 403, 'forbidden', 'No permission.');
    return difyError(c, 401, 'unauthorized', 'Access token is invalid');
  };
  return async (c, next) => {
    const tenant = tenantOrRefusal(c);
    if (typeof tenant === 'string') {
      c.set('tenantId', tenant);
      return next();
    }
    // Only a refused request can tell whether the lookup came first: it is answered from the lookup.
    if (c.req.param('dataset_id') !== undefined && on('lookup-before-auth')) {
      const refused = findDataset(mock, c, undefined);
      if (refused instanceof Response) return refused;
    }
    return tenant;
  };
}
