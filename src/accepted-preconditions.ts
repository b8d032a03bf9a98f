// A precondition whose own check a team accepts as a known deviation, pinned (an entry of
// CONFORMANCE_EXPECTATIONS with `actual` or `pointer`), holds for the checks relying on it when the
// answer breaks it exactly as pinned, and the relying check says so in a note. So a stock release's
// known drift in a create answer (null counts) does not block every check that reads back what was
// created. Only claims that leave a usable answer give way (a schema violation: the body is still
// read; a relative signed URL: it is resolved against the API's origin); a wrong status, a body that
// is not JSON or a violation of another shape still blocks.
import { AsyncLocalStorage } from 'node:async_hooks';
import { type Expectation, mismatch } from './expectations';
import { ContractViolation, type ViolationDetails } from './violation';

interface Accepting {
  expectation: Expectation;
  note(text: string): void;
}

const accepting = new AsyncLocalStorage<Accepting>();

/** Runs `work` (establishing the precondition of `expectation.check`) accepting its pinned deviation. */
export function acceptingKnown<T>(
  expectation: Expectation | undefined,
  note: (text: string) => void,
  work: () => Promise<T>,
): Promise<T> {
  // A precondition without a pinned entry accepts nothing, also inside one that has one.
  if (!expectation || (expectation.actual === undefined && expectation.pointer === undefined))
    return accepting.exit(work);
  return accepting.run({ expectation, note }, work);
}

/** Whether a violation is the pinned known deviation of the precondition being established; noted if so. */
function acceptedViolation(violation: ContractViolation): boolean {
  const context = accepting.getStore();
  if (!context || mismatch(context.expectation, violation.message) !== undefined) return false;
  const { check, pointer, actual } = context.expectation;
  context.note(
    `relied on ${check} despite its known deviation (${pointer !== undefined ? `at ${pointer}` : `"${actual}"`}), ` +
      'as the expectations file accepts it',
  );
  return true;
}

/**
 * The claim, as a precondition may take it: true when it holds, false when its violation is the
 * pinned known deviation being accepted (noted); any other violation is thrown.
 */
export function claimUnlessKnown(condition: boolean, details: () => ViolationDetails): boolean {
  if (condition) return true;
  const violation = new ContractViolation(details());
  if (!acceptedViolation(violation)) throw violation;
  return false;
}
