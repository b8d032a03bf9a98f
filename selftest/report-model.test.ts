// The report's outcomes: a blocked check names a failure the run reports, or it is a failure itself.
import { expect, test } from '@playwright/test';
import { type CheckResult, linkBlocked, summarize, verdictOf } from '../src/report/model';

function result(check: string, outcome: CheckResult['outcome'], blockedBy?: string): CheckResult {
  return {
    operationId: 'downloadDocument',
    check,
    claim: 'a claim',
    level: 'MUST',
    citation: '#/paths',
    tags: [],
    outcome,
    detail: blockedBy
      ? `blocked by ${blockedBy}: expected: url, an absolute http(s) URL\nactual:   url "/files/x"`
      : '',
    ...(blockedBy ? { blockedBy } : {}),
    notes: [],
    durationMs: 1,
    evidence: [],
  };
}

test('a failure lists the checks it blocked, and the verdict comes from failures alone', () => {
  const results = [result('op/a/root', 'failed'), result('op/b/x', 'blocked', 'op/a/root'), result('op/c/y', 'passed')];
  linkBlocked(results);
  expect(results.map((r) => r.outcome)).toEqual(['failed', 'blocked', 'passed']);
  expect(results[0]?.blocks).toEqual(['op/b/x']);
  expect(summarize(results)).toMatchObject({ failed: 1, blocked: 1, passed: 1 });
  expect(verdictOf(summarize(results), false)).toBe('not conformant');
});

for (const [what, cause, why] of [
  ['did not run (e.g. a --grep left it out)', [], 'which this run did not run'],
  ['was skipped', [result('op/a/root', 'skipped')], 'which was skipped'],
  ['passed on its own (an inconsistent server)', [result('op/a/root', 'passed')], 'which held in its own check'],
  [
    'was blocked by a known deviation (it could not be judged)',
    [result('op/z/known', 'known-deviation'), result('op/a/root', 'blocked', 'op/z/known')],
    'which its own check could not judge (blocked by op/z/known)',
  ],
] as const) {
  test(`a check blocked by a precondition whose own check ${what} is a failure, not hidden`, () => {
    const results = [...cause.map((r) => ({ ...r })), result('op/b/x', 'blocked', 'op/a/root')];
    linkBlocked(results);
    const blocked = results.at(-1);
    expect(blocked?.outcome).toBe('failed');
    expect(blocked?.blockedBy).toBeUndefined();
    expect(blocked?.detail).toMatch(
      /^op\/b\/x \(MUST\)\nexpected: its precondition, the claim of op\/a\/root, .+\nactual: {3}it does not hold here: expected: url/,
    );
    expect(blocked?.detail).toContain(why);
    expect(verdictOf(summarize(results), false)).toBe('not conformant');
  });
}
