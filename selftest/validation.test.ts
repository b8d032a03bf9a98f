// Validation: OpenAPI 3.0 keywords, compile-once caching, and errors as plain sentences.
import { expect, test } from '@playwright/test';
import { DEFAULT_SPEC } from '../src/paths';
import { loadSpec } from '../src/spec';
import { Validators } from '../src/validation';

async function validators() {
  return new Validators(await loadSpec(DEFAULT_SPEC));
}

const document = (fields: Record<string, unknown>) => ({ id: 'd', doc_metadata: [], ...fields });

test('both forms of data_source_info pass the Document schema', async () => {
  const v = await validators();
  const schema = v.responseSchema('getDocumentDetail', 200) as object;
  expect(v.validate(schema, document({ data_source_info: { upload_file_id: 'a1b2' } }))).toEqual({ ok: true });
  const upload = {
    id: 'f',
    name: 'a.pdf',
    size: 3,
    extension: 'pdf',
    mime_type: 'application/pdf',
    created_by: 'u',
    created_at: 1,
  };
  expect(v.validate(schema, document({ data_source_info: { upload_file: upload } }))).toEqual({ ok: true });
});

test('nullable fields accept null and reject other types, in plain words with the pointer', async () => {
  const v = await validators();
  const schema = v.responseSchema('getDocumentDetail', 200) as object;
  expect(v.validate(schema, document({ error: null, disabled_at: null }))).toEqual({ ok: true });
  const result = v.validate(
    schema,
    document({ disabled_at: 'yesterday', doc_metadata: [{ id: 'm', name: 'n', type: 't', value: 42 }] }),
  );
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.problems.map((p) => p.message)).toEqual([
    '/disabled_at: expected number or null, got string "yesterday".',
    '/doc_metadata/0/value: expected string, got number 42.',
  ]);
  expect(result.problems[0]?.pointer).toBe('/disabled_at');
});

test('a missing required property names it', async () => {
  const v = await validators();
  const result = v.validate(v.responseSchema('getDocumentDetail', 404) as object, { status: 404, message: 'x' });
  expect(result).toEqual({
    ok: false,
    problems: [{ pointer: '/code', message: '(the body): expected a property "code", got none.' }],
  });
});

test('OpenAPI annotations, x- extensions and uuid formats compile in strict mode', async () => {
  const v = await validators();
  const schema = {
    type: 'object',
    example: { id: 'x' },
    'x-internal': true,
    properties: { id: { type: 'string', format: 'uuid' } },
  };
  expect(v.validate(schema, { id: 'not-a-uuid' })).toEqual({
    ok: false,
    problems: [{ pointer: '/id', message: '/id: expected a string in format "uuid", got string "not-a-uuid".' }],
  });
});

test('a typo in a schema keyword is an error, not a silently ignored keyword', async () => {
  const v = await validators();
  expect(() => v.compile({ type: 'object', propertees: {} })).toThrow(/unknown keyword: "propertees"/);
});

test('each schema is compiled once and then reused', async () => {
  const v = await validators();
  const schema = v.responseSchema('getDocumentDetail', 200) as object;
  expect(v.compile(schema)).toBe(v.compile(schema));
});
