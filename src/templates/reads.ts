// Templates for what the docs promise about reads beyond their schema: pages that add up, filters
// that filter, ids that are the ids asked for, timestamps in whole seconds.
import { randomUUID } from 'node:crypto';
import type { OpenAPIV3 } from 'openapi-types';
import { expectStatus, isObject } from '../assertions';
import type { CheckArgs, Template } from '../checks';
import { pathParameters, queryParameter, type ResultFilter } from '../contract';
import { knownValue } from '../params';
import { claim, show, skipCheck } from '../violation';
import { callOperation, caseOf } from './common';
import { type Answer, documentedAnswer, documentedBody, documentedStatus } from './response';

/** The check of the operation's documented answer that these checks rely on. */
function schemaCheck(args: CheckArgs): string {
  const id = args.def.dependsOn.find((dep) => args.catalog.checks.get(dep)?.operation === args.def.operation);
  if (!id) throw new Error(`${args.def.id} depends on no check of ${args.def.operation} that judges its answer`);
  return id;
}

/** An answer of the operation with `query`, relying on its schema check: a malformed answer blocks. */
function read(args: CheckArgs, query: Record<string, string> = {}): Promise<Answer> {
  return args.given(schemaCheck(args), () => documentedAnswer(args, args.def.operation, { query }));
}

/**
 * An answer of the operation with a filter: refusing the filter is the check's own failure, and a
 * malformed answer blocks, relying on the schema check.
 */
async function filteredRead(args: CheckArgs, query: Record<string, string>): Promise<Answer> {
  const response = await callOperation(args, { real: true, query });
  expectStatus(response, documentedStatus(args));
  return args.given(schemaCheck(args), async () => documentedBody(args, response));
}

function itemsOf(answer: Answer): unknown[] {
  const data = answer.body.data;
  claim(Array.isArray(data), () => ({
    expected: 'a list in data',
    actual: `data ${show(data)}`,
    pointer: '/data',
    request: answer.response.summary,
  }));
  return data;
}

const identity = (item: unknown) => (isObject(item) && item.id !== undefined ? String(item.id) : JSON.stringify(item));

/** The pages a walk reads with limit 1: all of a short list, else the first few and the last, and one past it. */
const MAX_PAGES = 6;

/** limit=1 gives one item, says so, and has_more agrees with total. */
const pageSize: Template = async (args) => {
  const answer = await read(args, { page: '1', limit: '1' });
  const items = itemsOf(answer);
  const { body, response } = answer;
  const problems: string[] = [];
  if (items.length > 1) problems.push(`${items.length} items in data`);
  if ('limit' in body && body.limit !== 1) problems.push(`limit ${show(body.limit)}`);
  if ('page' in body && body.page !== 1) problems.push(`page ${show(body.page)}`);
  if (typeof body.total === 'number' && 'has_more' in body && body.has_more !== body.total > 1)
    problems.push(`has_more ${show(body.has_more)} with total ${body.total}`);
  if (typeof body.total === 'number' && items.length !== Math.min(1, body.total))
    problems.push(`${items.length} items with total ${body.total}`);
  claim(problems.length === 0, () => ({
    expected: 'at most 1 item, limit 1, page 1, and has_more true exactly when total is above 1',
    actual: problems.join('; '),
    request: response.summary,
  }));
};

interface Walk {
  problems: string[];
  /** Whether the total moved between pages: a write elsewhere (the suite's own lifecycle checks among them). */
  moved: boolean;
  pages: number[];
  total?: number;
  last: string;
}

/** One walk through the pages with limit=1. */
async function walkPages(args: CheckArgs): Promise<Walk> {
  const first = await read(args, { page: '1', limit: '1' });
  const total = typeof first.body.total === 'number' ? first.body.total : undefined;
  if (total === 0 || (total === undefined && itemsOf(first).length === 0))
    skipCheck('the list is empty: there are no pages to walk');
  const pages =
    total === undefined
      ? range(1, MAX_PAGES + 1)
      : total <= MAX_PAGES
        ? range(1, total + 2)
        : [...range(1, MAX_PAGES), total, total + 1];
  const seen = new Map<string, number>();
  const walk: Walk = { problems: [], moved: false, pages, total, last: first.response.summary };
  for (const page of pages) {
    const answer = page === 1 ? first : await read(args, { page: String(page), limit: '1' });
    walk.last = answer.response.summary;
    const items = itemsOf(answer);
    // Without a total, the first empty page is the end: the one before it was the last.
    const end = total ?? (items.length === 0 ? page - 1 : Number.POSITIVE_INFINITY);
    const expectedCount = page <= end ? 1 : 0;
    if (items.length !== expectedCount)
      walk.problems.push(`page ${page}: ${items.length} items, expected ${expectedCount}`);
    if ('has_more' in answer.body && total !== undefined && answer.body.has_more !== page < total)
      walk.problems.push(`page ${page}: has_more ${show(answer.body.has_more)}`);
    if (total !== undefined && answer.body.total !== total) {
      walk.moved = true;
      walk.problems.push(`page ${page}: total ${show(answer.body.total)}, page 1 said ${total}`);
    }
    for (const item of items) {
      const id = identity(item);
      const before = seen.get(id);
      if (before !== undefined) walk.problems.push(`page ${page} repeats ${show(id)} from page ${before}`);
      seen.set(id, page);
    }
    if (total === undefined && items.length === 0) break;
  }
  return walk;
}

/**
 * Page by page with limit=1: every item once, the same total, has_more false on the last page only.
 * Without a total (its absence is the fields check's to judge), pages are read until one is empty.
 * A total that moved mid-walk may be a write running beside it, so the walk is read once more: a
 * server whose pages do not add up fails both walks.
 */
const pageWalk: Template = async (args) => {
  let walk = await walkPages(args);
  if (walk.moved) walk = await walkPages(args);
  const { problems, pages, total, last } = walk;
  claim(problems.length === 0, () => ({
    expected: `with limit 1, ${total === undefined ? 'pages up to the first empty one' : `pages ${pages.join(', ')} of ${total} items`}: one new item per page up to the last, has_more false from the last page on`,
    actual: problems.join('; '),
    request: last,
  }));
};

const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);

/** A limit above the documented maximum is capped (or refused), never served. */
const limitCap: Template = async (args) => {
  const operation = args.spec.operations.get(args.def.operation);
  const maximum = (queryParameter(operation, 'limit')?.schema as OpenAPIV3.SchemaObject | undefined)?.maximum;
  if (maximum === undefined) throw new Error(`${args.def.id}: limit documents no maximum`);
  const answer = await read(args, { page: '1', limit: String(maximum + 1) });
  const items = itemsOf(answer);
  const limit = answer.body.limit;
  claim(items.length <= maximum && (limit === undefined || (typeof limit === 'number' && limit <= maximum)), () => ({
    expected: `limit capped at ${maximum}: at most ${maximum} items, and limit at most ${maximum}`,
    actual: `limit ${show(limit)} with ${items.length} items`,
    pointer: '/limit',
    request: answer.response.summary,
  }));
};

/** The ids of a list of objects, e.g. a knowledge base's tags. */
const idsOf = (value: unknown) =>
  Array.isArray(value)
    ? value.flatMap((item) => (isObject(item) && item.id !== undefined ? [String(item.id)] : []))
    : [];

function matches(filter: ResultFilter, value: unknown, probe: string): boolean {
  if (filter.match === 'has-id') return idsOf(value).includes(probe);
  return filter.match === 'contains'
    ? String(value ?? '')
        .toLowerCase()
        .includes(probe.toLowerCase())
    : String(value) === probe;
}

/** How the claim says that an item's field matches a value. */
const MATCHING: Record<ResultFilter['match'], string> = {
  contains: 'contains it',
  equals: 'equals it',
  'has-id': 'include one with that id',
};

/** A word of a value to search by: its longest word, which other items are least likely to share. */
function probeOf(filter: ResultFilter, value: unknown): string | undefined {
  if (filter.match === 'has-id') return idsOf(value)[0];
  if (value === undefined || value === null) return undefined;
  if (filter.match === 'equals') return String(value);
  return (
    String(value)
      .split(/[^\p{L}\p{N}]+/u)
      .sort((a, b) => b.length - a.length)[0] || undefined
  );
}

/** A filter keeps the items that match it, and only those: a value found in the list, and one nothing has. */
const filter: Template = async (args) => {
  const { param = '' } = caseOf<{ param: string }>(args);
  const operation = args.spec.operations.get(args.def.operation);
  const declared = queryParameter(operation, param);
  const rule = (declared as { 'x-filters'?: ResultFilter } | undefined)?.['x-filters'];
  if (!declared || !rule) throw new Error(`${args.def.id}: ${param} declares no x-filters`);
  // One page as large as the contract allows, so the item sampled is on it when filtered too.
  const limit = queryParameter(operation, 'limit')?.schema as OpenAPIV3.SchemaObject | undefined;
  const page: Record<string, string> = limit ? { limit: String(limit.maximum ?? 100) } : {};
  const all = itemsOf(await read(args, page));
  const sample = all.find((item) => probeOf(rule, fieldOf(item, rule)) !== undefined);
  if (sample === undefined) {
    // Items that leave the field out altogether are the fields check's finding, not nothing to filter by.
    const missing = all.length > 0 && all.every((item) => fieldOf(item, rule) === undefined);
    await args.given(`${args.def.operation}/response/fields`, async () =>
      claim(!missing, () => ({
        expected: `${rule.field.slice(1)} in the items, which ${param} filters by`,
        actual: `none of the ${all.length} items has it`,
      })),
    );
    skipCheck(`the list has no item with ${rule.field.slice(1)} to filter by`);
  }
  const probe = probeOf(rule, fieldOf(sample, rule)) as string;
  const absent = absentValue(rule, declared, all);
  const problems: string[] = [];
  let request = '';
  for (const [value, mustFind] of [[probe, true], ...(absent ? [[absent, false]] : [])] as [string, boolean][]) {
    const answer = await filteredRead(args, { ...page, [param]: value });
    request = answer.response.summary;
    const items = itemsOf(answer);
    const strangers = items.filter((item) => !matches(rule, fieldOf(item, rule), value));
    if (strangers.length > 0)
      problems.push(
        `${param}=${value} returned ${strangers.length} of ${items.length} items whose ${rule.field.slice(1)} does not match (${show(fieldOf(strangers[0], rule))})`,
      );
    if (mustFind && !items.some((item) => identity(item) === identity(sample)))
      problems.push(
        `${param}=${value} left out ${show(identity(sample))}, whose ${rule.field.slice(1)} is ${show(fieldOf(sample, rule))}`,
      );
  }
  claim(problems.length === 0, () => ({
    expected: `${param} keeps exactly the items whose ${rule.field.slice(1)} ${MATCHING[rule.match]}`,
    actual: problems.join('; '),
    request,
  }));
};

/**
 * A value no item matches, to find nothing with: a word nothing contains, an id in the form of the
 * list's ids (a random UUID), or a documented value no item has (none when every one is taken).
 */
function absentValue(rule: ResultFilter, declared: OpenAPIV3.ParameterObject, all: unknown[]): string | undefined {
  if (rule.match === 'contains') return `dkc-no-such-${Date.now().toString(36)}`;
  if (rule.match === 'has-id') return randomUUID();
  const enumValues = (declared.schema as OpenAPIV3.SchemaObject | undefined)?.enum?.map(String);
  return enumValues?.find((value) => !all.some((item) => matches(rule, fieldOf(item, rule), value)));
}

function fieldOf(item: unknown, rule: ResultFilter): unknown {
  return isObject(item) ? item[rule.field.slice(1)] : undefined;
}

/** Where ids can stand in an answer: the answer, its `data` object, or each item of its `data` list. */
function* objectsOf(body: Record<string, unknown>): Generator<{ at: string; object: Record<string, unknown> }> {
  yield { at: '', object: body };
  const data = body.data;
  if (isObject(data)) yield { at: '/data', object: data };
  if (Array.isArray(data))
    for (const [index, item] of data.entries()) if (isObject(item)) yield { at: `/data/${index}`, object: item };
}

/** Fields named like a path parameter hold the value asked for; a read of one resource answers with its id. */
const echoedIds: Template = async (args) => {
  const operation = args.spec.operations.get(args.def.operation);
  if (!operation) throw new Error(`${args.def.id}: no operation`);
  const { response, body } = await read(args);
  const asked = Object.fromEntries(
    pathParameters(operation).map((p) => [p.name, knownValue(args.settings, p.name)] as const),
  );
  const detail = /\{(\w+)\}$/.exec(operation.path)?.[1];
  const problems: { pointer: string; text: string }[] = [];
  for (const { at, object } of objectsOf(body)) {
    for (const [name, value] of Object.entries(asked)) {
      if (value !== undefined && name in object && object[name] !== value)
        problems.push({ pointer: `${at}/${name}`, text: `${at}/${name} ${show(object[name])}, not ${show(value)}` });
    }
  }
  // The resource read is the answer itself, or its `data` object when the answer wraps it.
  const resource = 'id' in body ? body : isObject(body.data) ? body.data : undefined;
  const wanted = detail ? asked[detail] : undefined;
  if (resource && wanted !== undefined && resource.id !== wanted) {
    const at = resource === body ? '' : '/data';
    problems.push({ pointer: `${at}/id`, text: `${at}/id ${show(resource.id)}, not the ${detail} ${show(wanted)}` });
  }
  claim(problems.length === 0, () => ({
    expected: 'ids equal to the ids asked for',
    actual: problems.map((p) => p.text).join('; '),
    pointer: problems[0]?.pointer,
    request: response.summary,
  }));
};

/** 2000-01-01 in Unix seconds; a millisecond clock is above the upper bound for another 300 years. */
const EARLIEST = 946_684_800;
const LATEST = 10_000_000_000;

/** Every `*_at` number is whole Unix seconds, at any depth. */
const timestamps: Template = async (args) => {
  const { response, body } = await read(args);
  const problems: { pointer: string; text: string }[] = [];
  const walk = (node: unknown, at: string) => {
    if (Array.isArray(node)) for (const [index, item] of node.entries()) walk(item, `${at}/${index}`);
    else if (isObject(node))
      for (const [key, value] of Object.entries(node)) {
        const pointer = `${at}/${key}`;
        if (
          key.endsWith('_at') &&
          typeof value === 'number' &&
          !(Number.isInteger(value) && value >= EARLIEST && value < LATEST)
        )
          problems.push({ pointer, text: `${pointer} ${value}` });
        walk(value, pointer);
      }
  };
  walk(body, '');
  claim(problems.length === 0, () => ({
    expected: 'timestamps (`*_at`) in whole Unix seconds',
    actual: `${problems.map((p) => p.text).join('; ')} (not whole seconds since 1970 after 2000: milliseconds, or fractions)`,
    pointer: problems[0]?.pointer,
    request: response.summary,
  }));
};

export const READ_TEMPLATES: Record<string, Template> = {
  'pagination-page-size': pageSize,
  'pagination-walk': pageWalk,
  'pagination-limit-cap': limitCap,
  filter,
  'echoed-ids': echoedIds,
  timestamps,
};
