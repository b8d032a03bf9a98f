// `npm run cleanup`: deletes what killed runs left on the target: every document of DIFY_DATASET_ID
// and every knowledge base and tag whose name is the suite's (dkc-<run id>-…). Running it is the opt-in to these deletes.
import { exitWithProblem, loadDotenv, settingsOrExit } from '../src/config';
import { deleteDocuments, NAME_PREFIX, standaloneClient } from '../src/documents';
import { deleteDatasets } from '../src/knowledge-bases';
import { deleteTags } from '../src/tags';

async function main(): Promise<void> {
  loadDotenv();
  const settings = settingsOrExit({ CONFORMANCE_ALLOW_WRITES: '1', ...process.env });
  if (settings.target.kind !== 'live') exitWithProblem('DIFY_BASE_URL is not set: there is no target to clean up.');
  const { api, dispose } = await standaloneClient(settings, settings.target.baseUrl);
  try {
    const names = await deleteDocuments(api, settings.ids.datasetId, NAME_PREFIX, settings.indexingTimeoutMs);
    for (const name of names) console.log(`deleted ${name}`);
    console.log(`cleanup: ${names.length} document(s) named ${NAME_PREFIX}* deleted from ${settings.ids.datasetId}`);
    const datasets = await deleteDatasets(api, NAME_PREFIX);
    for (const name of datasets) console.log(`deleted knowledge base ${name}`);
    console.log(`cleanup: ${datasets.length} knowledge base(s) named ${NAME_PREFIX}* deleted`);
    const tags = await deleteTags(api, NAME_PREFIX);
    for (const name of tags) console.log(`deleted tag ${name}`);
    console.log(`cleanup: ${tags.length} tag(s) named ${NAME_PREFIX}* deleted`);
  } finally {
    await dispose();
  }
}

main().catch((error: unknown) => exitWithProblem(`cleanup failed: ${(error as Error).message.split('\n')[0]}`));
