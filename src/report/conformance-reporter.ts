// Playwright reporter that writes the answer: reports/conformance.json, conformance.html and
// junit.xml, check by check, with known deviations applied and every secret redacted.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type {
  FullConfig,
  FullResult,
  Reporter,
  Suite,
  TestCase,
  TestError,
  TestResult,
  TestStep,
} from '@playwright/test/reporter';
import { version } from '../../package.json';
import { type Catalog, citationLabel, loadCatalog } from '../catalog';
import { type Discovered, discoveredOf, loadSettings, MOCK_ORIGIN_ENV, type Settings, STOPPED_MARK } from '../config';
import { contractGaps, contractNotes, propertiesOf, successJson } from '../contract';
import { Redactor } from '../redact';
import { type LoadedSpec, loadSpecSync } from '../spec';
import { Validators } from '../validation';
import { findingsOf, renderFindings } from './findings';
import { renderHtml } from './html';
import { renderJunit } from './junit';
import {
  type CheckResult,
  type ConformanceReport,
  fieldsSeen,
  linkBlocked,
  NOT_RUN,
  notRunResult,
  parameterCoverage,
  type RunStop,
  runFails,
  statusCoverage,
  summarize,
  toCheckResult,
  trafficOf,
  unmatchedExpectations,
  verdictOf,
} from './model';

function documentedStatuses(spec: LoadedSpec, operations: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const operationId of operations) {
    const responses = spec.operations.get(operationId)?.definition.responses ?? {};
    out[operationId] = Object.keys(responses).filter((status) => /^\d{3}$/.test(status));
  }
  return out;
}

/** Per operation with a documented JSON success answer: its documented top-level fields. */
function documentedFields(spec: LoadedSpec): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const operation of spec.operations.values()) {
    const success = successJson(operation);
    if (success) out[operation.operationId] = propertiesOf(success.schema).documented;
  }
  return out;
}

const CONTEXT = 'run-context';

interface RunContext {
  mockOrigin?: string;
  discovery?: Discovered;
}

export default class ConformanceReporter implements Reporter {
  private readonly settings: Settings = loadSettings();
  private readonly spec: LoadedSpec = loadSpecSync(this.settings.specPath);
  private readonly catalog: Catalog = loadCatalog(this.settings.specPath);
  private readonly results: CheckResult[] = [];
  /** Fields seen in success answers, per operation. */
  private readonly seen = new Map<string, Set<string>>();
  /** Every test of the run, so that those the budget cut off still have a row. */
  private tests: TestCase[] = [];
  private readonly ended = new Set<TestCase>();
  /** Set in a shard: its blob, not this reporter, carries the results to merge-reports. */
  private shard: FullConfig['shard'] = null;
  /** What the global setup learned (in a shard, or replayed from one by merge-reports). */
  private context: RunContext | undefined;
  /** Why the global setup stopped the run, from its error (replayed by merge-reports too). */
  private preflight: string | undefined;

  // For step titles; the embedded mock's origin is not known yet, so there API queries go too.
  private readonly redactor = new Redactor(
    this.settings.target.kind === 'live' ? this.settings.target.baseUrl : undefined,
    [this.settings.apiKey],
  );

  onBegin(config: FullConfig, suite: Suite): void {
    this.tests = suite.allTests();
    this.shard = config.shard;
  }

  onError(error: TestError): void {
    const stopped = new RegExp(`${STOPPED_MARK}(.+)`).exec(error.message ?? '')?.[1];
    if (stopped) this.preflight ??= stopped.trim();
  }

  /**
   * Playwright titles API-request steps with the URL, signed query included, and its HTML report
   * serialises these same step objects at the end: redact them in place before it does.
   */
  onStepEnd(_test: TestCase, _result: TestResult, step: TestStep): void {
    const raw = step as TestStep & { subtitle?: string; params?: Record<string, unknown> };
    raw.title = this.redactor.text(raw.title);
    if (typeof raw.subtitle === 'string') raw.subtitle = this.redactor.text(raw.subtitle);
    if (raw.params) {
      for (const [name, value] of Object.entries(raw.params)) {
        if (typeof value === 'string') raw.params[name] = this.redactor.text(value);
      }
    }
    if (raw.error?.message) raw.error.message = this.redactor.text(raw.error.message);
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    this.ended.add(test);
    this.carryContext(result);
    const id = test.annotations.find((a) => a.type === 'check')?.description ?? '';
    const def = this.catalog.checks.get(id);
    const label = def && citationLabel(def, this.spec);
    const check = toCheckResult(test, result, def, this.settings.expectations.get(id), label);
    if (!check) return;
    this.results.push(check);
    for (const [operationId, fields] of fieldsSeen(test, result)) {
      const seen = this.seen.get(operationId) ?? new Set<string>();
      for (const field of fields) seen.add(field);
      this.seen.set(operationId, seen);
    }
  }

  /**
   * The global setup's findings live in this process's environment; a shard's blob carries them
   * to merge-reports as an annotation of the shard's first result.
   */
  private carryContext(result: TestResult): void {
    const found = result.annotations.find((a) => a.type === CONTEXT)?.description;
    if (found) this.context ??= JSON.parse(found) as RunContext;
    if (!this.shard || this.context) return;
    const discovery = discoveredOf();
    this.context = { mockOrigin: process.env[MOCK_ORIGIN_ENV], ...(discovery ? { discovery } : {}) };
    result.annotations.push({ type: CONTEXT, description: JSON.stringify(this.context) });
  }

  async onEnd(result: FullResult): Promise<{ status?: FullResult['status'] }> {
    if (this.shard) {
      const { current, total } = this.shard;
      console.log(
        `\nShard ${current}/${total} done: its results are in ${path.join(this.settings.reportDir, 'blob')}. ` +
          "With every shard's blob in one folder: npx playwright merge-reports --config playwright.config.ts <folder>",
      );
      return {};
    }
    const { target, reportDir, strict } = this.settings;
    const origin = process.env[MOCK_ORIGIN_ENV] ?? this.context?.mockOrigin ?? 'http://127.0.0.1';
    const baseUrl = target.kind === 'live' ? target.baseUrl : `${origin}/v1`;
    const redactor = new Redactor(baseUrl, [this.settings.apiKey]);
    const { spec } = this;
    const discovered = discoveredOf() ?? this.context?.discovery;
    const budgetS = this.settings.maxDurationMs / 1000;
    // Playwright's own global timeout (the budget's backstop) ends the run without ending its tests.
    for (const test of this.tests.filter((t) => !this.ended.has(t))) {
      const id = test.annotations.find((a) => a.type === 'check')?.description ?? '';
      const def = this.catalog.checks.get(id);
      if (def) {
        const why = result.status === 'interrupted' ? 'the run was interrupted' : 'time budget spent';
        this.results.push(notRunResult(def, citationLabel(def, this.spec), `${NOT_RUN}: ${why}`));
      }
    }
    this.results.sort((a, b) => a.check.localeCompare(b.check));
    linkBlocked(this.results);
    const summary = summarize(this.results);
    const stopped = this.stopped(summary.notRun, budgetS);
    const operations = [...new Set([...this.catalog.checks.values()].map((def) => def.operation))];
    const fields = Object.fromEntries(
      Object.entries(documentedFields(spec)).map(([operationId, documented]) => [
        operationId,
        documented.map((field) => ({ field, seen: this.seen.get(operationId)?.has(field) ?? false })),
      ]),
    );
    const report: ConformanceReport = {
      tool: { name: 'dify-knowledge-conformance', version },
      target: {
        kind: target.kind,
        baseUrl,
        ...(target.kind === 'mock' ? { profile: target.profile } : {}),
        deviations: target.kind === 'mock' ? target.deviations : [],
        insecureTls: this.settings.insecureTls,
      },
      spec: {
        file: path.relative(process.cwd(), this.settings.specPath) || this.settings.specPath,
        title: spec.title,
        version: spec.version,
        sha256: spec.sha256,
        uncheckedFormats: new Validators(spec).uncheckedFormats,
        notes: contractNotes(spec),
        gaps: contractGaps(spec),
      },
      // Discovery runs in the global setup, after this reporter read its settings.
      ...(discovered ? { discovery: discovered } : {}),
      expectationsFile: this.settings.expectationsFile,
      ...(this.settings.expectationsFile
        ? { expectationsUnmatched: unmatchedExpectations(this.settings.expectations, this.results) }
        : {}),
      startedAt: result.startTime.toISOString(),
      durationMs: Math.round(result.duration),
      budgetMs: this.settings.maxDurationMs,
      strict,
      verdict: verdictOf(summary, strict, stopped),
      ...(stopped ? { stopped } : {}),
      traffic: trafficOf(this.results),
      results: this.results,
      coverage: {
        statusCodes: statusCoverage(documentedStatuses(spec, operations), this.results, this.catalog.checks),
        fields,
        parameters: parameterCoverage(
          operations.flatMap((id) => spec.operations.get(id) ?? []),
          this.results,
        ),
      },
      summary,
    };
    mkdirSync(reportDir, { recursive: true });
    const write = (name: string, text: string) => writeFileSync(path.join(reportDir, name), redactor.text(text));
    write('conformance.json', `${JSON.stringify(report, null, 2)}\n`);
    write('conformance.html', renderHtml(report));
    write('junit.xml', renderJunit(report));
    write('findings.md', renderFindings(report, findingsOf(report.results)));
    const { passed, failed, blocked, skipped, warning, knownDeviation, unexpectedlyPassing, notRun } = summary;
    const { requests, distinct, reused } = report.traffic;
    const counts =
      report.verdict === 'not run'
        ? 'the run stopped before its checks'
        : `${passed} passed, ${failed} failed, ${blocked} blocked, ${skipped} skipped, ${warning} warnings, ` +
          `${knownDeviation} known deviations, ${unexpectedlyPassing} unexpectedly passing, ${notRun} not run.\n` +
          `Requests: ${requests} sent (${distinct} distinct), ${reused} reused by another check.`;
    console.log(`\nConformance: ${report.verdict} — ${counts}\nReport: ${path.join(reportDir, 'conformance.html')}`);
    const unmatched = report.expectationsUnmatched?.length ?? 0;
    if (unmatched > 0) console.log(`Expectations that matched no failure: ${unmatched} (listed in the report).`);
    if (stopped) console.error(`dify-knowledge-conformance: ${stopped.cause}`);
    // Known deviations do not fail the run; Playwright counted them as failed tests.
    if (result.status === 'interrupted') return { status: result.status };
    return { status: runFails(summary, strict, stopped) ? 'failed' : 'passed' };
  }

  /** The run-level failure, if any: the global setup's (preflight), or the time budget's. */
  private stopped(notRun: number, budgetS: number): RunStop | undefined {
    const { preflight } = this;
    if (preflight) {
      return { check: 'run/preflight', claim: 'the target answers as the Knowledge API', cause: preflight };
    }
    if (notRun === 0) return undefined;
    return {
      check: 'run/time-budget',
      claim: `the run finishes within CONFORMANCE_MAX_DURATION (${budgetS} s)`,
      cause:
        `the time budget ran out (CONFORMANCE_MAX_DURATION=${budgetS}): ${notRun} of ${this.results.length} checks ` +
        'not run; raise it, or shard the run over several machines (README, "Sharding").',
    };
  }

  printsToStdio(): boolean {
    return false;
  }
}
