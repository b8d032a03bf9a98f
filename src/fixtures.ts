// The suite's fixtures (settings, spec, validators, clients) and `check`, which turns a catalog
// entry into a Playwright test that carries the check's id, level and citation.
import { test as base, type TestInfo } from '@playwright/test';
import { type CheckDef, citationPointer, citationText, loadCatalog } from './catalog';
import { loadSettings, MOCK_ORIGIN_ENV, type Settings } from './config';
import { type CreatedDocument, createDocument, newRunId, RUN_ID_ENV, uploadFile } from './documents';
import { ApiClient, type Exchange, HttpClient, RateLimiter, TransportError } from './http';
import { Redactor } from './redact';
import { type LoadedSpec, loadSpec } from './spec';
import { Validators } from './validation';
import { ContractViolation, restate } from './violation';

export interface Target {
  kind: 'live' | 'mock';
  /** The API base, e.g. https://dify.example.com/v1. */
  baseUrl: string;
}

interface WorkerFixtures {
  settings: Settings;
  target: Target;
  spec: LoadedSpec;
  validators: Validators;
  redactor: Redactor;
  limiter: RateLimiter;
}

/** JSON answers of these endpoints are a few KiB; anything near this bound is a fault. */
const MAX_API_BODY_BYTES = 5 * 1024 * 1024;

/** Documents a check uploads for itself; deleted when the check ends, whatever its outcome. */
export interface Scratch {
  upload(purpose: string): Promise<CreatedDocument>;
}

interface TestFixtures {
  evidence: Exchange[];
  scratch: Scratch;
  /** Sends the API key, only to the API base. */
  api: ApiClient;
  /** No Authorization header, no cookies: what a holder of a signed URL has. */
  anonymous: HttpClient;
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  settings: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright's fixture signature.
    async ({}, use) => {
      await use(loadSettings());
    },
    { scope: 'worker' },
  ],
  target: [
    async ({ settings }, use) => {
      if (settings.target.kind === 'live') {
        await use({ kind: 'live', baseUrl: settings.target.baseUrl });
        return;
      }
      const origin = process.env[MOCK_ORIGIN_ENV];
      if (!origin) throw new Error('the embedded mock is not running: run the suite with playwright.config.ts');
      await use({ kind: 'mock', baseUrl: `${origin}/v1` });
    },
    { scope: 'worker' },
  ],
  spec: [
    async ({ settings }, use) => {
      await use(await loadSpec(settings.specPath));
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
  limiter: [
    async ({ settings }, use) => {
      await use(new RateLimiter(settings.rateLimit));
    },
    { scope: 'worker' },
  ],
  evidence: async ({ redactor }, use, testInfo) => {
    const evidence: Exchange[] = [];
    await use(evidence);
    if (evidence.length > 0) {
      await testInfo.attach('evidence', {
        body: redactor.text(JSON.stringify(evidence, null, 2)),
        contentType: 'application/json',
      });
    }
  },
  api: async ({ playwright, settings, target, spec, redactor, evidence, limiter }, use) => {
    const context = await playwright.request.newContext({ ignoreHTTPSErrors: settings.insecureTls });
    const limits = { timeoutMs: settings.requestTimeoutMs, maxBodyBytes: MAX_API_BODY_BYTES, limiter };
    await use(
      new ApiClient(context, redactor, evidence, limits, target.baseUrl, settings.apiKey, spec, settings.allowWrites),
    );
    await context.dispose();
  },
  scratch: async ({ api, settings }, use) => {
    const created: CreatedDocument[] = [];
    const runId = process.env[RUN_ID_ENV] ?? newRunId();
    const { datasetId } = settings.ids;
    await use({
      upload: async (purpose) => {
        const doc = await createDocument(api, datasetId, uploadFile(runId, purpose));
        created.push(doc);
        return doc;
      },
    });
    const deadline = Date.now() + settings.indexingTimeoutMs;
    for (const doc of created) {
      // Dify refuses to delete while indexing (400 document_indexing); the global teardown sweeps leftovers.
      while ((await api.call('deleteDocument', { dataset_id: datasetId, document_id: doc.id })).status === 400) {
        if (Date.now() > deadline) break;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  },
  anonymous: async ({ playwright, settings, redactor, evidence, limiter }, use) => {
    const context = await playwright.request.newContext({
      storageState: { cookies: [], origins: [] },
      ignoreHTTPSErrors: settings.insecureTls,
    });
    const limits = { timeoutMs: settings.requestTimeoutMs, maxBodyBytes: settings.maxDownloadBytes, limiter };
    await use(new HttpClient(context, 'anonymous', redactor, evidence, limits));
    await context.dispose();
  },
});

export interface CheckArgs extends WorkerFixtures, TestFixtures {
  def: CheckDef;
  testInfo: TestInfo;
}

const catalog = loadCatalog();

export function checksWhere(predicate: (def: CheckDef) => boolean): CheckDef[] {
  return [...catalog.values()].filter(predicate);
}

/** Skips the running check with a reason the report shows. */
export function skipCheck(reason: string): never {
  test.skip(true, reason);
  throw new Error('unreachable: test.skip throws');
}

type CheckBody = (args: CheckArgs) => Promise<void>;
type TestArguments = [
  string,
  { tag: string[]; annotation: { type: string; description: string }[] },
  Parameters<typeof test>[2],
];

/**
 * The catalog entry `id` as arguments for `test(...)`, so each check's location is its spec file:
 * `test(...check('getDocumentDetail/metadata-only/exact-fields', async (args) => { … }))`.
 * A MUST check fails on a ContractViolation; a SHOULD check records it as a warning instead,
 * unless CONFORMANCE_STRICT=1 makes every check a MUST.
 */
export function check(id: string, body: CheckBody): TestArguments {
  const def = catalog.get(id);
  if (!def) throw new Error(`check("${id}"): no such id in tests/checks.yaml`);
  return [
    `${def.id}: ${def.claim}`,
    {
      tag: def.tags.map((tag) => `@${tag}`),
      annotation: [
        { type: 'check', description: def.id },
        { type: 'operation', description: def.operation },
        { type: 'level', description: def.level },
      ],
    },
    async ({ settings, target, spec, validators, redactor, limiter, evidence, api, anonymous, scratch }, testInfo) => {
      testInfo.annotations.push({ type: 'cite', description: citationPointer(def, spec) });
      try {
        const args = { settings, target, spec, validators, redactor, limiter, evidence, api, anonymous, scratch };
        await body({ ...args, def, testInfo });
      } catch (error) {
        const contract = `contract: ${citationText(def, spec)}`;
        if (error instanceof TransportError) {
          const lines = [`${def.id} (MUST)`, 'expected: an HTTP answer', `actual:   ${error.reason}`];
          throw restate(error, redactor.text([...lines, `request:  ${error.request}`, contract].join('\n')));
        }
        if (!(error instanceof ContractViolation)) throw error;
        const level = settings.strict || !error.should ? 'MUST' : def.level;
        const message = `${def.id} (${level})\n${error.message}\n${contract}`;
        if (level === 'SHOULD') {
          testInfo.annotations.push({ type: 'warning', description: redactor.text(message) });
          return;
        }
        throw restate(error, redactor.text(message));
      }
    },
  ];
}
