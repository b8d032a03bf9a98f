// The conformance report's data: one result per check, built from Playwright's test results.
import type { TestCase, TestResult } from '@playwright/test/reporter';
import type { Exchange } from '../http';

export type Outcome = 'passed' | 'failed' | 'skipped' | 'warning';

export interface CheckResult {
  operationId: string;
  check: string;
  claim: string;
  level: 'MUST' | 'SHOULD';
  citation: string;
  tags: string[];
  outcome: Outcome;
  /** Why it failed, warned or was skipped, in plain words; empty when it passed. */
  detail: string;
  durationMs: number;
  evidence: Exchange[];
}

export interface ConformanceReport {
  target: { kind: 'live' | 'mock'; baseUrl: string; deviations: string[] };
  spec: { file: string; title: string; version: string; sha256: string };
  startedAt: string;
  durationMs: number;
  strict: boolean;
  results: CheckResult[];
  summary: { passed: number; failed: number; skipped: number; warning: number; total: number };
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes are control characters.
const ANSI = /\u001b\[[0-9;]*m/g;

function annotation(test: TestCase, result: TestResult, type: string): string | undefined {
  const all = [...test.annotations, ...(result.annotations ?? [])];
  return all.find((a) => a.type === type)?.description;
}

function annotations(test: TestCase, result: TestResult, type: string): string[] {
  const all = [...(result.annotations ?? []), ...test.annotations];
  return [...new Set(all.filter((a) => a.type === type).map((a) => a.description ?? ''))];
}

function evidenceOf(result: TestResult): Exchange[] {
  const attachment = result.attachments.find((a) => a.name === 'evidence' && a.body);
  return attachment?.body ? (JSON.parse(attachment.body.toString('utf8')) as Exchange[]) : [];
}

/** Maps one finished test to its check result; undefined for tests that are not checks. */
export function toCheckResult(test: TestCase, result: TestResult, claim: string): CheckResult | undefined {
  const check = annotation(test, result, 'check');
  if (!check) return undefined;
  const warnings = annotations(test, result, 'warning');
  let outcome: Outcome;
  let detail = '';
  if (result.status === 'skipped') {
    outcome = 'skipped';
    detail = annotation(test, result, 'skip') ?? 'skipped';
  } else if (result.status === 'passed') {
    outcome = warnings.length > 0 ? 'warning' : 'passed';
    detail = warnings.join('\n\n');
  } else {
    outcome = 'failed';
    const errors = result.errors.map((e) => (e.message ?? e.value ?? '').replace(ANSI, ''));
    detail = (result.status === 'timedOut' ? [`the check timed out after ${result.duration} ms`, ...errors] : errors)
      .filter(Boolean)
      .join('\n\n');
  }
  return {
    operationId: annotation(test, result, 'operation') ?? '',
    check,
    claim,
    level: annotation(test, result, 'level') === 'SHOULD' ? 'SHOULD' : 'MUST',
    citation: `#${annotation(test, result, 'cite') ?? ''}`,
    tags: test.tags.map((tag) => tag.replace(/^@/, '')),
    outcome,
    detail,
    durationMs: result.duration,
    evidence: evidenceOf(result),
  };
}

export function summarize(results: CheckResult[]): ConformanceReport['summary'] {
  const count = (outcome: Outcome) => results.filter((r) => r.outcome === outcome).length;
  return {
    passed: count('passed'),
    failed: count('failed'),
    skipped: count('skipped'),
    warning: count('warning'),
    total: results.length,
  };
}
