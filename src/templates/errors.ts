// Templates for documented errors: unknown ids, ids that are not UUIDs, API access off, another
// workspace's resources, a documented error a request provokes, and error bodies that leak nothing.
import { randomUUID } from 'node:crypto';
import { expectDifyError, expectStatus } from '../assertions';
import type { CheckArgs, Template } from '../checks';
import { documentedCodes, pathParameters, resourceParameters } from '../contract';
import type { HttpResponse } from '../http';
import { unknownValue } from '../params';
import { claim, show, skipCheck } from '../violation';
import { callOperation, caseOf, operationOf } from './common';

function expectDocumentedError(args: CheckArgs, response: HttpResponse, status: number, code?: string) {
  const operation = operationOf(args);
  return expectDifyError(
    args.validators,
    operation.operationId,
    response,
    status,
    code ?? documentedCodes(operation, status),
  );
}

function parameterOf(args: CheckArgs, name: string) {
  const parameter = pathParameters(operationOf(args)).find((p) => p.name === name);
  if (!parameter) throw new Error(`${args.def.id}: ${args.def.operation} has no path parameter ${name}`);
  return parameter;
}

const unknownId: Template = async (args) => {
  const { param = '' } = caseOf<{ param: string }>(args);
  const response = await callOperation(args, { path: { [param]: unknownValue(parameterOf(args, param)) } });
  expectDocumentedError(args, response, 404);
};

// Dify routes only UUIDs: the answer may be the web framework's HTML page, so no error schema here.
const nonUuidId: Template = async (args) => {
  const { param = '' } = caseOf<{ param: string }>(args);
  const response = await callOperation(args, { path: { [param]: 'not-a-uuid' } });
  args.testInfo.annotations.push({
    type: 'info',
    description: `answered ${response.status} ${show(response.headers['content-type'] ?? 'without Content-Type')}`,
  });
  expectStatus(response, 404);
};

const apiDisabledDataset: Template = async (args) => {
  const disabled = args.settings.ids.apiDisabledDatasetId;
  if (!disabled) skipCheck('DIFY_API_DISABLED_DATASET_ID is not set');
  const response = await callOperation(args, { path: { dataset_id: disabled, document_id: randomUUID() } });
  expectDocumentedError(args, response, 403);
};

/** The error a request provokes: a query the contract refuses, or a document it cannot serve. */
const errorResponse: Template = async (args) => {
  const {
    query,
    status = 400,
    code,
    target = 'document',
  } = caseOf<{
    query: Record<string, string | null>;
    status: number;
    code: string;
    target: 'document' | 'non-file-document';
  }>(args);
  const path: Record<string, string> = {};
  if (target === 'non-file-document') {
    const id = args.settings.ids.nonFileDocumentId;
    if (!id)
      skipCheck('DIFY_NON_FILE_DOCUMENT_ID is not set (a document without an uploaded file, e.g. a Notion import)');
    path.document_id = id;
  }
  const response = await callOperation(args, { path, query, real: true });
  expectDocumentedError(args, response, status, code);
};

const foreignDocument: Template = async (args) => {
  const { foreignDatasetId, foreignDocumentId } = args.settings.ids;
  if (!foreignDatasetId || !foreignDocumentId)
    skipCheck('DIFY_FOREIGN_DATASET_ID and DIFY_FOREIGN_DOCUMENT_ID are not set');
  const response = await callOperation(args, {
    path: { dataset_id: foreignDatasetId, document_id: foreignDocumentId },
  });
  claim(response.status === 403 || response.status === 404, () => ({
    expected: "403 or 404: another workspace's document is not visible",
    actual: `HTTP ${response.status} with ${show(response.text(), 200)}`,
    request: response.summary,
  }));
  args.testInfo.annotations.push({ type: 'info', description: `refused with ${response.status}` });
  expectDifyError(args.validators, args.def.operation, response, response.status, undefined);
  claim(!response.text().includes(foreignDocumentId), () => ({
    expected: "an error body without the foreign document's data",
    actual: `the body names the foreign document: ${show(response.text(), 200)}`,
    request: response.summary,
  }));
};

/** Signs of internals in an error body: resource fields, stack traces, SQL. */
const LEAKS: [string, RegExp][] = [
  ['a document field', /"(?:data_source_info|doc_metadata|dataset_process_rule|indexing_status|word_count)"/],
  ['a Python traceback', /Traceback \(most recent call last\)|File "[^"]+", line \d+/],
  ['a JavaScript stack trace', /\n\s+at \S+ \(\S+:\d+:\d+\)/],
  ['SQL', /\b(?:SELECT\s.+\sFROM|INSERT\s+INTO|UPDATE\s.+\sSET|sqlalchemy|psycopg2?)\b/i],
];

/** Provokes the operation's errors (each path value unknown in turn, then no key) and reads their bodies. */
const noLeaks: Template = async (args) => {
  // An action or a model type takes its documented value: only ids can name something unknown.
  const calls = resourceParameters(operationOf(args)).map((p) => ({ path: { [p.name]: unknownValue(p) } }));
  for (const call of [...calls, { authorization: null }]) {
    const response = await callOperation(args, call);
    // A success here is the other checks' finding (auth, unknown ids); this one reads error bodies.
    if (response.status < 400) continue;
    const leaks = LEAKS.filter(([, pattern]) => pattern.test(response.text())).map(([what]) => what);
    claim(leaks.length === 0, () => ({
      expected: 'an error body without internals',
      actual: `${leaks.join(', ')} in ${show(response.text(), 300)}`,
      request: response.summary,
    }));
  }
};

export const ERROR_TEMPLATES: Record<string, Template> = {
  'unknown-id': unknownId,
  'non-uuid-id': nonUuidId,
  'api-disabled-dataset': apiDisabledDataset,
  'error-response': errorResponse,
  'foreign-document': foreignDocument,
  'no-leaks': noLeaks,
};
