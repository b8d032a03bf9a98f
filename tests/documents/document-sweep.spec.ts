// The sweep (CONFORMANCE_SWEEP): rows in document-sweep.checks.yaml. src/sweep.ts lists the
// documents and tallies the failures; these templates judge one document each.
import type { OpenAPIV3 } from 'openapi-types';
import { expectJson, expectSchema, expectStatus, isObject } from '../../src/assertions';
import { type CheckArgs, checksOf, type Template } from '../../src/checks';
import { test } from '../../src/fixtures';
import { LIST_SCHEMA, sweepDocuments } from '../../src/sweep';
import { caseOf } from '../../src/templates/common';
import { documentedAnswer } from '../../src/templates/response';
import { claim, show } from '../../src/violation';

/** The row's dependency of its own operation: the check of one answer that the sweep repeats. */
function singleCheck(args: CheckArgs): string {
  const id = args.def.dependsOn.find((dep) => args.catalog.checks.get(dep)?.operation === args.def.operation);
  if (!id) throw new Error(`${args.def.id} depends on no check of ${args.def.operation} that judges one answer`);
  return id;
}

const templates: Record<string, Template> = {
  'sweep-get-document': async (args) => {
    const { query = {} } = caseOf<{ query: Record<string, string> }>(args);
    const operation = args.def.operation;
    const schema = args.validators.responseSchema(operation, 200);
    await sweepDocuments(args, {
      expected: `HTTP 200 with a body valid against the documented schema for every document (metadata=${query.metadata})`,
      // The document the single check reads, when one is known: without one (discovery found no
      // uploaded file), the sweep judges on its own.
      precondition: async () => {
        if (args.settings.ids.documentId)
          await args.given(singleCheck(args), () => documentedAnswer(args, operation, { query }));
      },
      judge: async ({ item, request }, api) => {
        const id = await args.given(LIST_SCHEMA, async () => {
          claim(isObject(item) && typeof item.id === 'string', () => ({
            expected: 'each listed document with its id, a string',
            actual: `an item ${show(item)}`,
            request,
          }));
          return item.id as string;
        });
        const response = await api.call(
          operation,
          { dataset_id: args.settings.ids.datasetId, document_id: id },
          { query },
        );
        expectStatus(response, 200);
        expectSchema(args.validators, schema, expectJson(response), response);
      },
    });
  },
  'sweep-list-items': async (args) => {
    const list = args.validators.responseSchema(args.def.operation, 200) as OpenAPIV3.SchemaObject | undefined;
    const itemSchema = (list?.properties?.data as OpenAPIV3.ArraySchemaObject | undefined)?.items;
    if (!itemSchema) throw new Error(`${args.def.id}: List Documents documents no item schema`);
    const expected = 'every item valid against the documented item schema';
    await sweepDocuments(args, {
      expected,
      // The first page as the schema check reads it: items broken there are that check's finding.
      precondition: () => args.given(singleCheck(args), () => documentedAnswer(args, args.def.operation)),
      judge: async ({ item, request }) => {
        const result = args.validators.validate(itemSchema, item);
        claim(result.ok, () => ({
          expected,
          actual: result.ok ? '' : result.problems.map((problem) => problem.message).join('\n          '),
          request,
        }));
      },
    });
  },
};

for (const check of checksOf(__filename, templates)) test(...check);
