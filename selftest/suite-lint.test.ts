// The suite lint: every check has an id and a citation that resolves, ids are unique and
// implemented once, every operation is covered, and every check can be made to fail.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { citationPointer, loadCatalog } from '../src/catalog';
import { resolvePointer } from '../src/json-pointer';
import { DEVIATIONS } from '../src/mock/deviations';
import { DEFAULT_SPEC, PROJECT_ROOT } from '../src/paths';
import { loadSpecSync } from '../src/spec';
import { expand } from './projects';

const catalog = loadCatalog(DEFAULT_SPEC);
const spec = loadSpecSync(DEFAULT_SPEC);
const defs = [...catalog.checks.values()];

interface ListedSuite {
  specs?: { file: string; tests: { annotations: { type: string; description?: string }[] }[] }[];
  suites?: ListedSuite[];
}

/** [check id, the spec file its test is in] for every test `playwright test --list` finds. */
function listedChecks(): [string, string][] {
  const listed = spawnSync(
    process.execPath,
    [path.join(PROJECT_ROOT, 'node_modules/@playwright/test/cli.js'), 'test', '--list', '--reporter=json'],
    { cwd: PROJECT_ROOT, env: { ...process.env, CONFORMANCE_ENV_FILE: 'none' }, encoding: 'utf8' },
  );
  expect(listed.status, listed.stderr).toBe(0);
  const found: [string, string][] = [];
  const walk = (suite: ListedSuite) => {
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests) {
        for (const a of t.annotations) if (a.type === 'check') found.push([a.description ?? '', spec.file]);
      }
    }
    for (const child of suite.suites ?? []) walk(child);
  };
  walk(JSON.parse(listed.stdout) as ListedSuite);
  return found;
}

test('every catalog check is implemented exactly once, in the spec file beside its rows', () => {
  const listed = listedChecks();
  expect(listed.map(([id]) => id).sort()).toEqual([...catalog.checks.keys()].sort());
  for (const [id, file] of listed) {
    expect(path.join(PROJECT_ROOT, 'tests', file), id).toBe(catalog.checks.get(id)?.specFile);
  }
});

test('every operation in the spec has checks, and every check names an operation of the spec', () => {
  const covered = new Set(defs.map((def) => def.operation));
  expect([...covered].sort()).toEqual([...spec.operations.keys()].sort());
});

test('every citation resolves in the spec, and its quote is there word for word', () => {
  const normal = (text: string) => text.replace(/\s+/g, ' ').trim();
  for (const def of defs) {
    const target = resolvePointer(spec.document, citationPointer(def, spec));
    expect(target, `${def.id} cites ${def.cite.at}`).toBeDefined();
    if (def.cite.quote) expect(normal(String(target)), def.id).toContain(normal(def.cite.quote));
  }
});

test('citations name parameters, never their position', () => {
  expect(defs.filter((def) => /parameters\/\d/.test(def.cite.at)).map((def) => def.id)).toEqual([]);
});

test('every MUST check is broken at the root by a mock deviation, and every SHOULD check warned by one', () => {
  const failed = new Set(Object.values(DEVIATIONS).flatMap((d) => expand(d.fails)));
  const warned = new Set(Object.values(DEVIATIONS).flatMap((d) => expand(d.warns)));
  expect(defs.filter((d) => d.level === 'MUST' && !failed.has(d.id)).map((d) => d.id)).toEqual([]);
  expect(defs.filter((d) => d.level === 'SHOULD' && !warned.has(d.id)).map((d) => d.id)).toEqual([]);
});

test('every family applies: each generates checks for at least one operation', () => {
  const families = new Set(defs.map((def) => def.family).filter(Boolean));
  expect([...families].sort()).toEqual(['auth', 'errors', 'filters', 'ids', 'pagination', 'response']);
});
