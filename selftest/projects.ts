// The self-test projects: the conformance suite once per mock deviation (and once conforming,
// once strict), each worker with its own in-process mock, each check asserting its own outcome.
import type { Project } from '@playwright/test';
import { loadCatalog } from '../src/catalog';
import type { SelfTestExpectation, WorkerFixtures } from '../src/fixtures';
import { DEVIATIONS, type Deviation } from '../src/mock/deviations';
import { DEFAULT_SPEC } from '../src/paths';

const catalog = loadCatalog(DEFAULT_SPEC);
const ids = [...catalog.checks.keys()];

/** Text as a regular expression that matches exactly it. */
const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The check ids a deviation names: an id, or a pattern whose `*` stands for one id segment. */
export function expand(patterns: readonly string[] = []): string[] {
  return patterns.flatMap((pattern) => {
    const regex = new RegExp(
      `^${pattern
        .split('*')
        .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('[^/]+')}$`,
    );
    const matched = ids.filter((id) => regex.test(id));
    if (matched.length === 0) throw new Error(`a deviation names ${pattern}, which matches no check`);
    return matched;
  });
}

export type SuiteOptions = Pick<WorkerFixtures, 'settingsEnv' | 'selfTest'>;
type SuiteProject = Project<unknown, SuiteOptions>;

/** The operations a deviation changes: those of its root checks, and those it names. */
function operationsOf(deviation: Deviation): string[] {
  const roots = [...expand(deviation.fails), ...expand(deviation.warns)];
  return [...new Set([...roots.map((id) => catalog.checks.get(id)?.operation ?? ''), ...(deviation.operations ?? [])])];
}

/**
 * The checks that can see a deviation: those of its operations, and those that rely on one of
 * them. Every other check sends nothing the deviation changes (the suite projects hold each check
 * to calling only operations it or its dependencies judge, and each deviation to its operations).
 */
function checksSeeing(operations: string[]): string[] {
  const sees = (id: string, trail: string[] = []): boolean => {
    const def = catalog.checks.get(id);
    if (!def || trail.includes(id)) return false;
    return operations.includes(def.operation) || def.dependsOn.some((next) => sees(next, [...trail, id]));
  };
  return ids.filter((id) => sees(id));
}

function project(name: string, env: Record<string, string>, selfTest: SelfTestExpectation): SuiteProject {
  const scope = selfTest.operations ? checksSeeing(selfTest.operations) : undefined;
  if (scope?.length === 0) throw new Error(`${name}: no check can see this deviation; name its root checks`);
  return {
    name,
    testDir: '../tests',
    testMatch: '**/*.spec.ts',
    // A test's title starts with its check id and a colon.
    ...(scope ? { grep: new RegExp(`(?:^| )(?:${scope.map(literal).join('|')}): `) } : {}),
    // One worker each: a worker's start-up (its mock, spec, validators) is most of a project's cost.
    workers: 1,
    use: { settingsEnv: { CONFORMANCE_ENV_FILE: 'none', ...env }, selfTest },
  };
}

export function suiteProjects(): SuiteProject[] {
  const projects = [project('conforming', {}, { deviation: 'none', fails: [], warns: [] })];
  // Deviations that make checks wait for timeouts take longest: started first, they do not trail.
  const byWait = Object.entries(DEVIATIONS).sort(([, a], [, b]) => Number(!a.settings) - Number(!b.settings));
  for (const [name, deviation] of byWait) {
    const expected = {
      deviation: name,
      fails: expand(deviation.fails),
      warns: expand(deviation.warns),
      cause: deviation.cause,
      operations: operationsOf(deviation),
    };
    projects.push(project(`deviation:${name}`, { CONFORMANCE_MOCK_DEVIATIONS: name, ...deviation.settings }, expected));
  }
  // Under strict, a SHOULD check that does not hold fails like a MUST.
  const drift = DEVIATIONS['undocumented-field'];
  projects.push(
    project(
      'strict:undocumented-field',
      { CONFORMANCE_MOCK_DEVIATIONS: 'undocumented-field', CONFORMANCE_STRICT: '1' },
      {
        deviation: 'undocumented-field (strict)',
        fails: expand([...drift.fails, ...(drift.warns ?? [])]),
        warns: [],
        operations: operationsOf(drift),
      },
    ),
  );
  return projects;
}
