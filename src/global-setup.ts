// Before any test: the spec must load, a live target must answer over a trusted connection, and
// without DIFY_BASE_URL the embedded mock starts.
import { request } from '@playwright/test';
import { exitWithProblem, MOCK_ORIGIN_ENV, type Settings, settingsOrExit } from './config';
import { cause } from './http';
import { startMock } from './mock/server';
import { loadSpec, SpecError } from './spec';

/** One key-less GET of the API base: any HTTP answer will do; no answer stops the run in one line. */
async function preflight(settings: Settings, baseUrl: string): Promise<void> {
  const context = await request.newContext({ ignoreHTTPSErrors: settings.insecureTls });
  try {
    await context.get(baseUrl, { timeout: settings.requestTimeoutMs, maxRedirects: 0, failOnStatusCode: false });
  } catch (error) {
    const first = String((error as Error).message).split('\n')[0] ?? '';
    exitWithProblem(`cannot reach DIFY_BASE_URL ${baseUrl}: ${cause(first, settings.requestTimeoutMs)}.`);
  } finally {
    await context.dispose();
  }
}

export default async function globalSetup(): Promise<(() => Promise<void>) | undefined> {
  const settings = settingsOrExit();
  try {
    await loadSpec(settings.specPath);
  } catch (error) {
    if (error instanceof SpecError) exitWithProblem(error.message);
    throw error;
  }
  if (settings.target.kind === 'live') {
    await preflight(settings, settings.target.baseUrl);
    return undefined;
  }
  const mock = await startMock({
    apiKey: settings.apiKey,
    signedUrlTtl: settings.signedUrlTtlSeconds,
    deviations: settings.target.deviations,
    latencyMs: settings.target.latencyMs,
  });
  process.env[MOCK_ORIGIN_ENV] = mock.origin;
  return () => mock.close();
}
