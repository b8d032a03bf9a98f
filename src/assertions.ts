// Assertions shared by checks; each failure is a ContractViolation that reads like a bug report.
import { claimUnlessKnown } from './accepted-preconditions';
import type { HttpResponse } from './http';
import type { Validators } from './validation';
import { claim, show } from './violation';

export function expectStatus(response: HttpResponse, expected: number): void {
  claim(response.status === expected, () => ({
    expected: `HTTP ${expected}`,
    actual: `HTTP ${response.status}${response.status >= 500 ? ' (a server error)' : ''} with ${show(response.text(), 200)}`,
    request: response.summary,
  }));
}

/** A JSON Content-Type and a body that parses as JSON; returns the body. */
export function expectJson(response: HttpResponse): unknown {
  claim(response.isJson(), () => ({
    expected: 'Content-Type application/json',
    actual: `Content-Type ${show(response.headers['content-type'])}`,
    request: response.summary,
  }));
  return response.json();
}

/** The body is valid against the schema; a response the spec gives no schema fails explicitly. */
export function expectSchema(
  validators: Validators,
  schema: object | undefined,
  body: unknown,
  response: HttpResponse,
): void {
  claim(schema !== undefined, () => ({
    expected: `a documented JSON schema for HTTP ${response.status}`,
    actual: 'the spec documents none, so the body cannot be checked',
    request: response.summary,
  }));
  const result = validators.validate(schema, body);
  if (result.ok) return;
  claimUnlessKnown(false, () => ({
    expected: 'a body valid against the documented schema',
    actual: result.problems.map((p) => p.message).join('\n          '),
    pointer: result.problems[0]?.pointer,
    request: response.summary,
  }));
}

/** The top-level properties a schema documents, in spec order. */
export function documentedFields(schema: object | undefined): string[] {
  return Object.keys((schema as { properties?: object } | undefined)?.properties ?? {});
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function expectObject(body: unknown, response: HttpResponse): Record<string, unknown> {
  claim(isObject(body), () => ({
    expected: 'a JSON object',
    actual: show(body),
    pointer: '',
    request: response.summary,
  }));
  return body;
}

/**
 * Dify's error contract for one response: the status, a JSON body valid against the spec's schema
 * for that status, `status` in the body equal to the HTTP status, and the expected `code`.
 */
export function expectDifyError(
  validators: Validators,
  operationId: string,
  response: HttpResponse,
  status: number,
  /** The expected code, or the codes the contract documents (any of them); undefined: any code. */
  code: string | readonly string[] | undefined,
): Record<string, unknown> {
  expectStatus(response, status);
  const body = expectJson(response);
  expectSchema(validators, validators.responseSchema(operationId, status), body, response);
  const error = expectObject(body, response);
  claim(error.status === response.status, () => ({
    expected: `status ${response.status}, the HTTP status`,
    actual: `status ${show(error.status)}`,
    pointer: '/status',
    request: response.summary,
  }));
  const codes = typeof code === 'string' ? [code] : (code ?? []);
  if (codes.length > 0) {
    claim(codes.includes(error.code as string), () => ({
      expected: `code ${codes.map((c) => show(c)).join(' or ')}`,
      actual: `code ${show(error.code)}`,
      pointer: '/code',
      request: response.summary,
    }));
  }
  return error;
}
