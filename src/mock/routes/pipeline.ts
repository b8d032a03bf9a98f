// The knowledge pipeline: file upload, datasource plugins, running a datasource node, running the pipeline.
import { randomUUID } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { bearerAuth } from '../auth';
import { jsonBody } from '../body';
import type { Env, MockContext } from '../context';
import { type MockDataset, USER_A } from '../data';
import type { Deviation, DeviationName } from '../deviations';
import { difyError } from '../errors';
import { type DatasourceNode, PIPELINE_NODES } from '../fixtures/knowledge-bases';
import { findDataset } from '../lookup';
import { DATASET_PATH } from './paths';

/** The checks that upload a pipeline file, and the run that reads it back as a `reference`. */
const FILE_READERS = ['uploadPipelineFile/*/*', 'runPipeline/runs-uploaded-file'];

export const pipelineDeviations = {
  'datasource-credentials-null': {
    description: 'List Datasource Plugins sends credentials as null for a node without credentials',
    fails: ['listDatasourcePlugins/response/schema'],
  },
  'datasource-without-title': {
    description: 'List Datasource Plugins leaves the title out of its nodes',
    fails: ['listDatasourcePlugins/response/fields'],
  },
  'datasource-plugins-api-disabled-served': {
    description:
      'List Datasource Plugins serves a knowledge base whose API access is off (it checks only the workspace)',
    fails: ['listDatasourcePlugins/errors/api-disabled-dataset'],
  },
  'pipeline-run-unknown-dataset-500': {
    description: 'Run Pipeline wraps an unknown knowledge base in a 500 pipeline_run_error',
    fails: ['runPipeline/errors/unknown-dataset'],
  },
  'pipeline-upload-unauthenticated': {
    description: 'Upload Pipeline File does not check the key: without one it goes on to the form',
    fails: ['uploadPipelineFile/auth/*'],
  },
  'pipeline-upload-wrong-size': {
    description: 'Upload Pipeline File answers with the size in kilobytes, not bytes',
    fails: ['uploadPipelineFile/response/schema'],
    sees: FILE_READERS,
  },
  'pipeline-upload-not-stored': {
    description: 'Upload Pipeline File answers 201 with an id, and keeps no file under it',
    fails: ['runPipeline/runs-uploaded-file'],
    sees: FILE_READERS,
  },
  'pipeline-upload-too-large-400': {
    description:
      'Upload Pipeline File refuses a file over the upload limit with 400 invalid_param, not 413 file_too_large',
    fails: ['uploadPipelineFile/errors/file-too-large'],
    sees: ['uploadPipelineFile/errors/file-too-large'],
  },
  'datasource-plugins-without-pipeline-empty': {
    description: 'List Datasource Plugins answers an empty list for a knowledge base without a pipeline',
    fails: ['listDatasourcePlugins/errors/no-pipeline'],
  },
  'node-run-without-pipeline-streams': {
    description:
      'Run Datasource Node answers 200 with a datasource_error event for a knowledge base without a pipeline',
    fails: ['runDatasourceNode/errors/no-pipeline'],
  },
  'node-run-never-completes': {
    description: 'Run Datasource Node streams its processing event and ends without a completed or error event',
    fails: ['runDatasourceNode/streams-events'],
  },
  'pipeline-run-without-pipeline-500': {
    description: 'Run Pipeline wraps a knowledge base without a pipeline in a 500 pipeline_run_error',
    fails: ['runPipeline/errors/no-pipeline'],
  },
} satisfies Record<string, Deviation>;

/** Dify's default upload limit for a document file (UPLOAD_FILE_SIZE_LIMIT, 15 MB). */
const UPLOAD_LIMIT_BYTES = 15 * 1024 * 1024;

const DATASOURCE_TYPES = ['online_document', 'local_file', 'website_crawl', 'online_drive'];

/** Server-Sent Events, one `data:` line per event, as Dify streams them. */
function eventStream(c: Context<Env>, events: Record<string, unknown>[]): Response {
  const body = events.map((event) => `data: ${JSON.stringify(event)}\n\n`).join('');
  return c.body(body, 200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
}

export function pipelineRoutes(app: Hono<Env>, mock: MockContext): void {
  const { on, store } = mock;
  const auth = bearerAuth(mock);
  const seconds = () => Math.floor(mock.now() / 1000);

  /**
   * The knowledge base's pipeline nodes (published or draft), or the answer that refuses it; `missing`
   * is how a deviation answers a knowledge base without one instead.
   */
  function pipelineOf(
    c: Context<Env>,
    dataset: MockDataset,
    published: boolean,
    missing?: [DeviationName, () => Response],
  ): DatasourceNode[] | Response {
    const pipeline = PIPELINE_NODES[String(dataset.fields.pipeline_id)];
    if (pipeline) return published ? pipeline.published : pipeline.draft;
    if (missing && on(missing[0])) return missing[1]();
    return difyError(c, 400, 'invalid_param', 'Pipeline not found');
  }

  /** The knowledge base, or the answer that refuses it; the API-disabled one too when a deviation serves it. */
  function datasetFor(c: Context<Env>, servesApiDisabled: boolean): MockDataset | Response {
    const found = findDataset(mock, c, c.get('tenantId'));
    if (!(found instanceof Response) || found.status !== 403 || !servesApiDisabled) return found;
    return store.datasets.get(c.req.param('dataset_id')?.toLowerCase() ?? '') ?? found;
  }

  app.post(
    '/v1/datasets/pipeline/file-upload',
    async (c, next) => (on('pipeline-upload-unauthenticated') ? next() : auth(c, next)),
    async (c) => {
      const form = await c.req.parseBody({ all: true }).catch(() => ({}) as Record<string, unknown>);
      const parts = Object.values(form)
        .flat()
        .filter((part) => part instanceof File);
      const file = form.file;
      if (!(file instanceof File)) return difyError(c, 400, 'no_file_uploaded', 'Please upload your file.');
      if (parts.length > 1) return difyError(c, 400, 'too_many_files', 'Only one file is allowed.');
      if (!file.name) return difyError(c, 400, 'filename_not_exists_error', 'The specified filename does not exist.');
      if (file.size > UPLOAD_LIMIT_BYTES) {
        // Dify raises its service error, a ValueError, whose description is the unformatted "{message}".
        if (on('pipeline-upload-too-large-400')) return difyError(c, 400, 'invalid_param', '{message}');
        return difyError(c, 413, 'file_too_large', 'File size exceeded.');
      }
      const id = randomUUID();
      const fields = {
        id,
        name: file.name,
        size: on('pipeline-upload-wrong-size') ? Math.ceil(file.size / 1024) : file.size,
        extension: file.name.includes('.') ? (file.name.split('.').pop() ?? '') : '',
        mime_type: file.type || null,
        created_by: USER_A,
        created_at: new Date(mock.now()).toISOString().slice(0, 19),
      };
      if (!on('pipeline-upload-not-stored')) store.pipelineFiles.set(id, { id, tenantId: c.get('tenantId'), fields });
      return c.json(fields, 201);
    },
  );

  app.get(`${DATASET_PATH}/pipeline/datasource-plugins`, auth, (c) => {
    const dataset = datasetFor(c, on('datasource-plugins-api-disabled-served'));
    if (dataset instanceof Response) return dataset;
    const nodes = pipelineOf(c, dataset, c.req.query('is_published') !== 'false', [
      'datasource-plugins-without-pipeline-empty',
      () => c.json([]),
    ]);
    if (nodes instanceof Response) return nodes;
    const body = nodes.map((node) => {
      const served: Record<string, unknown> = { ...node };
      if (on('datasource-credentials-null') && (node.credentials as unknown[]).length === 0) served.credentials = null;
      if (on('datasource-without-title')) delete served.title;
      return served;
    });
    return c.json(body);
  });

  app.post(`${DATASET_PATH}/pipeline/datasource/nodes/:node_id/run`, auth, async (c) => {
    const dataset = findDataset(mock, c, c.get('tenantId'));
    if (dataset instanceof Response) return dataset;
    const body = await jsonBody(c);
    const valid =
      body &&
      typeof body.inputs === 'object' &&
      body.inputs !== null &&
      DATASOURCE_TYPES.includes(String(body.datasource_type)) &&
      typeof body.is_published === 'boolean';
    if (!valid) return difyError(c, 400, 'invalid_param', 'inputs, datasource_type and is_published are required.');
    const nodes = pipelineOf(c, dataset, body.is_published === true, [
      'node-run-without-pipeline-streams',
      () => eventStream(c, [{ event: 'datasource_error', error: 'Pipeline not found' }]),
    ]);
    if (nodes instanceof Response) return nodes;
    // An unknown node is not refused: the stream itself reports it, as Dify does.
    const node = nodes.find((n) => n.node_id === c.req.param('node_id'));
    if (!node) return eventStream(c, [{ event: 'datasource_error', error: 'Datasource node data not found' }]);
    const processing = { event: 'datasource_processing', total: 1, completed: 0 };
    if (on('node-run-never-completes')) return eventStream(c, [processing]);
    return eventStream(c, [
      processing,
      {
        event: 'datasource_completed',
        data: [{ workspace_id: 'notion-workspace-1', pages: [{ page_id: 'notion-page-1', page_name: 'Handbook' }] }],
        total: 1,
        completed: 1,
        time_consuming: 0.12,
      },
    ]);
  });

  app.post(`${DATASET_PATH}/pipeline/run`, auth, async (c) => {
    if (on('pipeline-run-unknown-dataset-500') && !store.datasets.has(c.req.param('dataset_id').toLowerCase())) {
      return difyError(c, 500, 'pipeline_run_error', 'Pipeline execution failed: Dataset not found');
    }
    const dataset = findDataset(mock, c, c.get('tenantId'));
    if (dataset instanceof Response) return dataset;
    const body = await jsonBody(c);
    const list = body?.datasource_info_list;
    const valid =
      body &&
      typeof body.inputs === 'object' &&
      DATASOURCE_TYPES.includes(String(body.datasource_type)) &&
      Array.isArray(list) &&
      typeof body.start_node_id === 'string' &&
      typeof body.is_published === 'boolean' &&
      ['streaming', 'blocking'].includes(String(body.response_mode));
    if (!valid) return difyError(c, 400, 'invalid_param', 'The pipeline run request is not valid.');
    const nodes = pipelineOf(c, dataset, body.is_published === true, [
      'pipeline-run-without-pipeline-500',
      () => difyError(c, 500, 'pipeline_run_error', 'Pipeline execution failed: Pipeline not found'),
    ]);
    if (nodes instanceof Response) return nodes;
    if (!nodes.some((n) => n.node_id === body.start_node_id)) {
      return difyError(c, 500, 'pipeline_run_error', 'Pipeline execution failed: start node not found');
    }
    if (body.datasource_type === 'local_file') {
      const missing = list.find((item) => !store.pipelineFiles.has(String(item?.reference ?? item?.related_id)));
      if (missing) return difyError(c, 500, 'pipeline_run_error', 'Pipeline execution failed: file not found');
    }
    const runId = randomUUID();
    const started = seconds();
    // Nothing reads a run back, so none is kept (nor the documents a real run would add).
    const run = { id: runId, status: 'succeeded', outputs: {}, created_at: started, finished_at: seconds() };
    if (body.response_mode === 'blocking') return c.json({ task_id: randomUUID(), workflow_run_id: runId, data: run });
    const node = { node_id: body.start_node_id, node_type: 'datasource', inputs: {}, outputs: {} };
    return eventStream(c, [
      { event: 'workflow_started', workflow_run_id: runId, data: { id: runId, created_at: started } },
      { event: 'node_started', workflow_run_id: runId, data: { ...node, status: 'running' } },
      { event: 'node_finished', workflow_run_id: runId, data: { ...node, status: 'succeeded' } },
      {
        event: 'workflow_finished',
        workflow_run_id: runId,
        data: { ...run, total_tokens: 0, elapsed_time: 0.1 },
      },
    ]);
  });
}
