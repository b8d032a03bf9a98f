// Finds the target's ids that the settings do not pin, by reading the API the way the contract's
// OpenAPI links say: a link on a list answer names the operation it feeds and where its ids come
// from (`$response.body#/data/0/id`, `$request.path.dataset_id`). Item `0` stands for any item: when
// the first document has no segments, the next is tried, so the ids found belong together.
import type { OpenAPIV3 } from 'openapi-types';
import { resourceParameters } from './contract';
import { escapeToken, resolvePointer, tokensOf } from './json-pointer';
import type { LoadedSpec, Operation } from './spec';

/** Where one parameter's value can be read: a GET operation's answer, at an item's field. */
export interface Supplier {
  source: Operation;
  /** Pointer to the list in the answer, e.g. /data; an empty string when the answer is one object. */
  list?: string;
  /** Pointer inside the item (or the answer), e.g. /id. */
  field: string;
  /** Source path parameters that take the target's values of the same meaning: source name → target name. */
  carried: Record<string, string>;
  /** Field values an item must have to be chosen (`x-where`), e.g. { "/data_source_type": "upload_file" }. */
  where: Record<string, unknown>;
}

export interface Discovery {
  /** Values found, by path parameter name. */
  ids: Record<string, string>;
  /** Why a parameter has no value: the reason its checks are skipped with. */
  gaps: Record<string, string>;
  /** Requests discovery sent. */
  requests: number;
}

/** Reads an operation's answer: its JSON body on a 2xx, else undefined. */
export type Reader = (operationId: string, params: Record<string, string>) => Promise<unknown>;

type Link = OpenAPIV3.LinkObject & { 'x-where'?: Record<string, unknown> };

/** Path parameters that name something discovery can find (not an action or a model type). */
const resourceNames = (operation: Operation) => resourceParameters(operation).map((p) => p.name);

/** Every parameter some link can supply, with its suppliers in the contract's order. */
export function suppliersOf(spec: LoadedSpec): Map<string, Supplier[]> {
  const byName = new Map<string, Supplier[]>();
  for (const source of spec.operations.values()) {
    if (source.method !== 'GET') continue;
    for (const [status, response] of Object.entries(source.definition.responses)) {
      if (!/^2\d\d$/.test(status)) continue;
      for (const link of Object.values((response as OpenAPIV3.ResponseObject).links ?? {}) as Link[]) {
        const carried: Record<string, string> = {};
        const fromBody: [string, string][] = [];
        for (const [name, expression] of Object.entries(link.parameters ?? {})) {
          const text = String(expression);
          const path = /^\$request\.path\.(\w+)$/.exec(text);
          if (path?.[1]) carried[path[1]] = name;
          const body = /^\$response\.body#(.*)$/.exec(text);
          if (body) fromBody.push([name, body[1] ?? '']);
        }
        for (const [name, pointer] of fromBody) {
          const tokens = tokensOf(pointer);
          const at = tokens.indexOf('0');
          const pointerOf = (list: string[]) => list.map((t) => `/${escapeToken(t)}`).join('');
          const supplier: Supplier =
            at < 0
              ? { source, field: pointer, carried, where: link['x-where'] ?? {} }
              : {
                  source,
                  list: pointerOf(tokens.slice(0, at)),
                  field: pointerOf(tokens.slice(at + 1)),
                  carried,
                  where: link['x-where'] ?? {},
                };
          byName.set(name, [...(byName.get(name) ?? []), supplier]);
        }
      }
    }
  }
  return byName;
}

/** Parameters the reads need: those of every GET operation. */
function readParameters(spec: LoadedSpec): string[] {
  const names = new Set<string>();
  for (const operation of spec.operations.values())
    if (operation.method === 'GET') for (const name of resourceNames(operation)) names.add(name);
  return [...names];
}

const MAX_REQUESTS = 60;
/** Items tried per list: enough to step over documents still indexing or without chunks, few enough to stay quick. */
const MAX_ITEMS = 20;

const thing = (name: string) => name.replace(/_id$/, '').replace(/_/g, ' ');

/**
 * Finds a value for every parameter the reads need and `known` lacks. Deeper ones first (a child
 * chunk needs a segment needs a document), so that one walk finds ids that belong together.
 */
export async function discover(spec: LoadedSpec, known: Record<string, string>, read: Reader): Promise<Discovery> {
  const suppliers = suppliersOf(spec);
  const ids: Record<string, string> = { ...known };
  const gaps: Record<string, string> = {};
  const answers = new Map<string, Promise<unknown>>();
  let requests = 0;

  const call = (operation: Operation, params: Record<string, string>): Promise<unknown> => {
    const key = `${operation.operationId} ${JSON.stringify(params)}`;
    let answer = answers.get(key);
    if (!answer) {
      if (requests >= MAX_REQUESTS) return Promise.resolve(undefined);
      requests += 1;
      answer = read(operation.operationId, params);
      answers.set(key, answer);
    }
    return answer;
  };

  const needsOf = (supplier: Supplier) =>
    resourceNames(supplier.source).map((sourceName) => supplier.carried[sourceName] ?? sourceName);

  /** What a supplier, called with `fixed`, offers for the parameter, in the target's order. */
  const offered = async (supplier: Supplier, fixed: Record<string, string>): Promise<string[]> => {
    const params: Record<string, string> = {};
    for (const sourceName of resourceNames(supplier.source)) {
      const value = fixed[supplier.carried[sourceName] ?? sourceName];
      if (value === undefined) return [];
      params[sourceName] = value;
    }
    const body = await call(supplier.source, params);
    if (body === undefined) return [];
    const items = supplier.list === undefined ? [body] : resolvePointer(body, supplier.list);
    if (!Array.isArray(items)) return [];
    return items
      .filter((item) =>
        Object.entries(supplier.where).every(([pointer, value]) => resolvePointer(item, pointer) === value),
      )
      .map((item) => resolvePointer(item, supplier.field))
      .filter((value): value is string | number => typeof value === 'string' || typeof value === 'number')
      .map(String)
      .slice(0, MAX_ITEMS);
  };

  /** Assignments that give `name` a value, extending `fixed`, in the order they are tried. */
  async function* options(
    name: string,
    fixed: Record<string, string>,
    seen: string[],
  ): AsyncGenerator<Record<string, string>> {
    if (fixed[name] !== undefined) {
      yield fixed;
      return;
    }
    if (seen.includes(name)) return;
    for (const supplier of suppliers.get(name) ?? []) {
      for await (const context of all(needsOf(supplier), fixed, [...seen, name])) {
        for (const value of await offered(supplier, context)) yield { ...context, [name]: value };
      }
    }
  }

  async function* all(
    names: string[],
    fixed: Record<string, string>,
    seen: string[],
  ): AsyncGenerator<Record<string, string>> {
    const [first, ...rest] = names;
    if (first === undefined) {
      yield fixed;
      return;
    }
    for await (const context of options(first, fixed, seen)) yield* all(rest, context, seen);
  }

  const depth = (name: string, seen: string[] = []): number =>
    seen.includes(name)
      ? 0
      : Math.max(
          0,
          ...(suppliers.get(name) ?? []).flatMap((s) => needsOf(s).map((n) => 1 + depth(n, [...seen, name]))),
        );
  const wanted = readParameters(spec)
    .filter((name) => ids[name] === undefined)
    .sort((a, b) => depth(b) - depth(a));

  for (const name of wanted) {
    if (ids[name] !== undefined) continue;
    const found = await options(name, ids, []).next();
    if (!found.done) {
      Object.assign(ids, found.value);
      continue;
    }
    const from = suppliers.get(name) ?? [];
    gaps[name] =
      from.length === 0
        ? `no operation of the contract lists a ${thing(name)} to read (set it in the settings)`
        : requests >= MAX_REQUESTS
          ? `no ${thing(name)} found within ${MAX_REQUESTS} discovery requests (set it in the settings)`
          : `the knowledge base has no ${thing(name)}${describeWhere(from)} (${[...new Set(from.map((s) => s.source.definition.summary ?? s.source.operationId))].join(', ')} found none)`;
  }
  for (const name of Object.keys(known)) delete ids[name];
  return { ids, gaps, requests };
}

function describeWhere(from: Supplier[]): string {
  const where = from.flatMap((s) => Object.entries(s.where));
  return where.length === 0 ? '' : ` with ${where.map(([p, v]) => `${p.slice(1)} ${JSON.stringify(v)}`).join(' and ')}`;
}
