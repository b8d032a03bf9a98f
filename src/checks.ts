// Catalog checks as Playwright tests: each runs its template, and ends passed, warning, failed,
// blocked (a precondition, another check's claim, failed) or skipped; in a self-test project it
// asserts that outcome against what the project's broken mock should cause.
import type { TestInfo } from '@playwright/test';
import { acceptingKnown } from './accepted-preconditions';
import { budgetLeft, timeoutAtBudget } from './budget';
import { type Catalog, type CheckDef, citationPointer, citationText, loadCatalog } from './catalog';
import { specPathOf } from './config';
import type { Kit, SelfTestExpectation, test } from './fixtures';
import { TransportError, WriteRefused } from './http';
import { NOT_RUN } from './report/model';
import { GENERIC_TEMPLATES } from './templates';
import { Blocked, CheckSkipped, ContractViolation, restate } from './violation';

export interface CheckArgs extends Kit {
  def: CheckDef;
  catalog: Catalog;
  testInfo: TestInfo;
  /**
   * Runs `work` as a precondition that is check `id`'s claim: when it does not hold, this check
   * is blocked by `id` instead of failing. `id` must be in the row's depends_on.
   */
  given<T>(id: string, work: () => Promise<T>): Promise<T>;
}

export type Template = (args: CheckArgs) => Promise<void>;

type Outcome =
  | { kind: 'passed' }
  | { kind: 'warning'; message: string }
  | { kind: 'failed'; message: string; error: Error }
  | { kind: 'blocked'; by: string; detail: string }
  | { kind: 'skipped'; reason: string };

function transportMessage(def: CheckDef, error: TransportError): string {
  return [
    `${def.id} (MUST)`,
    'expected: an HTTP answer',
    `actual:   ${error.reason}`,
    `request:  ${error.request}`,
  ].join('\n');
}

async function outcomeOf(args: CheckArgs, template: Template): Promise<Outcome> {
  const { def, spec, settings, redactor } = args;
  const contract = `contract: ${citationText(def, spec)}`;
  try {
    await template(args);
    return { kind: 'passed' };
  } catch (error) {
    if (error instanceof Blocked) return { kind: 'blocked', by: error.by, detail: redactor.text(error.detail) };
    if (error instanceof CheckSkipped) return { kind: 'skipped', reason: error.message };
    // The client refuses writes to a live target without the opt-in: nothing was sent.
    if (error instanceof WriteRefused) return { kind: 'skipped', reason: error.message };
    if (error instanceof TransportError) {
      const message = redactor.text(`${transportMessage(def, error)}\n${contract}`);
      return { kind: 'failed', message, error };
    }
    if (!(error instanceof ContractViolation)) throw error;
    const level = settings.strict || !error.should ? 'MUST' : def.level;
    const message = redactor.text(`${def.id} (${level})\n${error.message}\n${contract}`);
    return level === 'SHOULD' ? { kind: 'warning', message } : { kind: 'failed', message, error };
  }
}

/** A check's dependencies and theirs: a precondition may be any of them (a dependency's own preconditions nest). */
function dependencies(def: CheckDef, catalog: Catalog): Set<string> {
  const found = new Set<string>();
  const visit = (id: string) => {
    for (const next of catalog.checks.get(id)?.dependsOn ?? []) {
      if (!found.has(next)) {
        found.add(next);
        visit(next);
      }
    }
  };
  visit(def.id);
  return found;
}

function givenFor(def: CheckDef, catalog: Catalog, kit: Kit, testInfo: TestInfo): CheckArgs['given'] {
  const allowed = dependencies(def, catalog);
  const note = (description: string) => testInfo.annotations.push({ type: 'info', description });
  return async (named, work) => {
    const id = catalog.replacedBy.get(named) ?? named;
    if (id === def.id) return work();
    if (!allowed.has(id)) throw new Error(`${def.id} relies on ${id}, which its depends_on does not reach`);
    try {
      return await acceptingKnown(kit.settings.expectations.get(id), note, work);
    } catch (error) {
      if (error instanceof Blocked || error instanceof CheckSkipped || error instanceof WriteRefused) throw error;
      if (error instanceof ContractViolation) throw new Blocked(id, error.message);
      if (error instanceof TransportError)
        throw new Blocked(id, kit.redactor.text(`${error.reason}\nrequest:  ${error.request}`));
      throw error;
    }
  };
}

/**
 * In a self-test project, what the outcome cannot show: the check calls only operations that it
 * or its dependencies judge (so its failures can be blocked where they should be), and every
 * deviation it can see runs it in its own project (so the checks a project leaves out cannot see it).
 */
function scopeProblems(def: CheckDef, catalog: Catalog, kit: Kit): string[] {
  const expected = kit.selfTest;
  if (!expected) return [];
  const judged = new Set([
    def.operation,
    ...[...dependencies(def, catalog)].map((id) => catalog.checks.get(id)?.operation),
  ]);
  const called = new Set(kit.evidence.map((e) => e.operationId).filter((op): op is string => op !== undefined));
  const problems = [...called]
    .filter((op) => !judged.has(op))
    .map(
      (op) => `${def.id} calls ${op}, which neither it nor its depends_on judge: name a check of ${op} it relies on`,
    );
  // Only in the conforming project is every check run: there, a check whose requests make the mock
  // consult a deviation must be in that deviation's project, or that project could miss it.
  for (const name of new Set((kit.mock?.requests ?? []).flatMap((request) => request.consulted))) {
    if (expected.scopes && !expected.scopes[name]?.includes(def.id)) {
      problems.push(
        `${def.id} can see deviation ${name} (the mock consults it answering this check), but that deviation's ` +
          "project does not run it: name it in the deviation's `sees`, or as a root check",
      );
    }
  }
  return problems;
}

/** In a self-test project: does the outcome match what the deviation should cause? */
function judge(def: CheckDef, outcome: Outcome, expected: SelfTestExpectation): string | undefined {
  const said = (o: Outcome) =>
    o.kind === 'blocked' ? `was blocked by ${o.by}` : o.kind === 'skipped' ? `was skipped (${o.reason})` : o.kind;
  const detail = 'message' in outcome ? `\n${outcome.message}` : 'detail' in outcome ? `\n${outcome.detail}` : '';
  const wrong = (wanted: string) =>
    `with deviation ${expected.deviation}, ${def.id} should ${wanted}, but it ${said(outcome)}${detail}`;
  if (expected.fails.includes(def.id)) {
    if (outcome.kind !== 'failed') return wrong('fail at the root');
    // A failure reads like a bug report: the check, expected vs actual, the request, the contract.
    const shape = [
      [def.id, outcome.message.includes(def.id)],
      ['expected/actual lines', /expected: .+\nactual: {3}.+/.test(outcome.message)],
      ['the request', /request: {2}(GET|POST|DELETE|PATCH|PUT) http/.test(outcome.message)],
      ['the contract', /\ncontract: #\/(paths|components)\//.test(outcome.message)],
      [`the cause "${expected.cause}"`, !expected.cause || outcome.message.includes(expected.cause)],
    ] as const;
    const lacking = shape.filter(([, ok]) => !ok).map(([what]) => what);
    return lacking.length
      ? `the failure of ${def.id} does not name ${lacking.join(', ')}:\n${outcome.message}`
      : undefined;
  }
  if (expected.warns.includes(def.id)) return outcome.kind === 'warning' ? undefined : wrong('warn');
  if (outcome.kind === 'passed') return undefined;
  if (outcome.kind === 'blocked' && expected.fails.includes(outcome.by)) return undefined;
  return wrong(expected.fails.length ? 'pass, or be blocked by one of its root failures' : 'pass');
}

/**
 * Keeps the check within the run's time budget: it does not start once the budget is spent, and
 * its timeout is cut to what is left (the reporter then tells a cut check from a slow server).
 */
function keepToBudget(kit: Kit, testInfo: TestInfo): void {
  const { left, why } = budgetLeft(kit.settings);
  if (left <= 0) testInfo.skip(true, `${NOT_RUN}: ${why}`);
  if (testInfo.timeout === 0 || left < testInfo.timeout) timeoutAtBudget(testInfo, left, why);
}

async function runCheck(def: CheckDef, template: Template, catalog: Catalog, kit: Kit, testInfo: TestInfo) {
  testInfo.annotations.push({ type: 'cite', description: citationPointer(def, kit.spec) });
  keepToBudget(kit, testInfo);
  const args: CheckArgs = { ...kit, def, catalog, testInfo, given: givenFor(def, catalog, kit, testInfo) };
  const outcome = await outcomeOf(args, template);
  if (kit.selfTest) {
    const problems = [judge(def, outcome, kit.selfTest), ...scopeProblems(def, catalog, kit)].filter(Boolean);
    if (problems.length > 0) throw new Error(problems.join('\n'));
    testInfo.annotations.push({ type: 'outcome', description: outcome.kind });
    return;
  }
  switch (outcome.kind) {
    case 'warning':
      testInfo.annotations.push({ type: 'warning', description: outcome.message });
      return;
    case 'failed':
      throw restate(outcome.error, outcome.message);
    case 'blocked':
      testInfo.annotations.push({ type: 'blocked', description: `${outcome.by}\n${outcome.detail}` });
      testInfo.skip(true, `blocked by ${outcome.by}`);
      return;
    case 'skipped':
      testInfo.skip(true, outcome.reason);
      return;
    case 'passed':
      return;
  }
}

type TestArguments = [
  string,
  { tag: string[]; annotation: { type: string; description: string }[] },
  Parameters<typeof test>[2],
];

/**
 * The catalog checks whose spec file is `specFile` (the caller's __filename), as arguments for
 * `test(...)`, so that each test's location is its spec file (file filters and reports use it):
 * `for (const check of checksOf(__filename, templates)) test(...check);`. A check runs its row's
 * template: one of `local`, or a generic one.
 */
export function checksOf(specFile: string, local: Record<string, Template> = {}): TestArguments[] {
  const catalog = loadCatalog(specPathOf(process.env));
  return [...catalog.checks.values()]
    .filter((def) => def.specFile === specFile)
    .map((def): TestArguments => {
      const template = local[def.template] ?? GENERIC_TEMPLATES[def.template];
      if (!template) throw new Error(`${def.id}: no template "${def.template}" in ${specFile} or src/templates`);
      return [
        `${def.id}: ${def.claim}`,
        {
          tag: def.tags.map((tag) => `@${tag}`),
          annotation: [
            { type: 'check', description: def.id },
            { type: 'operation', description: def.operation },
            { type: 'level', description: def.level },
          ],
        },
        async ({ kit }, testInfo) => runCheck(def, template, catalog, kit, testInfo),
      ];
    });
}
