// Before any test: the spec must load, and without DIFY_BASE_URL the embedded mock starts.
import type { FullConfig } from '@playwright/test';
import { exitWithProblem, MOCK_ORIGIN_ENV, settingsOrExit } from './config';
import { startMock } from './mock/server';
import { loadSpec, SpecError } from './spec';

export default async function globalSetup(_config: FullConfig): Promise<(() => Promise<void>) | undefined> {
  const settings = settingsOrExit();
  try {
    await loadSpec(settings.specPath);
  } catch (error) {
    if (error instanceof SpecError) exitWithProblem(error.message);
    throw error;
  }
  if (settings.target.kind === 'live') return undefined;
  const mock = await startMock({
    apiKey: settings.apiKey,
    signedUrlTtl: settings.signedUrlTtlSeconds,
    deviations: settings.target.deviations,
  });
  process.env[MOCK_ORIGIN_ENV] = mock.origin;
  return () => mock.close();
}
