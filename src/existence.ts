// Whether what a check wrote or deleted is there, as a read answers: 200 (it is) or 404 (it is not).
import type { CheckArgs } from './checks';
import type { HttpResponse } from './http';
import { claim, show } from './violation';

/**
 * True for 200, false for 404. Any other answer says nothing about the write: it is the finding of
 * `unknownCheck` (the read's documented 404 for what does not exist), which blocks the caller.
 */
export async function exists(args: CheckArgs, response: HttpResponse, unknownCheck: string): Promise<boolean> {
  await args.given(unknownCheck, async () =>
    claim(response.status === 200 || response.status === 404, () => ({
      expected: 'HTTP 200 for what exists, 404 for what does not',
      actual: `HTTP ${response.status} with ${show(response.text(), 160)}`,
      request: response.summary,
    })),
  );
  return response.status === 200;
}
