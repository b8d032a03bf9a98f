// Templates for authentication: bad credentials answer 401 with Dify's error body, and the key is
// checked before any knowledge base is looked up.

import { randomUUID } from 'node:crypto';
import { expectDifyError } from '../assertions';
import type { Template } from '../checks';
import { documentedCodes } from '../contract';
import { callOperation, caseOf, operationOf, requireWritesFor } from './common';

/**
 * Reads name the real resources; a write names an unknown one beside the real knowledge base, so
 * that a server which ignored the credentials would still change nothing.
 */
const auth: Template = async (args) => {
  requireWritesFor(args);
  const operation = operationOf(args);
  const write = operation.method !== 'GET';
  const path: Record<string, string> = write ? { document_id: randomUUID(), segment_id: randomUUID() } : {};
  const { authorization = null } = caseOf<{ authorization: string | null }>(args);
  const response = await callOperation(args, { path, authorization });
  expectDifyError(args.validators, operation.operationId, response, 401, documentedCodes(operation, 401)[0]);
};

/** Without a key, an unknown and an API-disabled knowledge base must look the same: 401. */
const beforeLookup: Template = async (args) => {
  requireWritesFor(args);
  const operation = operationOf(args);
  const datasets: string[] = [randomUUID()];
  if (args.settings.ids.apiDisabledDatasetId) datasets.push(args.settings.ids.apiDisabledDatasetId);
  for (const dataset_id of datasets) {
    const response = await callOperation(args, {
      path: { dataset_id, document_id: randomUUID() },
      authorization: null,
    });
    expectDifyError(args.validators, operation.operationId, response, 401, documentedCodes(operation, 401)[0]);
  }
};

export const AUTH_TEMPLATES: Record<string, Template> = { auth, 'auth-before-lookup': beforeLookup };
