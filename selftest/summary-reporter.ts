// Writes test-results/selftest.json: the counts .ci/run prints as its closing `N passed, N failed`
// line (Playwright's JSON reporter would also keep every step of thousands of tests).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FullResult, Reporter, TestCase, TestResult } from '@playwright/test/reporter';

export default class SummaryReporter implements Reporter {
  private readonly outcomes = new Map<string, string>();

  constructor(private readonly options: { outputFile: string }) {}

  onTestEnd(test: TestCase, _result: TestResult): void {
    this.outcomes.set(test.id, test.outcome());
  }

  onEnd(result: FullResult): void {
    const count = (outcome: string) => [...this.outcomes.values()].filter((o) => o === outcome).length;
    const stats = {
      expected: count('expected'),
      unexpected: count('unexpected'),
      flaky: count('flaky'),
      skipped: count('skipped'),
    };
    mkdirSync(path.dirname(this.options.outputFile), { recursive: true });
    writeFileSync(this.options.outputFile, `${JSON.stringify({ status: result.status, stats }, null, 2)}\n`);
  }

  printsToStdio(): boolean {
    return false;
  }
}
