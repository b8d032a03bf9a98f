// `npm run mock`: the embedded mock on its own, for poking at it with curl.
import { ConfigError, loadDotenv, loadSettings } from '../config';
import { MOCK_IDS } from './data';
import { startMock } from './server';

async function main(): Promise<void> {
  loadDotenv();
  // Signed URLs live 5 minutes by default here (Dify's default), not the suite's few seconds.
  const settings = loadSettings({ DIFY_SIGNED_URL_TTL: '300', ...process.env, DIFY_BASE_URL: undefined });
  const port = Number(process.env.MOCK_PORT ?? 0);
  const { deviations, documents } =
    settings.target.kind === 'mock' ? settings.target : { deviations: [], documents: 0 };
  const mock = await startMock(
    { apiKey: settings.apiKey, signedUrlTtl: settings.signedUrlTtlSeconds, deviations, documents },
    port,
  );
  const dataset = `${mock.origin}/v1/datasets/${MOCK_IDS.datasetId}`;
  const doc = `${dataset}/documents/${MOCK_IDS.documentId}`;
  const key = process.env.DIFY_API_KEY ? '$DIFY_API_KEY' : settings.apiKey;
  console.log(`Dify Knowledge API mock on ${mock.origin}/v1 (Ctrl-C stops it)`);
  console.log(`  curl -H "Authorization: Bearer ${key}" '${dataset}'`);
  console.log(`  curl -H "Authorization: Bearer ${key}" '${doc}?metadata=only'`);
  console.log(`  curl -H "Authorization: Bearer ${key}" '${doc}/download'`);
  console.log(`  signed URLs live ${settings.signedUrlTtlSeconds} s; MOCK_PORT picks the port`);
  const stop = () => void mock.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`mock: ${error instanceof ConfigError ? error.message : String(error)}`);
  process.exit(2);
});
