// Templates for authentication: bad credentials answer 401 with Dify's error body, and the key is
// checked before any knowledge base is looked up.

import { randomUUID } from 'node:crypto';
import { expectDifyError } from '../assertions';
import type { Template } from '../checks';
import { documentedCodes } from '../contract';
import { callOperation, caseOf, operationOf } from './common';

/** The path values are the target's own for a read; a write names only the knowledge base (see pathValues). */
const auth: Template = async (args) => {
  const operation = operationOf(args);
  const { authorization = null } = caseOf<{ authorization: string | null }>(args);
  const response = await callOperation(args, { authorization });
  expectDifyError(args.validators, operation.operationId, response, 401, documentedCodes(operation, 401));
};

/** Without a key, an unknown and an API-disabled knowledge base must look the same: 401. */
const beforeLookup: Template = async (args) => {
  const operation = operationOf(args);
  const datasets: string[] = [randomUUID()];
  if (args.settings.ids.apiDisabledDatasetId) datasets.push(args.settings.ids.apiDisabledDatasetId);
  for (const dataset_id of datasets) {
    const response = await callOperation(args, {
      path: { dataset_id, document_id: randomUUID() },
      authorization: null,
    });
    expectDifyError(args.validators, operation.operationId, response, 401, documentedCodes(operation, 401));
  }
};

export const AUTH_TEMPLATES: Record<string, Template> = { auth, 'auth-before-lookup': beforeLookup };
