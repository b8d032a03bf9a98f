// `npm run mock`: the embedded mock on its own, for poking at it with curl.
import { ConfigError, loadDotenv, loadSettings } from '../config';
import { MOCK_IDS } from './data';
import { startMock } from './server';

async function main(): Promise<void> {
  loadDotenv();
  const settings = loadSettings({ ...process.env, DIFY_BASE_URL: undefined });
  const port = Number(process.env.MOCK_PORT ?? 0);
  const mock = await startMock(
    {
      apiKey: settings.apiKey,
      signedUrlTtl: settings.signedUrlTtlSeconds,
      deviations: settings.target.kind === 'mock' ? settings.target.deviations : [],
    },
    port,
  );
  const doc = `${mock.origin}/v1/datasets/${MOCK_IDS.datasetId}/documents/${MOCK_IDS.documentId}`;
  console.log(`Dify Knowledge API mock on ${mock.origin}/v1 (Ctrl-C stops it)`);
  console.log(
    `  curl -H 'Authorization: Bearer <DIFY_API_KEY, or the mock's key from src/mock/data.ts>' '${doc}?metadata=only'`,
  );
  console.log(`  signed URLs live ${settings.signedUrlTtlSeconds} s`);
  const stop = () => void mock.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`mock: ${error instanceof ConfigError ? error.message : String(error)}`);
  process.exit(2);
});
