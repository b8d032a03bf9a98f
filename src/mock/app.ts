// The embedded mock as a Hono app: its state and deviations, auth, faults and each resource's routes.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Hono } from 'hono';
import { createContext, type Env, type MockOptions } from './context';
import { knowledgeBase, MOCK_HOME_TENANT } from './data';
import { DEVIATION_NAMES } from './deviations';
import { difyError, WERKZEUG_404 } from './errors';
import { answerDeviations } from './faults';
import { nonUuidFallback } from './lookup';
import { childChunkRoutes } from './routes/child-chunks';
import { datasetRoutes } from './routes/datasets';
import { documentRoutes } from './routes/documents';
import { fileRoutes } from './routes/files';
import { metadataRoutes } from './routes/metadata';
import { modelRoutes } from './routes/models';
import { pipelineRoutes } from './routes/pipeline';
import { retrievalRoutes } from './routes/retrieval';
import { segmentRoutes } from './routes/segments';
import { tagRoutes } from './routes/tags';
import type { LoggedRequest } from './store';

export type { MockOptions } from './context';
export type { LoggedRequest } from './store';

export interface MockApp {
  app: Hono<Env>;
  /** Names of the documents the mock holds now, e.g. to see what a run left behind. */
  documentNames(): string[];
  requests: LoggedRequest[];
  /** Every signed URL handed out, so tests can look for its signature where it must not be. */
  issuedUrls: string[];
  /** Back to the fixtures: documents, files, used nonces, busy-once and the logs above start over. */
  reset(): void;
  /** What clients can change, to compare before and after a run. */
  snapshot(): Record<string, unknown>;
  /** A knowledge base put straight into the store (not a request), as a run's global setup would create it; its id. */
  addDataset(name: string): string;
}

export function createMockApp(options: MockOptions): MockApp {
  const unknown = (options.deviations ?? []).filter((name) => !DEVIATION_NAMES.includes(name));
  if (unknown.length > 0) throw new Error(`mock: unknown deviation ${unknown.join(', ')}`);
  const mock = createContext(options);
  const { store } = mock;
  const app = new Hono<Env>();

  app.use('*', async (c, next) => {
    const authorization = c.req.header('authorization') !== undefined;
    const entry = { method: c.req.method, path: c.req.path, authorization, consulted: [] as string[] };
    store.requests.push(entry);
    if (options.latencyMs) await sleep(options.latencyMs);
    await mock.serving(entry, next);
  });
  app.use('/v1/*', answerDeviations(mock));
  // Knowledge bases, tags, models, pipeline.
  datasetRoutes(app, mock);
  tagRoutes(app, mock);
  modelRoutes(app, mock);
  pipelineRoutes(app, mock);
  // Documents and metadata.
  documentRoutes(app, mock);
  fileRoutes(app, mock);
  metadataRoutes(app, mock);
  // Chunks, child chunks, retrieval.
  segmentRoutes(app, mock);
  childChunkRoutes(app, mock);
  retrievalRoutes(app, mock);
  app.all('/v1/datasets/*', nonUuidFallback(mock));
  app.notFound((c) => c.html(WERKZEUG_404, 404));
  app.onError((error, c) => difyError(c, 500, 'internal_server_error', `The mock failed: ${error.message}`));

  return {
    app,
    documentNames: () => [...store.documents.values()].map((doc) => String(doc.fields.name)),
    requests: store.requests,
    issuedUrls: store.issuedUrls,
    reset: () => store.reset(),
    snapshot: () => store.snapshot(),
    addDataset: (name) => {
      const now = Math.floor(mock.now() / 1000);
      const dataset = knowledgeBase(randomUUID(), MOCK_HOME_TENANT, true, name, {
        indexing_technique: 'economy',
        created_at: now,
        updated_at: now,
      });
      store.datasets.set(dataset.id, dataset);
      return dataset.id;
    },
  };
}
