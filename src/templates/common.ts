// What the generic templates share: the operation a check judges, and calling it with path values.
import type { CheckArgs } from '../checks';
import type { HttpResponse } from '../http';
import { missingReason, pathValues } from '../params';
import type { Operation } from '../spec';
import { skipCheck } from '../violation';

export function operationOf({ def, spec }: CheckArgs): Operation {
  const operation = spec.operations.get(def.operation);
  if (!operation) throw new Error(`${def.id}: the spec has no operation ${def.operation}`);
  return operation;
}

export function caseOf<T>({ def }: CheckArgs): Partial<T> {
  return def.case as Partial<T>;
}

export interface Call {
  /** Path values to use instead of the known ones. */
  path?: Record<string, string>;
  query?: Record<string, string | null | undefined>;
  /** Instead of `Bearer <key>`; null sends no Authorization header. */
  authorization?: string | null;
  /** The request must reach a real resource: skip when a path value is not known. */
  real?: boolean;
}

/** Calls an operation (the check's own unless named) with known path values, `call.path` first. */
export async function callOperation(
  args: CheckArgs,
  call: Call = {},
  operationId = args.def.operation,
): Promise<HttpResponse> {
  const operation = args.spec.operations.get(operationId);
  if (!operation) throw new Error(`${args.def.id}: the spec has no operation ${operationId}`);
  const { values, missing } = pathValues(operation, args.settings, call.path);
  if (call.real && missing.length > 0) {
    skipCheck(`${missingReason(args.settings, missing)} (${operation.path})`);
  }
  return args.api.call(operation.operationId, values, { query: call.query, authorization: call.authorization });
}
