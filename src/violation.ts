// A contract violation: what was expected, what came back, where in the body, for which request.
export interface ViolationDetails {
  expected: string;
  actual: string;
  /** JSON pointer into the response body, when the problem sits at one place. */
  pointer?: string;
  /** The exchange, redacted: "GET http://…/documents/… → 200". */
  request?: string;
}

export class ContractViolation extends Error {
  override name = 'ContractViolation';

  /** @param should the claim of a SHOULD check itself, as opposed to its preconditions. */
  constructor(
    readonly details: ViolationDetails,
    readonly should = false,
  ) {
    super(formatViolation(details));
  }
}

export function formatViolation(details: ViolationDetails): string {
  const lines = [`expected: ${details.expected}`, `actual:   ${details.actual}`];
  if (details.pointer !== undefined) lines.push(`at:       ${details.pointer === '' ? '(the body)' : details.pointer}`);
  if (details.request) lines.push(`request:  ${details.request}`);
  return lines.join('\n');
}

/** Throws a ContractViolation unless the condition holds; details are built only on failure. */
export function claim(condition: boolean, details: () => ViolationDetails): asserts condition {
  if (!condition) throw new ContractViolation(details());
}

/**
 * The claim a SHOULD check makes: when it does not hold the check warns (fails under strict).
 * Everything else a SHOULD check asserts (the status, a JSON body) is a MUST precondition.
 */
export function claimShould(condition: boolean, details: () => ViolationDetails): asserts condition {
  if (!condition) throw new ContractViolation(details(), true);
}

/** A value as it reads in a message: JSON, so "" and null stay visible; long values cut. */
export function show(value: unknown, max = 120): string {
  if (value === undefined) return '(absent)';
  const json = JSON.stringify(value) ?? String(value);
  return json.length > max ? `${json.slice(0, max - 3)}...` : json;
}

/** A value with its JSON type first, for schema messages: `string "x"`, `number 4`, `null`. */
export function showTyped(value: unknown, max = 80): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  return `${Array.isArray(value) ? 'array' : typeof value} ${show(value, max)}`;
}

/** A precondition failed: the claim of the check `by` does not hold, so this check cannot be judged. */
export class Blocked extends Error {
  override name = 'Blocked';

  constructor(
    readonly by: string,
    /** Why the precondition failed, as that check's failure would say it. */
    readonly detail: string,
  ) {
    super(`blocked by ${by}: ${detail.split('\n')[0]}`);
  }
}

/** The check cannot run here (a setting is absent, the target has nothing to check); the reason is shown. */
export class CheckSkipped extends Error {
  override name = 'CheckSkipped';
}

/** The same failure with a fuller message; the stack frames still point into the check. */
export function restate(error: Error, message: string): Error {
  const restated = new Error(message);
  restated.name = error.name;
  const frames = (error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  restated.stack = [`${error.name}: ${message}`, ...frames].join('\n');
  return restated;
}

/** Skips the running check with a reason the report shows. */
export function skipCheck(reason: string): never {
  throw new CheckSkipped(reason);
}
