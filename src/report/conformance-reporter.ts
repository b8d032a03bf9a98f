// Playwright reporter that writes reports/conformance.json: the answer, check by check.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FullResult, Reporter, TestCase, TestResult } from '@playwright/test/reporter';
import { loadCatalog } from '../catalog';
import { loadSettings, MOCK_ORIGIN_ENV, type Settings } from '../config';
import { Redactor } from '../redact';
import { loadSpec } from '../spec';
import { type CheckResult, type ConformanceReport, summarize, toCheckResult } from './model';

export default class ConformanceReporter implements Reporter {
  private readonly settings: Settings = loadSettings();
  private readonly catalog = loadCatalog();
  private readonly results: CheckResult[] = [];
  private startedAt = new Date();

  onBegin(): void {
    this.startedAt = new Date();
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    const check = toCheckResult(test, result, '');
    if (!check) return;
    check.claim = this.catalog.get(check.check)?.claim ?? test.title;
    this.results.push(check);
  }

  async onEnd(result: FullResult): Promise<void> {
    const { target, reportDir } = this.settings;
    const baseUrl =
      target.kind === 'live' ? target.baseUrl : `${process.env[MOCK_ORIGIN_ENV] ?? 'http://127.0.0.1'}/v1`;
    const redactor = new Redactor(baseUrl, [this.settings.apiKey]);
    const spec = await loadSpec(this.settings.specPath).catch(() => undefined);
    this.results.sort((a, b) => a.check.localeCompare(b.check));
    const report: ConformanceReport = {
      target: { kind: target.kind, baseUrl, deviations: target.kind === 'mock' ? target.deviations : [] },
      spec: {
        file: path.relative(process.cwd(), this.settings.specPath) || this.settings.specPath,
        title: spec?.title ?? '',
        version: spec?.version ?? '',
        sha256: spec?.sha256 ?? '',
      },
      startedAt: this.startedAt.toISOString(),
      durationMs: Math.round(result.duration),
      strict: this.settings.strict,
      results: this.results,
      summary: summarize(this.results),
    };
    mkdirSync(reportDir, { recursive: true });
    writeFileSync(path.join(reportDir, 'conformance.json'), redactor.text(JSON.stringify(report, null, 2)));
  }

  printsToStdio(): boolean {
    return false;
  }
}
