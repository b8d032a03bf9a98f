// The suite's fixtures: settings, the target (the embedded mock per worker, or the live server),
// the spec and validators (once per worker), the clients and scratch documents (per check).
import { type APIRequestContext, _baseTest as base, request } from '@playwright/test';
import { loadSettings, MOCK_ORIGIN_ENV, type Settings } from './config';
import {
  type CreatedDocument,
  createDocument,
  createTextDocument,
  deleteWhenIndexed,
  newRunId,
  RUN_ID_ENV,
  uploadFile,
} from './documents';
import { ApiClient, type Exchange, HttpClient, Throttle, WRITES_OFF, WriteRefused } from './http';
import { type CreatedDataset, createDataset, deleteDataset, RUN_DATASET_ENV, runDatasetName } from './knowledge-bases';
import { type CreatedField, createField, deleteField } from './metadata';
import { type RunningMock, startMock } from './mock/server';
import { Redactor } from './redact';
import { SHARED_EXCHANGES_ENV, SharedExchanges } from './shared-exchanges';
import { type LoadedSpec, loadSpecSync } from './spec';
import { type CreatedTag, createTag, deleteTag } from './tags';
import { Validators } from './validation';

export interface Target {
  kind: 'live' | 'mock';
  /** The API base, e.g. https://dify.example.com/v1. */
  baseUrl: string;
}

/** What a self-test project expects of every check: which fail at the root, which warn. */
export interface SelfTestExpectation {
  /** The deviation the project's mock has, or "none". */
  deviation: string;
  fails: string[];
  warns: string[];
  /** What every failure's detail must say. */
  cause?: string;
  /** For the conforming project: the checks each deviation's project runs (those that can see it). */
  scopes?: Record<string, string[]>;
}

export interface WorkerFixtures {
  /** Settings from exactly these variables instead of the environment and .env (a self-test project's). */
  settingsEnv: Record<string, string> | undefined;
  /** Set by a self-test project: each check then asserts its own outcome against this. */
  selfTest: SelfTestExpectation | undefined;
  settings: Settings;
  /** This worker's own embedded mock, when the run did not start a shared one. */
  mock: RunningMock | undefined;
  target: Target;
  spec: LoadedSpec;
  validators: Validators;
  redactor: Redactor;
  /** This worker's share of the run's rate limit, and its bound on requests in flight. */
  throttle: Throttle;
  /** Request contexts for the whole worker, against the embedded mock only; see `kit`. */
  mockContexts: Contexts | undefined;
  /**
   * Idempotent GETs shared across the run's checks: on a live target and the run's own mock. A
   * worker's own mock (a self-test's) starts each check afresh, and judges each check's own requests.
   */
  sharedExchanges: SharedExchanges | undefined;
}

interface Contexts {
  api: APIRequestContext;
  /** No cookies, no credentials. */
  anonymous: APIRequestContext;
}

async function newContexts(settings: Settings): Promise<Contexts> {
  const ignoreHTTPSErrors = settings.insecureTls;
  return {
    api: await request.newContext({ ignoreHTTPSErrors }),
    anonymous: await request.newContext({ storageState: { cookies: [], origins: [] }, ignoreHTTPSErrors }),
  };
}

const disposeContexts = (contexts: Contexts) => Promise.all([contexts.api.dispose(), contexts.anonymous.dispose()]);

/** JSON answers of these endpoints are a few KiB; anything near this bound is a fault. */
const MAX_API_BODY_BYTES = 5 * 1024 * 1024;

/** Documents and knowledge bases a check creates for itself; deleted when the check ends, whatever its outcome. */
export interface Scratch {
  /**
   * The run's knowledge base, `dkc-<run id>`, where checks create documents, chunks and metadata:
   * the global setup's, or on a worker's own mock one put in its store for this check.
   */
  runDataset(): Promise<string>;
  /** A document uploaded to the run's knowledge base, named `dkc-<run id>-<purpose>.txt`; `text` its content. */
  upload(purpose: string, text?: string): Promise<CreatedDocument>;
  /** A document created from text in the run's knowledge base, named like an upload; `extra` adds to the request. */
  text(purpose: string, text?: string, extra?: Record<string, unknown>): Promise<CreatedDocument>;
  /** A knowledge base named `dkc-<run id>-<purpose>`, with `extra` settings in its create request. */
  dataset(purpose: string, extra?: Record<string, unknown>): Promise<CreatedDataset>;
  /** A workspace tag named `dkc-<run id>-<purpose>`. */
  tag(purpose: string): Promise<CreatedTag>;
  /** A string metadata field named `dkc_<purpose>`, in the run's knowledge base unless `datasetId` names another. */
  metadataField(purpose: string, datasetId?: string): Promise<CreatedField>;
}

/** Everything a check's template gets. */
export interface Kit extends Omit<WorkerFixtures, 'settingsEnv' | 'mockContexts' | 'sharedExchanges'> {
  /** The exchanges of this check, redacted, attached to it as evidence. */
  evidence: Exchange[];
  scratch: Scratch;
  /** Sends the API key, only to the API base. */
  api: ApiClient;
  /** No Authorization header, no cookies: what a holder of a signed URL has. */
  anonymous: HttpClient;
}

/**
 * One test fixture for all of a check's per-test parts: every fixture costs Playwright a step
 * with a captured stack at setup and teardown, which over thousands of self-test checks adds up.
 */
interface TestFixtures {
  kit: Kit;
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  settingsEnv: [undefined, { scope: 'worker', option: true }],
  selfTest: [undefined, { scope: 'worker', option: true }],
  settings: [
    async ({ settingsEnv }, use) => {
      await use(loadSettings(settingsEnv ?? process.env));
    },
    { scope: 'worker' },
  ],
  mock: [
    async ({ settings }, use) => {
      if (settings.target.kind !== 'mock' || process.env[MOCK_ORIGIN_ENV]) {
        await use(undefined);
        return;
      }
      const { deviations, latencyMs, documents } = settings.target;
      const mock = await startMock({
        apiKey: settings.apiKey,
        signedUrlTtl: settings.signedUrlTtlSeconds,
        deviations,
        latencyMs,
        documents,
      });
      await use(mock);
      await mock.close();
    },
    { scope: 'worker' },
  ],
  target: [
    async ({ settings, mock }, use) => {
      if (settings.target.kind === 'live') {
        await use({ kind: 'live', baseUrl: settings.target.baseUrl });
        return;
      }
      await use({ kind: 'mock', baseUrl: `${mock?.origin ?? process.env[MOCK_ORIGIN_ENV]}/v1` });
    },
    { scope: 'worker' },
  ],
  spec: [
    // The runner resolved the spec to collect the checks; workers read what it resolved.
    async ({ settings }, use) => {
      await use(loadSpecSync(settings.specPath));
    },
    { scope: 'worker' },
  ],
  validators: [
    async ({ spec }, use) => {
      await use(new Validators(spec));
    },
    { scope: 'worker' },
  ],
  redactor: [
    async ({ settings, target }, use) => {
      await use(new Redactor(target.baseUrl, [settings.apiKey]));
    },
    { scope: 'worker' },
  ],
  throttle: [
    // The rate limit is the run's: each of the run's workers takes an equal share of it.
    async ({ settings }, use, workerInfo) => {
      await use(new Throttle(settings.rateLimit / workerInfo.config.workers, settings.concurrency));
    },
    { scope: 'worker' },
  ],
  mockContexts: [
    async ({ settings }, use) => {
      if (settings.target.kind === 'live') {
        await use(undefined);
        return;
      }
      const contexts = await newContexts(settings);
      await use(contexts);
      await disposeContexts(contexts);
    },
    { scope: 'worker' },
  ],
  sharedExchanges: [
    async ({ settings, mock }, use) => {
      const dir = process.env[SHARED_EXCHANGES_ENV];
      // A request waits for another worker's copy at most as long as it could take itself, retries included.
      await use(mock || !dir ? undefined : new SharedExchanges(dir, settings.requestTimeoutMs * 3 + 15_000));
    },
    { scope: 'worker' },
  ],
  /**
   * A live server gets fresh request contexts for every check, so no cookie it sets carries over
   * to the next; the suite's own mock sets none, so there a worker's contexts serve all its checks.
   */
  kit: async (
    { selfTest, settings, mock, mockContexts, target, spec, validators, redactor, throttle, sharedExchanges },
    use,
    testInfo,
  ) => {
    const evidence: Exchange[] = [];
    const contexts = mockContexts ?? (await newContexts(settings));
    const { api, anonymous } = contexts;
    const { apiKey, allowWrites, requestTimeoutMs: timeoutMs } = settings;
    const apiOptions = {
      redactor,
      limits: { timeoutMs, maxBodyBytes: MAX_API_BODY_BYTES, throttle },
      baseUrl: target.baseUrl,
      apiKey,
      spec,
      allowWrites,
    };
    const sentBy = testInfo.annotations.find((a) => a.type === 'check')?.description ?? testInfo.title;
    const share = sharedExchanges && { exchanges: sharedExchanges, sentBy };
    const apiClient = new ApiClient(api, { ...apiOptions, evidence, ...(share ? { share } : {}) });
    const created: CreatedDocument[] = [];
    const runId = process.env[RUN_ID_ENV] ?? newRunId();
    const datasets: string[] = [];
    const tags: string[] = [];
    const fields: CreatedField[] = [];
    let runDataset = process.env[RUN_DATASET_ENV];
    const scratch: Scratch = {
      runDataset: async () => {
        runDataset ??= mock?.addDataset(runDatasetName(runId));
        // Only a live run without writes has none: the global setup creates it only with the opt-in.
        if (runDataset === undefined) throw new WriteRefused(WRITES_OFF);
        return runDataset;
      },
      upload: async (purpose, text) => {
        const doc = await createDocument(apiClient, await scratch.runDataset(), uploadFile(runId, purpose, text));
        created.push(doc);
        return doc;
      },
      text: async (purpose, text, extra) => {
        const file = uploadFile(runId, purpose, text);
        const doc = await createTextDocument(apiClient, await scratch.runDataset(), file, extra);
        created.push(doc);
        return doc;
      },
      dataset: async (purpose, extra) => {
        const dataset = await createDataset(apiClient, runId, purpose, extra);
        datasets.push(dataset.id);
        return dataset;
      },
      tag: async (purpose) => {
        const tag = await createTag(apiClient, runId, purpose);
        tags.push(tag.id);
        return tag;
      },
      metadataField: async (purpose, datasetId) => {
        const field = await createField(apiClient, datasetId ?? (await scratch.runDataset()), purpose);
        fields.push(field);
        return field;
      },
    };
    const limits = { timeoutMs, maxBodyBytes: settings.maxDownloadBytes, throttle };
    await use({
      selfTest,
      mock,
      settings,
      target,
      spec,
      validators,
      redactor,
      throttle,
      evidence,
      api: apiClient,
      anonymous: new HttpClient(anonymous, { client: 'anonymous', redactor, evidence, limits, allowWrites: false }),
      scratch,
    });
    try {
      // A self-test judges the outcome itself; thousands of evidence attachments would only cost time.
      if (evidence.length > 0 && !selfTest) {
        await testInfo.attach('evidence', {
          body: redactor.text(JSON.stringify(evidence, null, 2)),
          contentType: 'application/json',
        });
      }
      // Cleaning up is not part of the check: its requests are no evidence and no coverage. What is
      // still indexing when the deadline passes is left to the global teardown's sweep.
      const cleaner = new ApiClient(api, { ...apiOptions, evidence: [] });
      const deadline = Date.now() + settings.indexingTimeoutMs;
      for (const f of fields) await deleteField(cleaner, f.datasetId, f.id).catch(() => undefined);
      for (const doc of created) await deleteWhenIndexed(cleaner, doc.datasetId, doc.id, deadline);
      // A knowledge base that would not go is left to the global teardown's sweep of the run's names.
      for (const id of datasets) await deleteDataset(cleaner, id).catch(() => undefined);
      for (const id of tags) await deleteTag(cleaner, id).catch(() => undefined);
    } finally {
      if (!mockContexts) await disposeContexts(contexts);
      // A worker's own mock starts every check from its fixtures (a run's shared mock serves
      // parallel workers, so it is never reset).
      mock?.reset();
    }
  },
});
