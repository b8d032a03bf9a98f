// The sweep (CONFORMANCE_SWEEP): every document of DIFY_DATASET_ID, or an even sample of them,
// listed a page at a time and judged one by one, a few in flight. Memory stays flat however large
// the knowledge base: one page is held, and of the documents only the first failures are kept.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { OpenAPIV3 } from 'openapi-types';
import { expectJson, expectObject, expectSchema, expectStatus, isObject } from './assertions';
import { budgetLeft, timeoutAtBudget } from './budget';
import type { CheckArgs } from './checks';
import { queryParameter } from './contract';
import { type ApiClient, type Exchange, TransportError } from './http';
import { ContractViolation, claim, show, skipCheck } from './violation';

/** How many failing documents a failure names, and keeps the exchanges of. */
const NAMED = 20;

/** The claims of List Documents the sweep's listing relies on. */
export const LIST_SCHEMA = 'listDocuments/response/schema';
const LIST_FIELDS = 'listDocuments/response/fields';
const LIST_WALK = 'listDocuments/pagination/walk';

/** A document as List Documents listed it. */
export interface Listed {
  item: unknown;
  /** Its place in the list, from 0. */
  index: number;
  /** The listing's request line, for messages. */
  request: string;
  /** The exchange of the page that listed it. */
  listing: Exchange[];
}

/** What a document's judgement found wrong, in one line, and the request that showed it. */
interface Failure {
  index: number;
  id: string;
  problem: string;
  request: string;
  evidence: Exchange[];
}

interface Page {
  number: number;
  total: number;
  items: unknown[];
  request: string;
  evidence: Exchange[];
}

/** A page as large as the contract lets List Documents serve: `limit`'s maximum, else its default. */
function pageLimit(args: CheckArgs): number {
  const schema = queryParameter(args.spec.operations.get('listDocuments'), 'limit')?.schema as
    | OpenAPIV3.SchemaObject
    | undefined;
  const limit = schema?.maximum ?? schema?.default;
  if (typeof limit !== 'number') throw new Error(`${args.def.id}: List Documents documents no limit to page by`);
  return limit;
}

/**
 * One page of List Documents. What the sweep relies on is the claim of the check that judges it:
 * the page's envelope (its items are the items check's to judge), a total, and, while the total
 * holds still, pages that add up to it.
 */
async function readPage(args: CheckArgs, number: number, limit: number, total?: number): Promise<Page> {
  const evidence: Exchange[] = [];
  const api = args.api.recordingInto(evidence);
  try {
    const query = { page: String(number), limit: String(limit) };
    const { answer, body, items } = await args.given(LIST_SCHEMA, async () => {
      const response = await api.call('listDocuments', { dataset_id: args.settings.ids.datasetId }, { query });
      expectStatus(response, 200);
      const json = expectObject(expectJson(response), response);
      const schema = args.validators.responseSchema('listDocuments', 200);
      expectSchema(args.validators, schema, { ...json, data: [] }, response);
      claim(Array.isArray(json.data), () => ({
        expected: 'a list in data',
        actual: `data ${show(json.data)}`,
        pointer: '/data',
        request: response.summary,
      }));
      return { answer: response, body: json, items: json.data as unknown[] };
    });
    const listed = await args.given(LIST_FIELDS, async () => {
      claim(typeof body.total === 'number', () => ({
        expected: 'total, the number of documents over all pages',
        actual: `total ${show(body.total)}`,
        pointer: '/total',
        request: answer.summary,
      }));
      return body.total as number;
    });
    // A total that moved (a write beside the sweep) shifts documents between pages: nothing to hold them to.
    if (total === undefined || listed === total) {
      const expected = Math.max(0, Math.min(limit, listed - (number - 1) * limit));
      await args.given(LIST_WALK, async () =>
        claim(items.length === expected, () => ({
          expected: `page ${number} of ${listed} documents with limit ${limit}: ${expected} documents`,
          actual: `${items.length} documents`,
          pointer: '/data',
          request: answer.summary,
        })),
      );
    }
    return { number, total: listed, items, request: answer.summary, evidence };
  } catch (error) {
    // The page is the finding: its exchange is the evidence.
    args.evidence.push(...evidence);
    throw error;
  }
}

/**
 * The documents to sweep, in list order: all of them, or CONFORMANCE_SWEEP of them spread evenly
 * over List Documents' total. A page is read when the first document on it is wanted.
 */
async function* listedDocuments(args: CheckArgs, first: Page, limit: number): AsyncGenerator<Listed> {
  const wanted = Math.min(args.settings.sweep, first.total);
  const stride = first.total / wanted;
  let page = first;
  for (let k = 0; k < wanted; k += 1) {
    const index = Math.floor(k * stride);
    const number = Math.floor(index / limit) + 1;
    if (number !== page.number) page = await readPage(args, number, limit, first.total);
    const item = page.items[index - (number - 1) * limit];
    // Past the end of a list that shrank while the sweep read it: there is nothing left to read.
    if (item === undefined) return;
    yield { item, index, request: page.request, listing: page.evidence };
  }
}

/** The first NAMED failures in list order, and how many there were. */
class Failures {
  count = 0;
  readonly named: Failure[] = [];

  add(failure: Failure): void {
    this.count += 1;
    if (this.named.length === NAMED && failure.index > (this.named.at(-1)?.index ?? 0)) return;
    this.named.push(failure);
    this.named.sort((a, b) => a.index - b.index);
    this.named.length = Math.min(this.named.length, NAMED);
  }
}

/** The first line of what a violation found, and its request. */
function found(error: unknown): { problem: string; request?: string } {
  if (error instanceof TransportError) return { problem: error.reason, request: error.request };
  if (error instanceof ContractViolation) {
    return { problem: error.details.actual.split('\n')[0] ?? '', request: error.details.request };
  }
  throw error;
}

/** How often the sweep collects garbage in full, in documents. */
const COLLECT_EVERY = 500;

/**
 * A full garbage collection on demand. Playwright's client leaves about 250 KB of garbage per
 * request, and V8 lets it pile up before collecting in full, so without this the worker's memory
 * would grow with the knowledge base, though what the sweep keeps does not.
 */
function fullCollection(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** Runs `work` over `source` with at most `size` in flight; the first error ends it once all have stopped. */
async function pool<T>(source: AsyncIterable<T>, size: number, work: (value: T) => Promise<void>): Promise<void> {
  const iterator = source[Symbol.asyncIterator]();
  let failed: { error: unknown } | undefined;
  const lane = async () => {
    while (!failed) {
      try {
        const next = await iterator.next();
        if (next.done) return;
        await work(next.value);
      } catch (error) {
        failed ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: size }, lane));
  if (failed) throw failed.error;
}

export interface Sweep {
  /** What every document's answer must be, for the failure's expected line. */
  expected: string;
  /** The claim of one answer that the sweep repeats over the documents, checked first: when it fails, the sweep is blocked by it. */
  precondition: () => Promise<unknown>;
  /**
   * Judges one document: sends its requests through `api` (their exchanges are evidence only if the
   * document fails) and throws a ContractViolation when it fails.
   */
  judge: (document: Listed, api: ApiClient) => Promise<void>;
}

/**
 * Judges every document the sweep reads. One failure names how many of how many documents fail,
 * the first NAMED with the first thing wrong with each, and keeps only their exchanges.
 */
export async function sweepDocuments(args: CheckArgs, { expected, precondition, judge }: Sweep): Promise<void> {
  if (args.settings.sweep === 0) {
    skipCheck(
      'the sweep is off: CONFORMANCE_SWEEP=all reads every document of DIFY_DATASET_ID, a number samples that many',
    );
  }
  takeTheBudget(args);
  await precondition();
  const started = performance.now();
  const limit = pageLimit(args);
  const first = await readPage(args, 1, limit);
  if (first.total === 0) skipCheck('the knowledge base has no documents to sweep (List Documents found none)');
  const failures = new Failures();
  const collect = fullCollection();
  let swept = 0;
  await pool(listedDocuments(args, first, limit), args.settings.concurrency, async (document) => {
    const evidence: Exchange[] = [];
    swept += 1;
    if (swept % COLLECT_EVERY === 0) collect();
    try {
      await judge(document, args.api.recordingInto(evidence));
    } catch (error) {
      const { problem, request = document.request } = found(error);
      const { item, index } = document;
      const id = isObject(item) && typeof item.id === 'string' ? item.id : `the document listed at ${index}`;
      // A document read by its own requests is shown by them; one judged as listed, by its page.
      failures.add({ index, id, problem, request, evidence: evidence.length > 0 ? evidence : document.listing });
    }
  });
  note(args, swept, first.total, performance.now() - started);
  // A page's exchange is the evidence of every failing item on it, once.
  args.evidence.push(...new Set(failures.named.flatMap((failure) => failure.evidence)));
  claim(failures.count === 0, () => {
    const more = failures.count - failures.named.length;
    const lines = [
      `${failures.count} of ${swept} documents fail:`,
      ...failures.named.map((failure) => `${failure.id}: ${failure.problem}`),
      ...(more > 0 ? [`and ${more} more`] : []),
    ];
    return { expected, actual: lines.join('\n          '), request: failures.named[0]?.request };
  });
}

/**
 * A sweep lasts as long as the knowledge base is large: its timeout is what is left of the run's
 * budget (CONFORMANCE_MAX_DURATION), not one check's, and a sweep the budget ends is reported as such.
 */
function takeTheBudget(args: CheckArgs): void {
  const { left, why } = budgetLeft(args.settings);
  if (args.testInfo.timeout === 0 || left <= args.testInfo.timeout) return;
  timeoutAtBudget(args.testInfo, left, why);
}

/** How fast the sweep read, and how much memory the worker took at most: the figures a user and the bench watch. */
function note(args: CheckArgs, swept: number, total: number, ms: number): void {
  const seconds = ms / 1000;
  const which = swept < total ? `${swept} of ${total} documents (an even sample)` : `${swept} documents`;
  const rss = Math.round(process.resourceUsage().maxRSS / 1024);
  args.testInfo.annotations.push({
    type: 'info',
    description: `swept ${which} in ${seconds.toFixed(1)} s (${Math.round(swept / seconds)} documents/s), peak worker RSS ${rss} MB`,
  });
}
