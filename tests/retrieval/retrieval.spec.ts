// Retrieval of chunks the suite wrote: rows in retrieval.checks.yaml. Each check searches a document
// of its own for words only its chunks hold, so what else comes back is the server's doing.
import { expectDifyError, expectJson, expectObject, expectSchema, expectStatus } from '../../src/assertions';
import { type CheckArgs, checksOf, type Template } from '../../src/checks';
import { CREATE_CHUNKS, type CreatedChunk, createChunks, indexedDocument, uniqueWords } from '../../src/chunks';
import type { CreatedDocument } from '../../src/documents';
import { exists } from '../../src/existence';
import { test } from '../../src/fixtures';
import type { HttpResponse } from '../../src/http';
import { noteFieldsSeen } from '../../src/templates/response';
import { claim, show } from '../../src/violation';

const FINDS = 'retrieveSegments/finds-chunk';

interface RetrievalRecord {
  score?: unknown;
  segment?: { id?: unknown; document_id?: unknown };
}

interface Search {
  doc: CreatedDocument;
  /** The chunk holding every word of the query; another holds one of them only. */
  best: CreatedChunk;
  records: RetrievalRecord[];
  response: HttpResponse;
}

/**
 * How to search: an economy index answers keyword search only, as Dify's vector search needs the
 * embedding model an economy knowledge base has none of.
 */
function retrievalModel(args: CheckArgs) {
  const method = args.settings.scratchIndexing === 'economy' ? 'keyword_search' : 'semantic_search';
  return { search_method: method, reranking_enable: false, top_k: 10, score_threshold_enabled: false };
}

/**
 * Two new chunks, one holding all three words of the query and one a single word, and the search,
 * its answer held to the finds-chunk claim: 200, valid, the best chunk among the records with a numeric score.
 */
async function found(args: CheckArgs, purpose: string): Promise<Search> {
  const doc = await indexedDocument(args, purpose);
  const words = uniqueWords(3);
  const [best] = await args.given(CREATE_CHUNKS, () =>
    createChunks(args, doc, [
      { content: `Retrieval target: ${words.join(' ')}.`, keywords: words },
      { content: `Retrieval decoy: ${words[0]} only.`, keywords: words.slice(0, 1) },
    ]),
  );
  const target = best as CreatedChunk;
  // "conformance" is in other knowledge bases' chunks too: a search that is not kept to this one finds them.
  const json = { query: `${words.join(' ')} conformance`, retrieval_model: retrievalModel(args) };
  const response = await args.api.call('retrieveSegments', { dataset_id: doc.datasetId }, { json });
  expectStatus(response, 200);
  const body = expectObject(expectJson(response), response);
  expectSchema(args.validators, args.validators.responseSchema('retrieveSegments', 200), body, response);
  noteFieldsSeen(args, 'retrieveSegments', body);
  const records = (body.records ?? []) as RetrievalRecord[];
  const hit = records.find((record) => record.segment?.id === target.id);
  claim(typeof hit?.score === 'number', () => ({
    expected: `the chunk ${show(target.id)} holding every word of the query, with a numeric score`,
    actual: hit ? `it, scored ${show(hit.score)}` : `${records.length} record(s), chunks ${show(idsOf(records))}`,
    pointer: '/records',
    request: response.summary,
  }));
  return { doc, best: target, records, response };
}

const idsOf = (records: RetrievalRecord[]) => records.map((record) => record.segment?.id);

const templates: Record<string, Template> = {
  'retrieve-finds-chunk': async (args) => {
    await found(args, 'retrieve-find');
  },

  'retrieve-this-dataset': async (args) => {
    const { doc, records, response } = await args.given(FINDS, () => found(args, 'retrieve-own'));
    const others = [...new Set(records.map((record) => record.segment?.document_id))].filter((id) => id !== doc.id);
    for (const id of others) {
      const detail = await args.api.call('getDocumentDetail', { dataset_id: doc.datasetId, document_id: String(id) });
      const inIt = await exists(args, detail, 'getDocumentDetail/errors/unknown-document');
      claim(inIt, () => ({
        expected: `records of knowledge base ${show(doc.datasetId)} only`,
        actual: `a record of document ${show(id)}, which Get Document says is not in it (HTTP ${detail.status})`,
        pointer: '/records',
        request: response.summary,
      }));
    }
  },

  'retrieve-best-first': async (args) => {
    const { best, records, response } = await args.given(FINDS, () => found(args, 'retrieve-rank'));
    const scores = records.map((record) => Number(record.score));
    const rises = scores.findIndex((score, n) => n > 0 && score > (scores[n - 1] ?? score));
    claim(rises < 0, () => ({
      expected: 'records best first: scores that never rise down the list',
      actual: `scores ${show(scores)}`,
      pointer: `/records/${rises}/score`,
      request: response.summary,
    }));
    const top = Number(records.find((record) => record.segment?.id === best.id)?.score);
    const above = records.filter((record) => Number(record.score) > top);
    claim(above.length === 0, () => ({
      expected: `no record scored above the chunk ${show(best.id)} holding every word of the query (${top})`,
      actual: above.map((record) => `chunk ${show(record.segment?.id)} scored ${show(record.score)}`).join('; '),
      pointer: '/records',
      request: response.summary,
    }));
  },

  'retrieve-empty-query': async (args) => {
    const json = { query: '', retrieval_model: retrievalModel(args) };
    const response = await args.api.call('retrieveSegments', { dataset_id: await args.scratch.runDataset() }, { json });
    expectDifyError(args.validators, 'retrieveSegments', response, 400, 'invalid_param');
  },
};

for (const check of checksOf(__filename, templates)) test(...check);
