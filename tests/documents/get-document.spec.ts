// Get Document (getDocumentDetail): rows in get-document.checks.yaml. The metadata modes use the
// generic response templates with a query; doc_metadata entries need a template of their own.
import { checksOf, type Template } from '../../src/checks';
import { test } from '../../src/fixtures';
import { documentedAnswer } from '../../src/templates/response';
import { claim, show, skipCheck } from '../../src/violation';

const ONLY = { query: { metadata: 'only' } };

const templates: Record<string, Template> = {
  'doc-metadata-items': async (args) => {
    const { response, body } = await args.given('getDocumentDetail/metadata-only/response-schema', () =>
      documentedAnswer(args, 'getDocumentDetail', ONLY),
    );
    const entries = await args.given('getDocumentDetail/metadata-only/exact-fields', async () => {
      const list = body.doc_metadata;
      claim(Array.isArray(list), () => ({
        expected: 'doc_metadata, a list',
        actual: show(list),
        pointer: '/doc_metadata',
        request: response.summary,
      }));
      return list as { id?: unknown; name?: unknown }[];
    });
    if (entries.length === 0) {
      skipCheck('the document has no doc_metadata entries to check: set DIFY_DOCUMENT_ID to a document with metadata');
    }
    // The schema says what one entry holds; that each field appears once is a claim about the list.
    // Dify gives every built-in field the id `built-in`: those are told apart by name.
    const fieldOf = (entry: { id?: unknown; name?: unknown }) =>
      entry.id === 'built-in' ? `built-in ${entry.name}` : entry.id;
    const seen = new Map<unknown, number>();
    for (const [index, entry] of entries.entries()) {
      const first = seen.get(fieldOf(entry));
      claim(first === undefined, () => ({
        expected: 'one entry per metadata field',
        actual: `/doc_metadata/${index} repeats the field ${show(entry.id)} (${show(entry.name)}) of /doc_metadata/${first}`,
        pointer: `/doc_metadata/${index}/id`,
        request: response.summary,
      }));
      seen.set(fieldOf(entry), index);
    }
  },
};

for (const check of checksOf(__filename, templates)) test(...check);
