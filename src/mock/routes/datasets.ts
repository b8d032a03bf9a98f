// Get Knowledge Base: one knowledge base's settings, with its document counts taken from the store.
import type { Hono } from 'hono';
import { bearerAuth } from '../auth';
import type { Env, MockContext } from '../context';
import { MOCK_IDS } from '../data';
import type { Deviation } from '../deviations';
import { findDataset } from '../lookup';
import { DATASET_PATH } from './paths';

export const datasetDeviations = {
  'dataset-counts-as-strings': {
    description: 'Get Knowledge Base sends document_count as a string',
    fails: ['getDatasetDetail/response/schema'],
  },
  'dataset-without-description': {
    description: 'Get Knowledge Base answers without description',
    fails: ['getDatasetDetail/response/fields'],
  },
  'dataset-detail-other-id': {
    description: 'Get Knowledge Base answers with a different id from the one asked for',
    fails: ['getDatasetDetail/ids/echo'],
  },
} satisfies Record<string, Deviation>;

export function datasetRoutes(app: Hono<Env>, mock: MockContext): void {
  const { on, store } = mock;

  app.get(DATASET_PATH, bearerAuth(mock), (c) => {
    const dataset = findDataset(mock, c, c.get('tenantId'));
    if (dataset instanceof Response) return dataset;
    const docs = store.documentsOf(dataset.id).map((doc) => store.current(doc));
    const body: Record<string, unknown> = {
      ...dataset.fields,
      document_count: on('dataset-counts-as-strings') ? String(docs.length) : docs.length,
      word_count: docs.reduce((sum, doc) => sum + Number(doc.word_count), 0),
      total_documents: docs.length,
      total_available_documents: docs.filter((doc) => doc.enabled && doc.display_status === 'available').length,
    };
    if (on('dataset-without-description')) delete body.description;
    if (on('dataset-detail-other-id')) body.id = MOCK_IDS.foreignDatasetId;
    return c.json(body);
  });
}
