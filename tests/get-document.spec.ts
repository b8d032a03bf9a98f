// Get Document (getDocumentDetail): the response shape of every `metadata` mode, table-driven
// from tests/checks.yaml, plus doc_metadata entries and the invalid-mode error.
import {
  documentedFields,
  expectDifyError,
  expectJson,
  expectObject,
  expectSchema,
  expectStatus,
} from '../src/assertions';
import type { CheckDef, FieldRule } from '../src/catalog';
import { type CheckArgs, check, checksWhere, skipCheck, test } from '../src/fixtures';
import { claim, claimShould, show } from '../src/violation';

const OPERATION = 'getDocumentDetail';

function modeChecks(claimName: string): CheckDef[] {
  return checksWhere(
    (def) => def.operation === OPERATION && def.id.endsWith(`/${claimName}`) && /\/metadata-/.test(def.id),
  );
}

function getDocument({ api, settings }: CheckArgs, metadata: string | null | undefined) {
  const { datasetId, documentId } = settings.ids;
  return api.call(OPERATION, { dataset_id: datasetId, document_id: documentId }, { query: { metadata } });
}

/** A successful Get Document's body; its Content-Type is the response-schema checks' claim. */
async function documentBody(args: CheckArgs) {
  const response = await getDocument(args, args.def.case?.metadata);
  expectStatus(response, 200);
  const body = expectObject(response.json(), response);
  args.testInfo.annotations.push({ type: 'fields-seen', description: Object.keys(body).join(',') });
  return { response, body };
}

function expectedFields(rule: FieldRule, documented: string[]): string[] {
  if (rule === 'all') return documented;
  if ('exactly' in rule) return rule.exactly;
  return documented.filter((field) => !rule.allExcept.includes(field));
}

for (const def of modeChecks('response-schema')) {
  test(
    ...check(def.id, async (args) => {
      const response = await getDocument(args, def.case?.metadata);
      expectStatus(response, 200);
      const body = expectJson(response);
      expectSchema(args.validators, args.validators.responseSchema(OPERATION, 200), body, response);
    }),
  );
}

for (const def of modeChecks('exact-fields')) {
  test(
    ...check(def.id, async (args) => {
      const { response, body } = await documentBody(args);
      const documented = documentedFields(args.validators.responseSchema(OPERATION, 200));
      const rule = def.case?.fields ?? 'all';
      const expected = expectedFields(rule, documented);
      const present = Object.keys(body);
      const missing = expected.filter((field) => !present.includes(field));
      // Undocumented extras belong to the drift check, except where the contract lists the fields exactly.
      const unexpected = present.filter(
        (field) => !expected.includes(field) && (documented.includes(field) || (rule !== 'all' && 'exactly' in rule)),
      );
      claim(missing.length === 0 && unexpected.length === 0, () => ({
        expected:
          rule === 'all'
            ? `every documented field (${documented.length})`
            : `exactly the documented fields ${expected.join(', ')}`,
        actual: [
          missing.length > 0 ? `missing ${missing.join(', ')}` : '',
          ...unexpected.map((field) => `unexpected /${field} = ${show(body[field])}`),
        ]
          .filter(Boolean)
          .join('; '),
        pointer: `/${missing[0] ?? unexpected[0]}`,
        request: response.summary,
      }));
    }),
  );
}

for (const def of modeChecks('id')) {
  test(
    ...check(def.id, async (args) => {
      const { response, body } = await documentBody(args);
      claim(body.id === args.settings.ids.documentId, () => ({
        expected: `id ${show(args.settings.ids.documentId)}, the requested document`,
        actual: `id ${show(body.id)}`,
        pointer: '/id',
        request: response.summary,
      }));
    }),
  );
}

for (const def of modeChecks('undocumented-fields')) {
  test(
    ...check(def.id, async (args) => {
      const { response, body } = await documentBody(args);
      const documented = documentedFields(args.validators.responseSchema(OPERATION, 200));
      const extra = Object.keys(body).filter((field) => !documented.includes(field));
      claimShould(extra.length === 0, () => ({
        expected: 'only fields the spec documents',
        actual: `undocumented ${extra.map((field) => `/${field} = ${show(body[field])}`).join('; ')} (spec drift)`,
        pointer: `/${extra[0]}`,
        request: response.summary,
      }));
    }),
  );
}

test(
  ...check('getDocumentDetail/doc-metadata/items', async (args) => {
    const { response, body } = await documentBody(args);
    const entries = body.doc_metadata;
    claim(Array.isArray(entries), () => ({
      expected: 'doc_metadata, an array',
      actual: show(entries),
      pointer: '/doc_metadata',
      request: response.summary,
    }));
    if (entries.length === 0) {
      skipCheck('the document has no doc_metadata entries to check: set DIFY_DOCUMENT_ID to a document with metadata');
    }
    const schema = args.validators.responseSchema(OPERATION, 200) as {
      properties?: Record<string, { items?: object }>;
    };
    const itemSchema = schema?.properties?.doc_metadata?.items;
    claim(itemSchema !== undefined, () => ({
      expected: 'a documented schema for doc_metadata entries',
      actual: 'the spec documents none, so the entries cannot be checked',
      request: response.summary,
    }));
    for (const [index, entry] of entries.entries()) {
      const result = args.validators.validate(itemSchema, entry);
      claim(result.ok, () => ({
        expected: 'an object with id, name, type and value, as documented',
        actual: result.ok ? '' : result.problems.map((p) => p.message).join('; '),
        pointer: `/doc_metadata/${index}${result.ok ? '' : (result.problems[0]?.pointer ?? '')}`,
        request: response.summary,
      }));
    }
  }),
);

for (const def of checksWhere((d) => d.id.startsWith(`${OPERATION}/metadata-invalid/`))) {
  test(
    ...check(def.id, async (args) => {
      const response = await getDocument(args, def.case?.metadata);
      expectDifyError(args.validators, OPERATION, response, def.case?.status ?? 400, def.case?.code);
    }),
  );
}
