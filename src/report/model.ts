// The conformance report's data, built from Playwright's results: one result per check, the
// verdict, and coverage. schemas/conformance-report.schema.json documents it.
import type { TestCase, TestResult } from '@playwright/test/reporter';
import type { CheckDef } from '../catalog';
import type { Expectation } from '../expectations';
import type { Exchange } from '../http';

export type Outcome = 'passed' | 'failed' | 'skipped' | 'warning' | 'known-deviation' | 'unexpectedly-passing';

export interface CheckResult {
  operationId: string;
  check: string;
  claim: string;
  level: 'MUST' | 'SHOULD';
  /** JSON pointer into the spec, with the quoted text when the check enforces a sentence. */
  citation: string;
  quote?: string;
  tags: string[];
  outcome: Outcome;
  /** Why it failed, warned or was skipped, in plain words; empty when it passed. */
  detail: string;
  /** Facts the check recorded on the way, e.g. "refused with 404". */
  notes: string[];
  /** The accepted deviation this check is listed under, when it is. */
  expectation?: Expectation;
  durationMs: number;
  evidence: Exchange[];
}

export interface StatusCoverage {
  status: string;
  exercised: boolean;
  /** Checks whose requests got this status. */
  checks: string[];
  /** Why no check got it, e.g. "DIFY_API_DISABLED_DATASET_ID is not set". */
  reason?: string;
}

export interface FieldCoverage {
  field: string;
  seen: boolean;
}

export type Verdict = 'conformant' | 'not conformant' | 'conformant with known deviations';

export interface Summary {
  passed: number;
  failed: number;
  skipped: number;
  warning: number;
  knownDeviation: number;
  unexpectedlyPassing: number;
  total: number;
}

export interface ConformanceReport {
  tool: { name: string; version: string };
  /** Host and path of the API base only: never credentials or a query. */
  target: { kind: 'live' | 'mock'; baseUrl: string; deviations: string[]; insecureTls: boolean };
  spec: { file: string; title: string; version: string; sha256: string };
  expectationsFile?: string;
  startedAt: string;
  durationMs: number;
  strict: boolean;
  verdict: Verdict;
  results: CheckResult[];
  coverage: {
    statusCodes: Record<string, StatusCoverage[]>;
    documentFields: FieldCoverage[];
  };
  summary: Summary;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes are control characters.
const ANSI = /\u001b\[[0-9;]*m/g;

function annotationsOf(test: TestCase, result: TestResult, type: string): string[] {
  const all = [...test.annotations, ...(result.annotations ?? [])];
  return [...new Set(all.filter((a) => a.type === type).map((a) => a.description ?? ''))];
}

function evidenceOf(result: TestResult): Exchange[] {
  const attachment = result.attachments.find((a) => a.name === 'evidence' && a.body);
  return attachment?.body ? (JSON.parse(attachment.body.toString('utf8')) as Exchange[]) : [];
}

/** The raw outcome of one finished check, before expectations apply. */
function rawOutcome(result: TestResult, warnings: string[], skipReason: string | undefined): [Outcome, string] {
  if (result.status === 'skipped') return ['skipped', skipReason ?? 'skipped'];
  if (result.status === 'passed') return [warnings.length > 0 ? 'warning' : 'passed', warnings.join('\n\n')];
  const errors = result.errors.map((e) => (e.message ?? e.value ?? '').replace(ANSI, ''));
  if (result.status === 'timedOut') errors.unshift(`the check timed out after ${result.duration} ms`);
  return ['failed', errors.filter(Boolean).join('\n\n')];
}

/** Applies an accepted deviation: a failure becomes known, a pass becomes news. */
function withExpectation(outcome: Outcome, expectation: Expectation | undefined): Outcome {
  if (!expectation) return outcome;
  if (outcome === 'failed') return 'known-deviation';
  if (outcome === 'passed' || outcome === 'warning') return 'unexpectedly-passing';
  return outcome;
}

/** One finished test as a check result; undefined for tests that are not checks. */
export function toCheckResult(
  test: TestCase,
  result: TestResult,
  def: CheckDef | undefined,
  expectation: Expectation | undefined,
): CheckResult | undefined {
  const check = annotationsOf(test, result, 'check')[0];
  if (!check || !def) return undefined;
  const [outcome, detail] = rawOutcome(
    result,
    annotationsOf(test, result, 'warning'),
    annotationsOf(test, result, 'skip')[0],
  );
  return {
    operationId: def.operation,
    check,
    claim: def.claim,
    level: def.level,
    citation: `#${annotationsOf(test, result, 'cite')[0] ?? def.cite.at}`,
    quote: def.cite.quote,
    tags: def.tags,
    outcome: withExpectation(outcome, expectation),
    detail,
    notes: annotationsOf(test, result, 'info'),
    expectation,
    durationMs: result.duration,
    evidence: evidenceOf(result),
  };
}

/** Field names seen in Get Document bodies, recorded by the checks. */
export function fieldsSeen(test: TestCase, result: TestResult): string[] {
  return annotationsOf(test, result, 'fields-seen').flatMap((list) => list.split(','));
}

export function summarize(results: CheckResult[]): Summary {
  const count = (outcome: Outcome) => results.filter((r) => r.outcome === outcome).length;
  return {
    passed: count('passed'),
    failed: count('failed'),
    skipped: count('skipped'),
    warning: count('warning'),
    knownDeviation: count('known-deviation'),
    unexpectedlyPassing: count('unexpectedly-passing'),
    total: results.length,
  };
}

/** A run fails on any failed check, and under strict also on an expectation that no longer holds. */
export function runFails(summary: Summary, strict: boolean): boolean {
  return summary.failed > 0 || (strict && summary.unexpectedlyPassing > 0);
}

export function verdictOf(summary: Summary, strict: boolean): Verdict {
  if (runFails(summary, strict)) return 'not conformant';
  return summary.knownDeviation > 0 ? 'conformant with known deviations' : 'conformant';
}

/** Every documented status of each checked operation: which checks saw it, or why none did. */
export function statusCoverage(
  documented: Record<string, string[]>,
  results: CheckResult[],
  catalog: Map<string, CheckDef>,
): Record<string, StatusCoverage[]> {
  const coverage: Record<string, StatusCoverage[]> = {};
  for (const [operationId, statuses] of Object.entries(documented)) {
    coverage[operationId] = statuses.map((status) => {
      const checks = results
        .filter((r) => r.evidence.some((e) => e.operationId === operationId && String(e.status) === status))
        .map((r) => r.check);
      if (checks.length > 0) return { status, exercised: true, checks };
      const skipped = results.filter(
        (r) =>
          r.operationId === operationId &&
          r.outcome === 'skipped' &&
          String(catalog.get(r.check)?.case?.status ?? '') === status,
      );
      const reason =
        skipped.length > 0
          ? skipped.map((r) => `${r.check}: ${r.detail}`).join('; ')
          : 'no check in tests/checks.yaml provokes it';
      return { status, exercised: false, checks: [], reason };
    });
  }
  return coverage;
}
