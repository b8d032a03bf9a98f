// Known deviations of a target (CONFORMANCE_EXPECTATIONS): check ids a team accepts as failing.
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import schema from '../schemas/expectations.schema.json';
import { createAjv, describeErrors } from './validation';

export interface Expectation {
  check: string;
  reason: string;
  link?: string;
  /** Text the failure's `actual:` line must contain: a deviation that changes shape is a new failure. */
  actual?: string;
  /** The JSON pointer the failure must be `at:`. */
  pointer?: string;
}

/** Why a failure is not the one the expectation accepts, or undefined when it is. */
export function mismatch(expectation: Expectation, detail: string): string | undefined {
  const actual = detail.match(/^actual: +(.*)$/m)?.[1] ?? '';
  const at = detail.match(/^at: +(.*)$/m)?.[1];
  if (expectation.actual !== undefined && !actual.includes(expectation.actual)) {
    return `the known deviation pins actual "${expectation.actual}", but this failure's actual is "${actual}"`;
  }
  if (expectation.pointer !== undefined && at !== expectation.pointer) {
    return `the known deviation pins the pointer ${expectation.pointer}, but this failure is at ${at ?? 'no pointer'}`;
  }
  return undefined;
}

/**
 * Reads and validates the file; a problem is one line naming the file, thrown as an Error.
 * `checkOf` gives the check an id stands for (a generated id a row replaces stands for the row),
 * or undefined for an unknown id.
 */
export function loadExpectations(file: string, checkOf: (id: string) => string | undefined): Map<string, Expectation> {
  let parsed: unknown;
  try {
    parsed = YAML.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message.split('\n')[0];
    throw new Error(`CONFORMANCE_EXPECTATIONS file ${file} cannot be read (${reason}).`);
  }
  const validate = createAjv().compile<{ expectations: Expectation[] }>(schema);
  if (!validate(parsed)) {
    const first = describeErrors(validate.errors, parsed)[0];
    throw new Error(`CONFORMANCE_EXPECTATIONS file ${file} is malformed: ${first?.message ?? 'invalid'}`);
  }
  const expectations = new Map<string, Expectation>();
  for (const entry of parsed.expectations) {
    const check = checkOf(entry.check);
    if (check === undefined) {
      throw new Error(`CONFORMANCE_EXPECTATIONS file ${file} names an unknown check id "${entry.check}".`);
    }
    if (expectations.has(check)) {
      throw new Error(`CONFORMANCE_EXPECTATIONS file ${file} lists "${entry.check}" twice.`);
    }
    expectations.set(check, { ...entry, check });
  }
  return expectations;
}
