// What the contract says about one operation, read from the resolved spec: its path parameters,
// its success answer, its documented error codes, its security. Families and templates share it.
import type { OpenAPIV3 } from 'openapi-types';
import { escapeToken } from './json-pointer';
import type { LoadedSpec, Operation } from './spec';

type Parameter = OpenAPIV3.ParameterObject;
type Response = OpenAPIV3.ResponseObject;

export function pathParameters(operation: Operation): Parameter[] {
  return ((operation.definition.parameters ?? []) as Parameter[]).filter((p) => p.in === 'path');
}

/**
 * `x-fresh: true`: each answer is minted for its request (a signed URL that starts to expire), so
 * no check may judge an answer another check got.
 */
export function answersFresh(operation: Operation): boolean {
  return (operation.definition as { 'x-fresh'?: unknown })['x-fresh'] === true;
}

/** Path parameters that name a resource: not those with documented values (an action, a model type). */
export function resourceParameters(operation: Operation): Parameter[] {
  return pathParameters(operation).filter((p) => !(p.schema as OpenAPIV3.SchemaObject | undefined)?.enum);
}

/** The resource a path parameter names: `x-resource`, or its name without `_id` (dataset_id → dataset). */
export function resourceOf(parameter: Parameter): string {
  const declared = (parameter as Parameter & { 'x-resource'?: unknown })['x-resource'];
  return typeof declared === 'string' ? declared : parameter.name.replace(/_id$/, '');
}

export function isUuid(parameter: Parameter): boolean {
  return (parameter.schema as OpenAPIV3.SchemaObject | undefined)?.format === 'uuid';
}

/** The lowest documented 2xx status with a JSON schema, and that schema. */
export function successJson(operation: Operation): { status: number; schema: OpenAPIV3.SchemaObject } | undefined {
  const statuses = Object.keys(operation.definition.responses)
    .filter((status) => /^2\d\d$/.test(status))
    .sort();
  for (const status of statuses) {
    const schema = (operation.definition.responses[status] as Response).content?.['application/json']?.schema;
    if (schema) return { status: Number(status), schema: schema as OpenAPIV3.SchemaObject };
  }
  return undefined;
}

export function documents(operation: Operation, status: number): boolean {
  return String(status) in operation.definition.responses;
}

/** The error codes the contract's examples give for a status, e.g. ['not_found']. */
export function documentedCodes(operation: Operation, status: number): string[] {
  const response = operation.definition.responses[String(status)] as Response | undefined;
  const codes = Object.values(response?.content ?? {}).flatMap((media) =>
    Object.values(media.examples ?? {}).map((example) => (example as OpenAPIV3.ExampleObject).value?.code),
  );
  return [...new Set(codes.filter((code): code is string => typeof code === 'string'))];
}

/** Whether the operation (or, failing its own, the document) requires an HTTP bearer scheme. */
export function isBearerSecured(operation: Operation, spec: LoadedSpec): boolean {
  const requirements = operation.definition.security ?? spec.document.security ?? [];
  const schemes = spec.document.components?.securitySchemes ?? {};
  return requirements.some((requirement) =>
    Object.keys(requirement).some((name) => {
      const scheme = schemes[name] as OpenAPIV3.SecuritySchemeObject | undefined;
      return scheme?.type === 'http' && scheme.scheme.toLowerCase() === 'bearer';
    }),
  );
}

/** The properties a schema documents and those it requires, at the top level. */
export function propertiesOf(schema: unknown): { documented: string[]; required: string[] } {
  const object = (schema ?? {}) as OpenAPIV3.SchemaObject;
  return { documented: Object.keys(object.properties ?? {}), required: object.required ?? [] };
}

/**
 * Object schemas whose fields the fields check reads: the answer itself and its list items; an
 * answer that is itself a list (List Knowledge Tags) has only its items, at `''`.
 */
export function fieldScopes(schema: unknown): { at: string; schema: OpenAPIV3.SchemaObject; list: boolean }[] {
  const top = (schema ?? {}) as OpenAPIV3.SchemaObject;
  if (top.type === 'array') {
    const items = top.items as OpenAPIV3.SchemaObject | undefined;
    return items?.properties ? [{ at: '', schema: items, list: true }] : [];
  }
  const scopes: { at: string; schema: OpenAPIV3.SchemaObject; list: boolean }[] = [
    { at: '', schema: top, list: false },
  ];
  for (const [name, property] of Object.entries(top.properties ?? {})) {
    const items = (property as OpenAPIV3.ArraySchemaObject).items as OpenAPIV3.SchemaObject | undefined;
    if (items?.properties) scopes.push({ at: `/${name}`, schema: items, list: true });
  }
  return scopes;
}

/** Whether a schema documents a field it does not require: only then can a field be missing validly. */
export function hasOptionalFields(schema: unknown): boolean {
  return fieldScopes(schema).some(({ schema: scope }) => {
    const { documented, required } = propertiesOf(scope);
    return documented.some((field) => !required.includes(field));
  });
}

/** A parameter's position among the operation's parameters, for turning `parameters[name]` into a pointer. */
export function parameterIndex(operation: Operation, name: string): number {
  return ((operation.definition.parameters ?? []) as Parameter[]).findIndex((p) => p.name === name);
}

/** A tag for selecting an operation's checks: its summary in kebab case (Get Document → get-document). */
export function operationTag(operation: Operation): string {
  const summary = operation.definition.summary ?? operation.operationId;
  return summary
    .replace(/([a-z])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** A choice the contract records (`x-note`) where the docs contradict themselves. */
export interface ContractNote {
  /** JSON pointer to where the note stands in the resolved contract. */
  at: string;
  note: string;
}

/**
 * Every `x-note` of the contract, once: a schema used in several places is resolved into each of
 * them, and its note is listed where it is defined (under /components) when it is defined there.
 */
export function contractNotes(spec: LoadedSpec): ContractNote[] {
  const found = new Map<string, string>();
  const walk = (node: unknown, at: string): void => {
    if (node === null || typeof node !== 'object') return;
    const note = (node as Record<string, unknown>)['x-note'];
    if (typeof note === 'string') {
      const earlier = found.get(note);
      if (earlier === undefined || (at.startsWith('/components/') && !earlier.startsWith('/components/')))
        found.set(note, at);
    }
    for (const [key, child] of Object.entries(node)) walk(child, `${at}/${escapeToken(key)}`);
  };
  walk(spec.document, '');
  return [...found].map(([note, at]) => ({ at, note })).sort((a, b) => a.at.localeCompare(b.at));
}

export function queryParameter(operation: Operation | undefined, name: string): Parameter | undefined {
  return ((operation?.definition.parameters ?? []) as Parameter[]).find((p) => p.in === 'query' && p.name === name);
}

/** What a query parameter filters a list by (`x-filters`): the item field, and how a value matches it. */
export interface ResultFilter {
  /** Pointer into a list item, e.g. /name. */
  field: string;
  /** `has-id`: the field is a list of objects, and an item matches when one of them has the value as its id. */
  match: 'contains' | 'equals' | 'has-id';
}

/** The query parameters that declare `x-filters`. */
export function filterParameters(operation: Operation): Parameter[] {
  return ((operation.definition.parameters ?? []) as Parameter[]).filter(
    (p) => p.in === 'query' && (p as Parameter & { 'x-filters'?: unknown })['x-filters'] !== undefined,
  );
}

/** A GET whose answer pages a `data` list by `page` and `limit`. */
export function isPaginated(operation: Operation): boolean {
  const success = operation.method === 'GET' ? successJson(operation) : undefined;
  const data = success?.schema.properties?.data as OpenAPIV3.SchemaObject | undefined;
  return data?.type === 'array' && !!queryParameter(operation, 'page') && !!queryParameter(operation, 'limit');
}

/** Whether a schema has, at any depth, a numeric property named `*_at`. */
export function hasTimestamps(schema: unknown, seen = new Set<unknown>()): boolean {
  if (schema === null || typeof schema !== 'object' || seen.has(schema)) return false;
  seen.add(schema);
  const object = schema as OpenAPIV3.SchemaObject;
  for (const [name, property] of Object.entries(object.properties ?? {})) {
    const type = (property as OpenAPIV3.SchemaObject).type;
    if (name.endsWith('_at') && (type === 'number' || type === 'integer')) return true;
  }
  return Object.values(object).some((child) => hasTimestamps(child, seen));
}

/** Whether an answer's schema names fields after the operation's path parameters, or is the one resource read. */
export function echoesIds(operation: Operation, schema: unknown): boolean {
  const names = pathParameters(operation)
    .filter((p) => !(p.schema as OpenAPIV3.SchemaObject | undefined)?.enum)
    .map((p) => p.name);
  if (names.length === 0) return false;
  const detail = /\{(\w+)\}$/.test(operation.path);
  const top = (schema ?? {}) as OpenAPIV3.SchemaObject;
  const data = top.properties?.data as OpenAPIV3.SchemaObject | undefined;
  const objects = [top, data, (data as OpenAPIV3.ArraySchemaObject | undefined)?.items as OpenAPIV3.SchemaObject];
  return objects.some((object) => {
    const fields = Object.keys(object?.properties ?? {});
    return fields.some((field) => names.includes(field)) || (detail && object !== objects[2] && fields.includes('id'));
  });
}

/**
 * What the contract leaves undocumented that a check would need, one line per operation and gap:
 * a docs maintainer's list, and why some generated checks do not exist for it.
 */
export function contractGaps(spec: LoadedSpec): string[] {
  const gaps: string[] = [];
  for (const operation of spec.operations.values()) {
    if (isBearerSecured(operation, spec) && !documents(operation, 401))
      gaps.push(
        `${operation.operationId}: requires the API key, but documents no 401 answer (no auth checks generated)`,
      );
    for (const [status, response] of Object.entries(operation.definition.responses)) {
      if (!/^[45]\d\d$/.test(status)) continue;
      if (!(response as OpenAPIV3.ResponseObject).content?.['application/json']?.schema)
        gaps.push(`${operation.operationId}: documents ${status} without a JSON body schema`);
    }
  }
  return gaps;
}
