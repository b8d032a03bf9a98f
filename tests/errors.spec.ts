// The error contract of both document operations: 401 before anything else, 403/404 with Dify's
// error body, nothing leaked. Rows come from tests/checks.yaml; each names the document it asks for.
import { randomUUID } from 'node:crypto';
import { expectDifyError, expectStatus } from '../src/assertions';
import type { CheckDef, CaseTarget as Target } from '../src/catalog';
import { type CheckArgs, check, checksWhere, skipCheck, test } from '../src/fixtures';
import type { HttpResponse } from '../src/http';
import { claim, show } from '../src/violation';

/** The path parameters a row's target names, or skips the check when its setting is absent. */
function pathFor({ settings }: CheckArgs, target: Target): Record<string, string> {
  const { ids } = settings;
  switch (target) {
    case 'document':
      return { dataset_id: ids.datasetId, document_id: ids.documentId };
    case 'unknown-document':
      return { dataset_id: ids.datasetId, document_id: randomUUID() };
    case 'unknown-dataset':
      return { dataset_id: randomUUID(), document_id: ids.documentId };
    case 'non-uuid-id':
      return { dataset_id: ids.datasetId, document_id: 'not-a-uuid' };
    case 'api-disabled-dataset':
      if (!ids.apiDisabledDatasetId) skipCheck('DIFY_API_DISABLED_DATASET_ID is not set');
      return { dataset_id: ids.apiDisabledDatasetId, document_id: randomUUID() };
    case 'foreign-document':
      if (!ids.foreignDatasetId || !ids.foreignDocumentId) {
        skipCheck('DIFY_FOREIGN_DATASET_ID and DIFY_FOREIGN_DOCUMENT_ID are not set');
      }
      return { dataset_id: ids.foreignDatasetId, document_id: ids.foreignDocumentId };
    case 'non-file-document':
      if (!ids.nonFileDocumentId) {
        skipCheck('DIFY_NON_FILE_DOCUMENT_ID is not set (a document without an uploaded file, e.g. a Notion import)');
      }
      return { dataset_id: ids.datasetId, document_id: ids.nonFileDocumentId };
  }
}

function rows(group: string, predicate: (def: CheckDef) => boolean = () => true): CheckDef[] {
  return checksWhere((def) => def.id.split('/')[1] === group && predicate(def));
}

// 401 for every malformed or unknown credential.
for (const def of rows('auth', (d) => d.case?.target !== undefined)) {
  test(
    ...check(def.id, async (args) => {
      const { authorization = null, status = 401, code, target = 'document' } = def.case ?? {};
      const response = await args.api.call(def.operation, pathFor(args, target), { authorization });
      expectDifyError(args.validators, def.operation, response, status, code);
    }),
  );
}

// The key is checked before any lookup, or a caller without one could probe which ids exist.
for (const def of rows('auth', (d) => d.id.endsWith('/before-lookup'))) {
  test(
    ...check(def.id, async (args) => {
      const { status = 401, code } = def.case ?? {};
      const targets: Target[] = ['unknown-dataset'];
      if (args.settings.ids.apiDisabledDatasetId) targets.push('api-disabled-dataset');
      for (const target of targets) {
        const response = await args.api.call(def.operation, pathFor(args, target), { authorization: null });
        expectDifyError(args.validators, def.operation, response, status, code);
      }
    }),
  );
}

// 403 and 404 with Dify's error body.
for (const def of rows('errors', (d) => d.case?.code !== undefined && d.case?.target !== undefined)) {
  test(
    ...check(def.id, async (args) => {
      const { status = 404, code, target = 'document' } = def.case ?? {};
      const response = await args.api.call(def.operation, pathFor(args, target));
      expectDifyError(args.validators, def.operation, response, status, code);
    }),
  );
}

// Dify routes only UUIDs: the answer may be the web framework's HTML page, so no error schema here.
for (const def of rows('errors', (d) => d.case?.target === 'non-uuid-id')) {
  test(
    ...check(def.id, async (args) => {
      const response = await args.api.call(def.operation, pathFor(args, 'non-uuid-id'));
      args.testInfo.annotations.push({
        type: 'info',
        description: `answered ${response.status} ${show(response.headers['content-type'] ?? 'without Content-Type')}`,
      });
      expectStatus(response, def.case?.status ?? 404);
    }),
  );
}

for (const def of rows('errors', (d) => d.case?.target === 'foreign-document')) {
  test(
    ...check(def.id, async (args) => {
      const params = pathFor(args, 'foreign-document');
      const response = await args.api.call(def.operation, params);
      claim(response.status === 403 || response.status === 404, () => ({
        expected: "403 or 404: another workspace's document is not visible",
        actual: `HTTP ${response.status} with ${show(response.text(), 200)}`,
        request: response.summary,
      }));
      args.testInfo.annotations.push({ type: 'info', description: `refused with ${response.status}` });
      expectDifyError(args.validators, def.operation, response, response.status, undefined);
      const foreignId = params.document_id ?? '';
      claim(!response.text().includes(foreignId), () => ({
        expected: "an error body without the foreign document's data",
        actual: `the body names the foreign document: ${show(response.text(), 200)}`,
        request: response.summary,
      }));
    }),
  );
}

/** Signs of internals in an error body: document fields, stack traces, SQL. */
const LEAKS: [string, RegExp][] = [
  ['a document field', /"(?:data_source_info|doc_metadata|dataset_process_rule|indexing_status|word_count)"/],
  ['a Python traceback', /Traceback \(most recent call last\)|File "[^"]+", line \d+/],
  ['a JavaScript stack trace', /\n\s+at \S+ \(\S+:\d+:\d+\)/],
  ['SQL', /\b(?:SELECT\s.+\sFROM|INSERT\s+INTO|UPDATE\s.+\sSET|sqlalchemy|psycopg2?)\b/i],
];

function leaksIn(response: HttpResponse): string[] {
  const text = response.text();
  return LEAKS.filter(([, pattern]) => pattern.test(text)).map(([what]) => what);
}

for (const def of rows('errors', (d) => d.id.endsWith('/no-leaks'))) {
  test(
    ...check(def.id, async (args) => {
      const requests: [Target, string | null | undefined][] = [
        ['unknown-document', undefined],
        ['unknown-dataset', undefined],
        ['document', null],
      ];
      for (const [target, authorization] of requests) {
        const query = def.operation === 'getDocumentDetail' && target === 'document' ? { metadata: 'bogus' } : {};
        const response = await args.api.call(def.operation, pathFor(args, target), { authorization, query });
        const leaks = leaksIn(response);
        claim(leaks.length === 0, () => ({
          expected: 'an error body without internals',
          actual: `${leaks.join(', ')} in ${show(response.text(), 300)}`,
          request: response.summary,
        }));
      }
    }),
  );
}
