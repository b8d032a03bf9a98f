// Templates for success answers: the documented status and schema, every documented field, no
// undocumented one, and ids that match the ids asked for.
import { expectJson, expectObject, expectSchema, expectStatus, isObject } from '../assertions';
import type { FieldRule } from '../catalog';
import type { CheckArgs, Template } from '../checks';
import { fieldScopes, propertiesOf, successJson } from '../contract';
import type { HttpResponse } from '../http';
import { knownValue } from '../params';
import { claim, claimShould, show } from '../violation';
import { type Call, callOperation, caseOf } from './common';

interface SuccessCase {
  status: number;
  query: Record<string, string | null>;
  fields: FieldRule;
  field: string;
  param: string;
}

function success(args: CheckArgs, operationId = args.def.operation) {
  const operation = args.spec.operations.get(operationId);
  if (!operation) throw new Error(`${args.def.id}: the spec has no operation ${operationId}`);
  const documented = successJson(operation);
  const status =
    (operationId === args.def.operation ? caseOf<SuccessCase>(args).status : undefined) ?? documented?.status ?? 200;
  return { status, schema: args.validators.responseSchema(operation.operationId, status) };
}

export interface Answer {
  response: HttpResponse;
  body: Record<string, unknown>;
}

/**
 * The response-schema claim itself, for an operation (the check's own by default): the documented
 * success status, a JSON Content-Type, a body valid against the documented schema.
 */
export async function documentedAnswer(
  args: CheckArgs,
  operationId = args.def.operation,
  call: Call = {},
): Promise<Answer> {
  return documentedBody(args, await callOperation(args, { real: true, ...call }, operationId), operationId);
}

/** The documented success status of an operation (for the check's own, the one its row names). */
export const documentedStatus = (args: CheckArgs, operationId = args.def.operation) =>
  success(args, operationId).status;

/** The response-schema claim on an answer already received. */
export function documentedBody(args: CheckArgs, response: HttpResponse, operationId = args.def.operation): Answer {
  const { status, schema } = success(args, operationId);
  expectStatus(response, status);
  const body = expectJson(response);
  expectSchema(args.validators, schema, body, response);
  // A list answer (List Knowledge Tags) is held at the empty key, the JSON pointer of the whole answer,
  // where fieldScopes puts its items.
  if (Array.isArray(body)) return { response, body: { '': body } };
  const object = expectObject(body, response);
  noteFieldsSeen(args, operationId, object);
  return { response, body: object };
}

/** Records the fields an answer carried, for the report's field coverage of the operation. */
export function noteFieldsSeen(args: CheckArgs, operationId: string, body: Record<string, unknown>): void {
  args.testInfo.annotations.push({ type: 'fields-seen', description: `${operationId}:${Object.keys(body).join(',')}` });
}

const rowCall = (args: CheckArgs): Call => ({ query: caseOf<SuccessCase>(args).query });

/** For checks of an answer's content: the answer its schema check (the dependency of the same operation) judges. */
function judgedAnswer(args: CheckArgs): Promise<Answer> {
  const schemaCheck = args.def.dependsOn.find((id) => args.catalog.checks.get(id)?.operation === args.def.operation);
  if (!schemaCheck)
    throw new Error(`${args.def.id} depends on no check of ${args.def.operation} that judges its answer`);
  return args.given(schemaCheck, () => documentedAnswer(args, args.def.operation, rowCall(args)));
}

function expectedFields(rule: FieldRule, documented: string[]): string[] {
  if (rule === 'all') return documented;
  if ('exactly' in rule) return rule.exactly;
  return documented.filter((field) => !rule.allExcept.includes(field));
}

const responseSchema: Template = async (args) => {
  await documentedAnswer(args, args.def.operation, rowCall(args));
};

/** The objects of an answer whose fields the contract documents: the answer, and each item of its lists. */
function* documentedObjects(body: Record<string, unknown>, schema: unknown) {
  for (const scope of fieldScopes(schema)) {
    const { documented } = propertiesOf(scope.schema);
    const list = body[scope.at.slice(1)];
    const objects = !scope.list ? [body] : Array.isArray(list) ? list : [];
    for (const [index, object] of objects.entries()) {
      if (isObject(object))
        yield { at: scope.list ? `${scope.at}/${index}` : '', object, documented, item: scope.list };
    }
  }
}

/** Present fields: at the top level as the row's rule says, and every documented field in list items. */
const responseFields: Template = async (args) => {
  const { response, body } = await judgedAnswer(args);
  const rule = caseOf<SuccessCase>(args).fields ?? 'all';
  const problems: { pointer: string; text: string }[] = [];
  for (const { at, object, documented, item } of documentedObjects(body, success(args).schema)) {
    const expected = item ? documented : expectedFields(rule, documented);
    const present = Object.keys(object);
    for (const field of expected.filter((f) => !present.includes(f))) {
      problems.push({ pointer: `${at}/${field}`, text: `missing ${at}/${field}` });
    }
    // Undocumented extras belong to the drift check, except where the contract lists the fields exactly.
    const exactly = !item && rule !== 'all' && 'exactly' in rule;
    for (const field of present.filter((f) => !expected.includes(f) && (documented.includes(f) || exactly))) {
      problems.push({ pointer: `${at}/${field}`, text: `unexpected ${at}/${field} = ${show(object[field])}` });
    }
  }
  claim(problems.length === 0, () => ({
    expected:
      rule === 'all'
        ? 'every documented field'
        : 'exactly' in rule
          ? `exactly the documented fields ${rule.exactly.join(', ')}`
          : `every documented field except ${rule.allExcept.join(', ')}`,
    actual: problems.map((p) => p.text).join('; '),
    pointer: problems[0]?.pointer,
    request: response.summary,
  }));
};

const responseUndocumented: Template = async (args) => {
  const { response, body } = await judgedAnswer(args);
  const extra: string[] = [];
  for (const { at, object, documented } of documentedObjects(body, success(args).schema)) {
    for (const field of Object.keys(object).filter((f) => !documented.includes(f))) {
      extra.push(`${at}/${field} = ${show(object[field])}`);
    }
  }
  claimShould(extra.length === 0, () => ({
    expected: 'only fields the spec documents',
    actual: `undocumented ${extra.join('; ')} (spec drift)`,
    pointer: extra[0]?.split(' = ')[0],
    request: response.summary,
  }));
};

const responseId: Template = async (args) => {
  const { field = 'id', param = '' } = caseOf<SuccessCase>(args);
  const { response, body } = await judgedAnswer(args);
  const wanted = knownValue(args.settings, param);
  claim(body[field] === wanted, () => ({
    expected: `${field} ${show(wanted)}, the ${param} asked for`,
    actual: `${field} ${show(body[field])}`,
    pointer: `/${field}`,
    request: response.summary,
  }));
};

export const RESPONSE_TEMPLATES: Record<string, Template> = {
  'response-schema': responseSchema,
  'response-fields': responseFields,
  'response-undocumented': responseUndocumented,
  'response-id': responseId,
};
