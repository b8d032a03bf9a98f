// Before any test: a live target must answer over a trusted connection, and without DIFY_BASE_URL
// the embedded mock starts (the config has already loaded the spec and catalog). Where the run may
// write, it creates its knowledge base, dkc-<run id>; on a live target that and everything else the
// run created is deleted afterwards, also when it fails or is interrupted.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { request } from '@playwright/test';
import {
  DEADLINE_ENV,
  DISCOVERED_ENV,
  MOCK_ORIGIN_ENV,
  PINNED_IDS,
  type Settings,
  STOPPED_MARK,
  settingsOrExit,
} from './config';
import { discover } from './discovery';
import { newRunId, RUN_ID_ENV, standaloneClient } from './documents';
import { cause } from './http';
import { createDataset, deleteDatasets, RUN_DATASET_ENV, runDatasetName } from './knowledge-bases';
import { startMock } from './mock/server';
import { SHARED_EXCHANGES_ENV } from './shared-exchanges';
import { deleteTags } from './tags';
import { ContractViolation } from './violation';

/**
 * The run cannot start its checks: the reporter reads the cause from this error (also when
 * merge-reports replays a shard's), reports the run "not run", and prints it as the one line.
 */
function stop(cause: string): never {
  const error = new Error(`${STOPPED_MARK}${cause}`);
  // Playwright prints a global setup's error with its stack: the cause is all there is to say.
  error.stack = error.message;
  throw error;
}

/** When the checks must have ended for the run to finish within its budget, clean-up and report included. */
function deadline(settings: Settings): number {
  const reserve = Math.min(60_000, settings.maxDurationMs / 10);
  return Math.round(performance.timeOrigin + settings.maxDurationMs - reserve);
}

/**
 * One key-less List Knowledge Bases: the Knowledge API refuses it with a JSON error (401, or 403).
 * A JSON list is the API too (that it needs no key is the auth checks' finding); no answer, or any
 * other, stops the run in one line.
 */
async function preflight(settings: Settings, baseUrl: string): Promise<void> {
  const context = await request.newContext({ ignoreHTTPSErrors: settings.insecureTls });
  const probe = `${baseUrl}/datasets`;
  try {
    const answer = await context
      .get(probe, { timeout: settings.requestTimeoutMs, maxRedirects: 0, failOnStatusCode: false })
      .catch((error: Error) => {
        const first = error.message.split('\n')[0] ?? '';
        stop(`cannot reach DIFY_BASE_URL ${baseUrl}: ${cause(first, settings.requestTimeoutMs)}.`);
      });
    const type = answer.headers()['content-type'] ?? 'no Content-Type';
    const status = answer.status();
    const api = status === 401 || status === 403 || (status >= 200 && status < 300);
    if (!api || !/json/i.test(type)) {
      stop(
        `DIFY_BASE_URL ${baseUrl} does not look like the Knowledge API: GET ${probe} without a key answered ` +
          `HTTP ${status} (${type}), where the API refuses it with a JSON error; Dify serves it under /v1, ` +
          `e.g. ${new URL(baseUrl).origin}/v1.`,
      );
    }
  } finally {
    await context.dispose();
  }
}

/** Deletes what this run created (by its name prefix), once, whichever way the run ends. */
function cleanupOnExit(settings: Settings, baseUrl: string, runId: string): () => Promise<void> {
  let done: Promise<void> | undefined;
  const cleanup = () => {
    done ??= (async () => {
      const { api, dispose } = await standaloneClient(settings, baseUrl);
      try {
        // The run's knowledge base goes with everything the checks wrote in it.
        const keyword = runDatasetName(runId);
        await deleteDatasets(api, keyword);
        await deleteTags(api, keyword);
      } catch (error) {
        console.error(`dify-knowledge-conformance: cleanup failed (${(error as Error).message}); run npm run cleanup`);
      } finally {
        await dispose();
      }
    })();
    return done;
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void cleanup().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    });
  }
  return cleanup;
}

/** Creates the run's knowledge base, `dkc-<run id>`, where the checks write; the workers read its id. */
async function createRunDataset(
  settings: Settings,
  baseUrl: string,
  runId: string,
  cleanup?: () => Promise<void>,
): Promise<void> {
  const { api, dispose } = await standaloneClient(settings, baseUrl);
  try {
    const dataset = await createDataset(api, runId, undefined, { indexing_technique: settings.scratchIndexing });
    process.env[RUN_DATASET_ENV] = dataset.id;
  } catch (error) {
    // A knowledge base created but not answered for is found by name and deleted before the run stops.
    await cleanup?.();
    // A contract violation says what was expected, then what came back: keep both on the one line.
    const [first, second] = (error as Error).message.split('\n');
    const reason = error instanceof ContractViolation ? `${first}; ${second?.trim()}` : first;
    stop(`could not create the run's knowledge base ${runDatasetName(runId)}: ${reason}`);
  } finally {
    await dispose();
  }
}

/** Finds, by listing, the ids the settings do not pin; the workers read them (and the gaps) from the environment. */
async function discoverIds(settings: Settings, baseUrl: string): Promise<void> {
  const { api, spec, dispose } = await standaloneClient(settings, baseUrl);
  const known: Record<string, string> = {};
  for (const [name, [key]] of Object.entries(PINNED_IDS)) {
    const value = settings.ids[key];
    if (value !== undefined) known[name] = value;
  }
  try {
    const found = await discover(spec, known, async (operationId, params) => {
      try {
        const answer = await api.call(operationId, params);
        return answer.status >= 200 && answer.status < 300 && answer.isJson() ? answer.json() : undefined;
      } catch {
        return undefined;
      }
    });
    process.env[DISCOVERED_ENV] = JSON.stringify(found);
  } finally {
    await dispose();
  }
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  const settings = settingsOrExit();
  const runId = newRunId();
  process.env[RUN_ID_ENV] = runId;
  process.env[DEADLINE_ENV] = String(deadline(settings));
  // Private to this user (mkdtemp makes it 0700): the shared answers are the target's data.
  const shared = mkdtempSync(path.join(tmpdir(), 'dkc-exchanges-'));
  process.env[SHARED_EXCHANGES_ENV] = shared;
  const teardown = await setUp(settings, runId);
  return async () => {
    try {
      await teardown?.();
    } finally {
      rmSync(shared, { recursive: true, force: true });
    }
  };
}

async function setUp(settings: Settings, runId: string): Promise<(() => Promise<void>) | undefined> {
  if (settings.target.kind === 'live') {
    const { baseUrl } = settings.target;
    await preflight(settings, baseUrl);
    if (!settings.allowWrites) {
      await discoverIds(settings, baseUrl);
      return undefined;
    }
    const cleanup = cleanupOnExit(settings, baseUrl, runId);
    await createRunDataset(settings, baseUrl, runId, cleanup);
    await discoverIds(settings, baseUrl);
    return cleanup;
  }
  const mock = await startMock({
    apiKey: settings.apiKey,
    signedUrlTtl: settings.signedUrlTtlSeconds,
    deviations: settings.target.deviations,
    latencyMs: settings.target.latencyMs,
    documents: settings.target.documents,
  });
  process.env[MOCK_ORIGIN_ENV] = mock.origin;
  // The mock closes with the run: what the checks wrote goes with it.
  await createRunDataset(settings, `${mock.origin}/v1`, runId);
  return () => mock.close();
}
