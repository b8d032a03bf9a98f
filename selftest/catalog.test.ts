// The catalog: families expand over whatever operations a spec has, rows replace generated checks,
// and a broken catalog is one clear error.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import YAML from 'yaml';
import { CatalogError, loadCatalog } from '../src/catalog';
import { DEFAULT_SPEC, PROJECT_ROOT } from '../src/paths';

/** A copy of our spec beside the original (so its relative $refs resolve) with `change` applied. */
function specWith(change: (doc: { paths: Record<string, unknown> }) => void): string {
  const doc = YAML.parse(readFileSync(DEFAULT_SPEC, 'utf8'));
  change(doc);
  const file = path.join(
    path.dirname(DEFAULT_SPEC),
    `.catalog-test-${process.pid}-${Math.random().toString(36).slice(2)}.yaml`,
  );
  writeFileSync(file, YAML.stringify(doc));
  return file;
}

test('a new operation in the spec gets its family checks, with no new rows', () => {
  // A second List Knowledge Bases at a path of its own: no path parameter, a 200 list answer.
  const file = specWith((doc) => {
    doc.paths['/v2/datasets'] = {
      get: {
        summary: 'List Knowledge Bases Again',
        operationId: 'listDatasetsAgain',
        responses: {
          200: {
            description: 'List of knowledge bases.',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: {
                    data: { type: 'array', items: { $ref: '#/components/schemas/Dataset' } },
                    has_more: { type: 'boolean' },
                    limit: { type: 'integer' },
                    total: { type: 'integer' },
                    page: { type: 'integer' },
                  },
                },
              },
            },
          },
          401: { $ref: '#/components/responses/Unauthorized' },
        },
      },
    };
  });
  try {
    const ids = [...loadCatalog(file).checks.keys()].filter((id) => id.startsWith('listDatasetsAgain/')).sort();
    expect(ids).toEqual([
      'listDatasetsAgain/auth/basic-scheme',
      'listDatasetsAgain/auth/empty-bearer',
      'listDatasetsAgain/auth/missing-header',
      'listDatasetsAgain/auth/unknown-key',
      'listDatasetsAgain/response/fields',
      'listDatasetsAgain/response/schema',
      'listDatasetsAgain/response/timestamps',
      'listDatasetsAgain/response/undocumented-fields',
    ]);
    const schema = loadCatalog(file).checks.get('listDatasets/response/schema');
    expect(schema).toMatchObject({
      claim: 'List Knowledge Bases answers 200 with a JSON body valid against the documented schema',
      cite: { at: 'responses/200/content/application~1json/schema' },
      tags: ['list-knowledge-bases', 'response'],
      specFile: path.join(PROJECT_ROOT, 'tests', 'families', 'response.spec.ts'),
    });
  } finally {
    rmSync(file);
  }
});

test('a row replaces the generated check of its operation, and dependencies on it follow', () => {
  const { checks, replacedBy } = loadCatalog(DEFAULT_SPEC);
  expect(checks.has('getDocumentDetail/response/schema')).toBe(false);
  expect(replacedBy.get('getDocumentDetail/response/schema')).toBe(
    'getDocumentDetail/metadata-default/response-schema',
  );
  expect(checks.get('downloadDocument/signed-url/file-size')?.dependsOn).toContain(
    'getDocumentDetail/metadata-default/response-schema',
  );
});

test('unknown ids in the generated error family use the resource the parameter names', () => {
  const { checks } = loadCatalog(DEFAULT_SPEC);
  expect(checks.get('getDocumentIndexingStatus/errors/unknown-batch')?.case).toEqual({ param: 'batch' });
  expect(checks.get('getDocumentDetail/errors/non-uuid-id')?.case).toEqual({ param: 'document_id' });
  expect(checks.get('getDocumentDetail/auth/missing-header')?.cite).toEqual({
    at: 'responses/401/description',
    quote: '`unauthorized`',
  });
});

test('a spec without the operation a row names is one clear error', () => {
  const file = specWith((doc) => {
    delete doc.paths['/datasets/{dataset_id}/documents/{document_id}/download'];
  });
  try {
    expect(() => loadCatalog(file)).toThrow(/names the operation downloadDocument, which .* does not have/);
  } finally {
    rmSync(file);
  }
});

/** A tests directory with our families and one rows file of the given text. */
function testsWith(rows: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'catalog-'));
  mkdirSync(path.join(dir, 'families'));
  copyFileSync(
    path.join(PROJECT_ROOT, 'tests', 'families', 'families.yaml'),
    path.join(dir, 'families', 'families.yaml'),
  );
  writeFileSync(path.join(dir, 'x.checks.yaml'), rows);
  return dir;
}

const ROW =
  'id: getDocumentDetail/extra/claim\n  level: MUST\n  claim: a claim of ten characters\n  cite: { at: description }\n  tags: [x]';

const broken: [string, string, RegExp][] = [
  ['an unknown template', `- ${ROW}\n  template: nope\n`, /x\.checks\.yaml: .*template/],
  [
    'a case of the wrong shape',
    `- ${ROW}\n  template: auth\n  case: { status: 401 }\n`,
    /x\.checks\.yaml: .*authorization/,
  ],
  [
    'a dependency that is no check',
    `- ${ROW}\n  template: no-leaks\n  depends_on: [getDocumentDetail/no/such]\n`,
    /depends on getDocumentDetail\/no\/such, which is not a check/,
  ],
  [
    'a replacement of nothing',
    `- ${ROW}\n  template: no-leaks\n  replaces: response/nothing\n`,
    /replaces getDocumentDetail\/response\/nothing, which no family generates/,
  ],
  [
    'a cycle',
    `- ${ROW}\n  template: no-leaks\n  depends_on: [getDocumentDetail/extra/other]\n- ${ROW.replace('extra/claim', 'extra/other')}\n  template: no-leaks\n  depends_on: [getDocumentDetail/extra/claim]\n`,
    /the dependencies form a cycle: getDocumentDetail\/extra\/claim → getDocumentDetail\/extra\/other → getDocumentDetail\/extra\/claim/,
  ],
];

for (const [what, rows, message] of broken) {
  test(`a catalog with ${what} is one CatalogError naming it`, () => {
    const error = (() => {
      try {
        loadCatalog(DEFAULT_SPEC, testsWith(rows));
      } catch (caught) {
        return caught as Error;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(CatalogError);
    expect(error?.message).toMatch(message);
    expect(error?.message).not.toContain('\n');
  });
}
