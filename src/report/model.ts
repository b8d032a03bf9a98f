// The conformance report's data, built from Playwright's results: one result per check, the
// verdict, and coverage. schemas/conformance-report.schema.json documents it.

import { readFileSync } from 'node:fs';
import type { TestCase, TestResult } from '@playwright/test/reporter';
import type { OpenAPIV3 } from 'openapi-types';
import type { CheckDef } from '../catalog';
import type { Discovered } from '../config';
import type { ContractNote } from '../contract';
import { type Expectation, mismatch } from '../expectations';
import type { Exchange } from '../http';
import type { Operation } from '../spec';

export type Outcome =
  | 'passed'
  | 'failed'
  | 'blocked'
  | 'skipped'
  | 'warning'
  | 'known-deviation'
  | 'unexpectedly-passing'
  | 'not-run';

export interface CheckResult {
  operationId: string;
  check: string;
  claim: string;
  level: 'MUST' | 'SHOULD';
  /** JSON pointer into the spec, with the quoted text when the check enforces a sentence. */
  citation: string;
  /** The citation as a reader finds it: operation, then the place, parameters by name. */
  citationLabel?: string;
  quote?: string;
  tags: string[];
  outcome: Outcome;
  /** Why it failed, warned, was blocked or skipped, in plain words; empty when it passed. */
  detail: string;
  /** The failed check whose claim this one relies on, when blocked. */
  blockedBy?: string;
  /** The checks this failure blocked. */
  blocks?: string[];
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

/** A documented parameter of an operation: whether any request sent it, and which of its documented values. */
export interface ParameterCoverage {
  name: string;
  in: string;
  exercised: boolean;
  /** For a parameter with documented values: each, and whether a request sent it. */
  values?: { value: string; exercised: boolean }[];
  reason?: string;
}

export interface FieldCoverage {
  field: string;
  seen: boolean;
}

/** `not run`: the run stopped before any check (e.g. the preflight); `incomplete`: the time budget ran out. */
export type Verdict = 'conformant' | 'not conformant' | 'conformant with known deviations' | 'incomplete' | 'not run';

/** Why the run as a whole did not finish: a failing JUnit case of its own, named by `check`. */
export interface RunStop {
  check: 'run/preflight' | 'run/time-budget';
  claim: string;
  cause: string;
}

/** What the run sent: each exchange judged by several checks is sent once. */
export interface Traffic {
  /** Requests the checks sent (retries included, discovery and clean-up not). */
  requests: number;
  /** Distinct requests among them (method, URL, headers, body). */
  distinct: number;
  /** Times a check judged an exchange another check had sent. */
  reused: number;
}

export interface Summary {
  passed: number;
  failed: number;
  blocked: number;
  skipped: number;
  warning: number;
  knownDeviation: number;
  unexpectedlyPassing: number;
  notRun: number;
  total: number;
}

export interface ConformanceReport {
  tool: { name: string; version: string };
  /** Host and path of the API base only: never credentials or a query. */
  target: {
    kind: 'live' | 'mock';
    baseUrl: string;
    /** On the mock: the release it answered as (CONFORMANCE_MOCK_PROFILE). */
    profile?: string;
    deviations: string[];
    insecureTls: boolean;
  };
  spec: {
    file: string;
    title: string;
    version: string;
    sha256: string;
    uncheckedFormats?: string[];
    /** The contract's `x-note`s: where the docs contradict themselves, the choice it made. */
    notes?: ContractNote[];
    /** What the contract leaves undocumented that checks would need. */
    gaps?: string[];
  };
  /** On a live target: the ids discovery found by listing, and why it found none for others. */
  discovery?: Discovered;
  expectationsFile?: string;
  startedAt: string;
  durationMs: number;
  /** CONFORMANCE_MAX_DURATION in milliseconds. */
  budgetMs: number;
  strict: boolean;
  verdict: Verdict;
  stopped?: RunStop;
  traffic: Traffic;
  /** Known deviations of the expectations file that matched no failure of this run. */
  expectationsUnmatched?: UnmatchedExpectation[];
  results: CheckResult[];
  coverage: {
    statusCodes: Record<string, StatusCoverage[]>;
    /** Per operation with a documented JSON success answer. */
    fields: Record<string, FieldCoverage[]>;
    /** Per operation, its documented path and query parameters. */
    parameters: Record<string, ParameterCoverage[]>;
  };
  summary: Summary;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes are control characters.
const ANSI = /\u001b\[[0-9;]*m/g;

function annotationsOf(test: TestCase, result: TestResult, type: string): string[] {
  const all = [...test.annotations, ...(result.annotations ?? [])];
  return [...new Set(all.filter((a) => a.type === type).map((a) => a.description ?? ''))];
}

/** The check's evidence: inline in a run, a file once merge-reports has unpacked a shard's blob. */
function evidenceOf(result: TestResult): Exchange[] {
  const attachment = result.attachments.find((a) => a.name === 'evidence' && (a.body || a.path));
  const text = attachment?.body?.toString('utf8') ?? (attachment?.path ? readFileSync(attachment.path, 'utf8') : '');
  return text ? (JSON.parse(text) as Exchange[]) : [];
}

/** How a check that the time budget left no room for is reported. */
export const NOT_RUN = 'not run';

/** The raw outcome of one finished check, before expectations apply. */
function rawOutcome(
  result: TestResult,
  warnings: string[],
  skipReason: string | undefined,
  blocked: string | undefined,
  budgetCut: string | undefined,
): [Outcome, string] {
  if (result.status === 'skipped' && skipReason?.startsWith(NOT_RUN)) return ['not-run', skipReason];
  // The check's own timeout was cut to what was left of the budget: the budget ended it, not the server.
  if (result.status === 'timedOut' && budgetCut) return ['not-run', `${NOT_RUN}: ${budgetCut}`];
  if (result.status === 'skipped' && blocked) return ['blocked', blocked];
  if (result.status === 'skipped') return ['skipped', skipReason ?? 'skipped'];
  if (result.status === 'passed') return [warnings.length > 0 ? 'warning' : 'passed', warnings.join('\n\n')];
  const errors = result.errors.map((e) => (e.message ?? e.value ?? '').replace(ANSI, ''));
  if (result.status === 'timedOut') errors.unshift(`the check timed out after ${result.duration} ms`);
  return ['failed', errors.filter(Boolean).join('\n\n')];
}

/**
 * Applies an accepted deviation: the failure it pins becomes known, any other failure stays one
 * (saying why it is not the known one), and a pass becomes news.
 */
function withExpectation(outcome: Outcome, detail: string, expectation: Expectation | undefined): [Outcome, string] {
  if (!expectation) return [outcome, detail];
  if (outcome === 'failed') {
    const why = mismatch(expectation, detail);
    return why ? ['failed', `${detail}\nnot the known deviation: ${why}`] : ['known-deviation', detail];
  }
  if (outcome === 'passed' || outcome === 'warning') return ['unexpectedly-passing', detail];
  return [outcome, detail];
}

/** One finished test as a check result; undefined for tests that are not checks. */
export function toCheckResult(
  test: TestCase,
  result: TestResult,
  def: CheckDef | undefined,
  expectation: Expectation | undefined,
  citationLabel?: string,
): CheckResult | undefined {
  const check = annotationsOf(test, result, 'check')[0];
  if (!check || !def) return undefined;
  // A blocked annotation is "<check id>\n<why its precondition failed>".
  const blocked = annotationsOf(test, result, 'blocked')[0];
  const blockedBy = blocked?.split('\n')[0];
  const [outcome, detail] = rawOutcome(
    result,
    annotationsOf(test, result, 'warning'),
    annotationsOf(test, result, 'skip')[0],
    blocked && `blocked by ${blockedBy}: ${blocked.split('\n').slice(1).join('\n')}`,
    annotationsOf(test, result, 'budget')[0],
  );
  const [judged, told] = withExpectation(outcome, detail, expectation);
  return {
    operationId: def.operation,
    check,
    claim: def.claim,
    level: def.level,
    citation: `#${annotationsOf(test, result, 'cite')[0] ?? def.cite.at}`,
    ...(citationLabel ? { citationLabel } : {}),
    quote: def.cite.quote,
    tags: def.tags,
    outcome: judged,
    detail: told,
    ...(outcome === 'blocked' ? { blockedBy } : {}),
    notes: annotationsOf(test, result, 'info'),
    expectation,
    durationMs: result.duration,
    evidence: evidenceOf(result),
  };
}

/** A check that never ended: the run's budget or an interruption stopped it first. */
export function notRunResult(def: CheckDef, citationLabel: string | undefined, detail: string): CheckResult {
  return {
    operationId: def.operation,
    check: def.id,
    claim: def.claim,
    level: def.level,
    citation: `#${def.cite.at}`,
    ...(citationLabel ? { citationLabel } : {}),
    quote: def.cite.quote,
    tags: def.tags,
    outcome: 'not-run',
    detail,
    notes: [],
    durationMs: 0,
    evidence: [],
  };
}

/** Fields seen in success answers, recorded by the checks as "<operationId>:<field>,<field>…". */
export function fieldsSeen(test: TestCase, result: TestResult): [string, string[]][] {
  return annotationsOf(test, result, 'fields-seen').map((entry) => {
    const [operationId = '', fields = ''] = entry.split(':');
    return [operationId, fields.split(',').filter(Boolean)];
  });
}

/**
 * One cause, one failure, across checks too: a blocked check names a failure that this run
 * reports, and that failure lists what it blocked. A precondition that failed where its own check
 * did not fail (it passed, was skipped, or was not selected to run) is itself a failure here, or
 * a run of a few checks could hide a broken server behind "blocked".
 */
export function linkBlocked(results: CheckResult[]): void {
  const byId = new Map(results.map((r) => [r.check, r]));
  for (const result of results) {
    if (result.outcome !== 'blocked' || !result.blockedBy) continue;
    const cause = byId.get(result.blockedBy);
    if (cause?.outcome === 'failed' || cause?.outcome === 'known-deviation') {
      cause.blocks = [...(cause.blocks ?? []), result.check];
      continue;
    }
    const why = !cause
      ? 'which this run did not run'
      : cause.outcome === 'skipped'
        ? 'which was skipped'
        : cause.outcome === 'blocked'
          ? `which its own check could not judge (blocked by ${cause.blockedBy})`
          : 'which held in its own check (the server answered inconsistently)';
    // A precondition is another check's MUST claim, whatever this check's own level.
    result.detail =
      `${result.check} (MUST)\nexpected: its precondition, the claim of ${result.blockedBy}, ${why}\n` +
      `actual:   it does not hold here: ${result.detail.replace(/^blocked by [^:]+: /, '')}`;
    [result.outcome, result.detail] = withExpectation('failed', result.detail, result.expectation);
    delete result.blockedBy;
  }
}

export function summarize(results: CheckResult[]): Summary {
  const count = (outcome: Outcome) => results.filter((r) => r.outcome === outcome).length;
  return {
    passed: count('passed'),
    failed: count('failed'),
    blocked: count('blocked'),
    skipped: count('skipped'),
    warning: count('warning'),
    knownDeviation: count('known-deviation'),
    unexpectedlyPassing: count('unexpectedly-passing'),
    notRun: count('not-run'),
    total: results.length,
  };
}

/**
 * A run fails on any failed check, on checks the time budget left unrun, when it stopped before
 * the checks, and under strict also on an expectation that no longer holds.
 */
export function runFails(summary: Summary, strict: boolean, stopped?: RunStop): boolean {
  return (
    stopped !== undefined || summary.failed > 0 || summary.notRun > 0 || (strict && summary.unexpectedlyPassing > 0)
  );
}

export function verdictOf(summary: Summary, strict: boolean, stopped?: RunStop): Verdict {
  if (stopped?.check === 'run/preflight') return 'not run';
  if (summary.failed > 0 || (strict && summary.unexpectedlyPassing > 0)) return 'not conformant';
  if (stopped || summary.notRun > 0) return 'incomplete';
  return summary.knownDeviation > 0 ? 'conformant with known deviations' : 'conformant';
}

/** A known deviation in the expectations file that no failure of this run matched, and why. */
export interface UnmatchedExpectation {
  check: string;
  reason: string;
  why: string;
}

/** Expectations that matched no failure: stale, or pinned to another shape of the failure, or not run. */
export function unmatchedExpectations(
  expectations: Map<string, Expectation>,
  results: CheckResult[],
): UnmatchedExpectation[] {
  const byCheck = new Map(results.map((r) => [r.check, r]));
  const unmatched: UnmatchedExpectation[] = [];
  for (const [check, { reason }] of expectations) {
    const outcome = byCheck.get(check)?.outcome;
    if (outcome === 'known-deviation') continue;
    const why =
      outcome === undefined
        ? 'the check was not in this run'
        : outcome === 'unexpectedly-passing'
          ? 'the check passes'
          : outcome === 'failed'
            ? 'the check fails otherwise than the expectation pins'
            : `the check was ${LABELS_PLAIN[outcome]}`;
    unmatched.push({ check, reason, why });
  }
  return unmatched;
}

const LABELS_PLAIN: Partial<Record<Outcome, string>> = {
  blocked: 'blocked',
  skipped: 'skipped',
  'not-run': 'not run',
  warning: 'a warning',
  passed: 'passed',
};

/** Requests sent, distinct requests among them, and exchanges a check reused from another. */
export function trafficOf(results: CheckResult[]): Traffic {
  const sent = results.flatMap((r) => r.evidence).filter((e) => e.reusedFrom === undefined);
  return {
    requests: sent.length,
    distinct: new Set(sent.map((e) => e.fingerprint)).size,
    reused: results.reduce((n, r) => n + r.evidence.filter((e) => e.reusedFrom !== undefined).length, 0),
  };
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
          (r.outcome === 'skipped' || r.outcome === 'blocked') &&
          String(catalog.get(r.check)?.status ?? catalog.get(r.check)?.case.status ?? '') === status,
      );
      const reason =
        skipped.length > 0
          ? skipped.map((r) => `${r.check}: ${r.detail}`).join('; ')
          : 'no check in the catalog provokes it';
      return { status, exercised: false, checks: [], reason };
    });
  }
  return coverage;
}

type Parameter = OpenAPIV3.ParameterObject;

/** The values a request gave each path and query parameter of an operation. */
function sentValues(operation: Operation, url: string): Map<string, string[]> {
  const sent = new Map<string, string[]>();
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return sent;
  }
  for (const [name, value] of parsed.searchParams) sent.set(name, [...(sent.get(name) ?? []), value]);
  // The template's segments line up with the URL path's last ones (the API base comes before them).
  const template = operation.path.split('/');
  const segments = parsed.pathname.split('/').slice(-template.length);
  template.forEach((segment, index) => {
    const name = /^\{(\w+)\}$/.exec(segment)?.[1];
    const value = segments[index];
    if (name && value !== undefined) sent.set(name, [decodeURIComponent(value)]);
  });
  return sent;
}

const documentedValues = (parameter: Parameter): unknown[] | undefined => {
  const schema = parameter.schema as OpenAPIV3.SchemaObject | undefined;
  if (schema?.type === 'boolean') return [true, false];
  return schema?.enum ?? ((schema as OpenAPIV3.ArraySchemaObject | undefined)?.items as OpenAPIV3.SchemaObject)?.enum;
};

/** Per operation, which documented parameters (and documented values) the run's requests sent. */
export function parameterCoverage(
  operations: Operation[],
  results: CheckResult[],
): Record<string, ParameterCoverage[]> {
  const coverage: Record<string, ParameterCoverage[]> = {};
  for (const operation of operations) {
    const sent = new Map<string, Set<string>>();
    for (const exchange of results.flatMap((r) => r.evidence)) {
      if (exchange.operationId !== operation.operationId) continue;
      for (const [name, values] of sentValues(operation, exchange.url)) {
        const known = sent.get(name) ?? new Set<string>();
        for (const value of values) known.add(value);
        sent.set(name, known);
      }
    }
    coverage[operation.operationId] = ((operation.definition.parameters ?? []) as Parameter[])
      .filter((p) => p.in === 'path' || p.in === 'query')
      .map((parameter) => {
        const given = sent.get(parameter.name) ?? new Set<string>();
        const documented = documentedValues(parameter)?.map(String);
        const values = documented?.map((value) => ({ value, exercised: given.has(value) }));
        const missing = values?.filter((v) => !v.exercised).map((v) => v.value) ?? [];
        const exercised = given.size > 0;
        const reason = !exercised
          ? 'no request sent it'
          : missing.length > 0
            ? `no request sent ${missing.join(', ')}`
            : undefined;
        return {
          name: parameter.name,
          in: parameter.in,
          exercised,
          ...(values ? { values } : {}),
          ...(reason ? { reason } : {}),
        };
      });
  }
  return coverage;
}
