// What every part of the mock gets: its options, its state, which deviations are on, its clock and secret.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import type { HttpBindings } from '@hono/node-server';
import type { DeviationName } from './deviations';
import { type LoggedRequest, Store } from './store';

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
  /** Generated documents added to the main knowledge base, for the sweep (fixtures/generated-documents.ts). */
  documents?: number;
}

/** Hono's environment for the mock: the tenant auth found, and Node's request (for its socket). */
export type Env = { Variables: { tenantId: string }; Bindings: HttpBindings };

export interface MockContext {
  options: MockOptions;
  store: Store;
  /** Whether this instance was started with the deviation. */
  on(name: DeviationName): boolean;
  secret: string;
  now(): number;
  issuedUrls: string[];
  /** Serves a request with its log entry current, so that the deviations it consults are noted there. */
  serving<T>(entry: LoggedRequest, work: () => Promise<T>): Promise<T>;
}

export function createContext(options: MockOptions): MockContext {
  const deviations = new Set(options.deviations ?? []);
  const now = options.now ?? Date.now;
  const store = new Store(now, options.documents);
  const current = new AsyncLocalStorage<LoggedRequest>();
  return {
    options,
    store,
    on: (name) => {
      const entry = current.getStore();
      if (entry && !entry.consulted.includes(name)) entry.consulted.push(name);
      return deviations.has(name);
    },
    serving: (entry, work) => current.run(entry, work),
    secret: options.secret ?? randomBytes(32).toString('hex'),
    now,
    issuedUrls: store.issuedUrls,
  };
}
