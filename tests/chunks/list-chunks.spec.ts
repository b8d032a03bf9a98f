// List Chunks (listSegments): rows in list-chunks.checks.yaml. The contract gives page and limit a
// minimum of 1 but no answer for a value below it: refusing one is the claim of a SHOULD check.
import { expectDifyError } from '../../src/assertions';
import { checksOf, type Template } from '../../src/checks';
import { test } from '../../src/fixtures';
import { callOperation, caseOf } from '../../src/templates/common';
import { claimShould, show } from '../../src/violation';

const templates: Record<string, Template> = {
  'below-minimum': async (args) => {
    const { query = {} } = caseOf<{ query: Record<string, string> }>(args);
    const response = await callOperation(args, { query, real: true });
    const code = response.status === 400 ? (response.json() as { code?: unknown } | undefined)?.code : undefined;
    claimShould(code === 'invalid_param', () => ({
      expected: `HTTP 400 invalid_param for ${new URLSearchParams(query)}, below the minimum of 1`,
      actual: `HTTP ${response.status} with ${show(response.text(), 200)}`,
      request: response.summary,
    }));
    expectDifyError(args.validators, args.def.operation, response, 400, 'invalid_param');
  },
};

for (const check of checksOf(__filename, templates)) test(...check);
