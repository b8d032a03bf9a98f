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

/**
 * The checks that can see a deviation: its root checks, those it names in `sees` (else every check
 * of its root checks' operations), and every check that relies on one of them. The conforming
 * project holds this to what the mock consults.
 */
function scopeOf(deviation: Deviation): string[] {
  const roots = [...expand(deviation.fails), ...expand(deviation.warns)];
  const operations = new Set(roots.map((id) => catalog.checks.get(id)?.operation));
  const named = deviation.sees
    ? expand(deviation.sees)
    : ids.filter((id) => operations.has(catalog.checks.get(id)?.operation));
  const seeing = new Set([...roots, ...named]);
  const sees = (id: string, trail: string[] = []): boolean => {
    const def = catalog.checks.get(id);
    if (!def || trail.includes(id)) return false;
    return seeing.has(id) || def.dependsOn.some((next) => sees(next, [...trail, id]));
  };
  return ids.filter((id) => sees(id));
}

/** @param scope the checks it runs (a test's title starts with its check id and a colon); all when not given. */
function project(
  name: string,
  env: Record<string, string>,
  selfTest: SelfTestExpectation,
  scope?: string[],
): SuiteProject {
  if (scope?.length === 0) throw new Error(`${name}: no check can see this deviation; name its root checks`);
  return {
    name,
    testDir: '../tests',
    testMatch: '**/*.spec.ts',
    ...(scope ? { grep: new RegExp(`(?:^| )(?:${scope.map(literal).join('|')}): `) } : {}),
    // One worker each: a worker's start-up (its mock, spec, validators) is most of a project's cost.
    workers: 1,
    // The sweep on: the mock's knowledge base is small unless a deviation asks for generated
    // documents, and a check that skips could not show its outcome.
    use: { settingsEnv: { CONFORMANCE_ENV_FILE: 'none', CONFORMANCE_SWEEP: 'all', ...env }, selfTest },
  };
}

export function suiteProjects(): SuiteProject[] {
  const scopes = Object.fromEntries(Object.entries(DEVIATIONS).map(([name, d]) => [name, scopeOf(d)]));
  const projects = [project('conforming', {}, { deviation: 'none', fails: [], warns: [], scopes })];
  // Deviations that make checks wait for timeouts take longest: started first, they do not trail.
  const byWait = Object.entries(DEVIATIONS).sort(([, a], [, b]) => Number(!a.settings) - Number(!b.settings));
  for (const [name, deviation] of byWait) {
    const expected = {
      deviation: name,
      fails: expand(deviation.fails),
      warns: expand(deviation.warns),
      cause: deviation.cause,
    };
    const env = { CONFORMANCE_MOCK_DEVIATIONS: name, ...deviation.settings };
    projects.push(project(`deviation:${name}`, env, expected, scopes[name]));
  }
  // Under strict, a SHOULD check that does not hold fails like a MUST.
  const drift = DEVIATIONS['undocumented-field'];
  projects.push(
    project(
      'strict:undocumented-field',
      { CONFORMANCE_MOCK_DEVIATIONS: 'undocumented-field', CONFORMANCE_STRICT: '1' },
      { deviation: 'undocumented-field (strict)', fails: expand([...drift.fails, ...(drift.warns ?? [])]), warns: [] },
      scopes['undocumented-field'],
    ),
  );
  return projects;
}
