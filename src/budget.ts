// The run's time budget (CONFORMANCE_MAX_DURATION) as one check sees it: how much is left, and a
// timeout at its end that the reporter can tell from a slow server (the check is then "not run").
import type { TestInfo } from '@playwright/test';
import { DEADLINE_ENV, type Settings } from './config';

/** What is left of the budget, in ms (the global setup's deadline; without one, a whole budget from now), and why a check ends there. */
export function budgetLeft(settings: Settings): { left: number; why: string } {
  const deadline = Number(process.env[DEADLINE_ENV] ?? Date.now() + settings.maxDurationMs);
  return {
    left: deadline - Date.now(),
    why: `time budget spent (CONFORMANCE_MAX_DURATION=${settings.maxDurationMs / 1000} s)`,
  };
}

/** Sets the check's timeout to the budget's end, marked as the budget's. */
export function timeoutAtBudget(testInfo: TestInfo, left: number, why: string): void {
  testInfo.setTimeout(left);
  if (!testInfo.annotations.some((annotation) => annotation.type === 'budget')) {
    testInfo.annotations.push({ type: 'budget', description: why });
  }
}
