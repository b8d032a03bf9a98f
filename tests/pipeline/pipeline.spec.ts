// The knowledge pipeline: rows in pipeline.checks.yaml. An uploaded file is read back by the one
// operation that reads it, Run Pipeline; the errors are those of a knowledge base without a pipeline.
import { expectDifyError, expectJson, expectObject, expectSchema, expectStatus } from '../../src/assertions';
import { type CheckArgs, checksOf, type Template } from '../../src/checks';
import { test } from '../../src/fixtures';
import { knownValue } from '../../src/params';
import { documentedAnswer, noteFieldsSeen } from '../../src/templates/response';
import { claim, show, skipCheck } from '../../src/violation';

const FILE = { name: 'dkc-pipeline-file.txt', bytes: Buffer.from('Uploaded by dify-knowledge-conformance.\n') };

/**
 * One byte over Dify's default upload limit (UPLOAD_FILE_SIZE_LIMIT, 15 MB), which the embedded mock
 * keeps; a live server's limit is its own setting.
 */
const OVER_LIMIT = 15 * 1024 * 1024 + 1;

/** An upload leaves a file in the workspace for good: the suite sends none to a live target. */
function skipLive(args: CheckArgs) {
  if (args.target.kind === 'live') {
    skipCheck(
      'an uploaded pipeline file stays in the workspace (no operation of the API deletes one): the suite leaves nothing behind on a live target',
    );
  }
}

interface UploadedFile {
  id: string;
  name: string;
}

/** Uploads the suite's file and holds the answer to the upload's claim. */
async function verifiedUpload(args: CheckArgs): Promise<UploadedFile> {
  skipLive(args);
  const response = await args.api.call(
    'uploadPipelineFile',
    {},
    { multipart: { file: { name: FILE.name, mimeType: 'text/plain', buffer: FILE.bytes } } },
  );
  expectStatus(response, 201);
  const body = expectObject(expectJson(response), response);
  expectSchema(args.validators, args.validators.responseSchema('uploadPipelineFile', 201), body, response);
  noteFieldsSeen(args, 'uploadPipelineFile', body);
  claim(body.name === FILE.name && body.size === FILE.bytes.length, () => ({
    expected: `name ${show(FILE.name)} and size ${FILE.bytes.length}, as uploaded`,
    actual: `name ${show(body.name)}, size ${show(body.size)}`,
    request: response.summary,
  }));
  return { id: String(body.id), name: FILE.name };
}

/** A request each operation documents its no-pipeline 400 for: valid in every other way. */
function withoutPipeline(args: CheckArgs, datasetId: string) {
  const params = { dataset_id: datasetId };
  switch (args.def.operation) {
    case 'listDatasourcePlugins':
      return args.api.call('listDatasourcePlugins', params);
    case 'runDatasourceNode':
      return args.api.call(
        'runDatasourceNode',
        { ...params, node_id: 'dkc-datasource' },
        { json: { inputs: {}, datasource_type: 'local_file', is_published: true } },
      );
    default:
      return args.api.call('runPipeline', params, {
        json: {
          inputs: {},
          datasource_type: 'local_file',
          datasource_info_list: [],
          start_node_id: 'dkc-datasource',
          is_published: true,
          response_mode: 'blocking',
        },
      });
  }
}

const templates: Record<string, Template> = {
  'upload-file': async (args) => {
    await verifiedUpload(args);
  },

  'upload-too-large': async (args) => {
    skipLive(args);
    const buffer = Buffer.alloc(OVER_LIMIT, 'a');
    const response = await args.api.call(
      'uploadPipelineFile',
      {},
      { multipart: { file: { name: 'dkc-pipeline-too-large.txt', mimeType: 'text/plain', buffer } } },
    );
    expectDifyError(args.validators, 'uploadPipelineFile', response, 413, 'file_too_large');
  },

  // The run's knowledge base has no pipeline: the Knowledge API creates none.
  'no-pipeline': async (args) => {
    const response = await withoutPipeline(args, await args.scratch.runDataset());
    expectDifyError(args.validators, args.def.operation, response, 400, 'invalid_param');
  },

  // A datasource node reads its source (a Notion workspace, a drive, a site) and writes nothing, so
  // it runs in the knowledge base that has the pipeline, DIFY_DATASET_ID.
  'run-datasource-node': async (args) => {
    const { body } = await args.given('listDatasourcePlugins/response/schema', () =>
      documentedAnswer(args, 'listDatasourcePlugins'),
    );
    const node = ((body[''] ?? []) as { node_id?: unknown; datasource_type?: unknown }[])[0];
    if (!node) skipCheck('the published pipeline has no datasource node to run');
    const response = await args.api.call(
      'runDatasourceNode',
      { dataset_id: knownValue(args.settings, 'dataset_id') ?? '', node_id: String(node.node_id) },
      { json: { inputs: {}, datasource_type: node.datasource_type, is_published: true } },
    );
    expectStatus(response, 200);
    const type = response.headers['content-type'] ?? '';
    claim(type.startsWith('text/event-stream'), () => ({
      expected: 'Content-Type text/event-stream',
      actual: `Content-Type ${show(type)}`,
      request: response.summary,
    }));
    const lines = response
      .text()
      .split('\n')
      .filter((line) => line.startsWith('data:'));
    const events = lines.map((line) => {
      try {
        return (JSON.parse(line.slice(5)) as { event?: unknown }).event;
      } catch {
        return undefined;
      }
    });
    claim(events.length > 0 && events.every((event) => typeof event === 'string'), () => ({
      expected: 'data lines, each a JSON object with an event',
      actual: show(response.text(), 200),
      request: response.summary,
    }));
    // An error event ends a run too: a datasource without credentials on the target is no contract violation.
    const last = events.at(-1);
    claim(last === 'datasource_completed' || last === 'datasource_error', () => ({
      expected: 'the stream ends with a datasource_completed or datasource_error event',
      actual: `events ${events.join(', ')}`,
      request: response.summary,
    }));
  },

  'run-uploaded-file': async (args) => {
    if (args.target.kind === 'live') {
      skipCheck(
        "a run adds documents to the knowledge base it runs in, and only the team's have a pipeline (the Knowledge API creates none): the suite does not write there",
      );
    }
    const file = await args.given('uploadPipelineFile/response/schema', () => verifiedUpload(args));
    const { body } = await args.given('listDatasourcePlugins/response/schema', () =>
      documentedAnswer(args, 'listDatasourcePlugins'),
    );
    const nodes = (body[''] ?? []) as { node_id?: unknown; datasource_type?: unknown }[];
    const node = nodes.find((n) => n.datasource_type === 'local_file');
    if (!node) skipCheck('the published pipeline has no local_file datasource node to run a file through');
    const datasetId = knownValue(args.settings, 'dataset_id') ?? '';
    const response = await args.api.call(
      'runPipeline',
      { dataset_id: datasetId },
      {
        json: {
          inputs: {},
          datasource_type: 'local_file',
          datasource_info_list: [{ reference: file.id, name: file.name }],
          start_node_id: node.node_id,
          is_published: true,
          response_mode: 'blocking',
        },
      },
    );
    expectStatus(response, 200);
    const run = expectObject(expectJson(response), response);
    expectSchema(args.validators, args.validators.responseSchema('runPipeline', 200), run, response);
    noteFieldsSeen(args, 'runPipeline', run);
    const status = (run.data as { status?: unknown } | undefined)?.status;
    claim(status === 'succeeded', () => ({
      expected: `the run of ${show(file.id)} succeeded`,
      actual: `data.status ${show(status)}`,
      pointer: '/data/status',
      request: response.summary,
    }));
  },
};

for (const check of checksOf(__filename, templates)) test(...check);
