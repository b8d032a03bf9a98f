// The suite lint: every check has an id and a citation that resolves, ids are unique and
// implemented once, every operation is covered, and every check can be made to fail.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { citationPointer, loadCatalog } from '../src/catalog';
import { DEVIATIONS } from '../src/mock/deviations';
import { DEFAULT_SPEC, PROJECT_ROOT } from '../src/paths';
import { loadSpec, resolvePointer } from '../src/spec';

const catalog = loadCatalog();

interface ListedSuite {
  specs?: { tests: { annotations: { type: string; description?: string }[] }[] }[];
  suites?: ListedSuite[];
}

function listedCheckIds(): string[] {
  const listed = spawnSync(
    process.execPath,
    [path.join(PROJECT_ROOT, 'node_modules/@playwright/test/cli.js'), 'test', '--list', '--reporter=json'],
    { cwd: PROJECT_ROOT, env: { ...process.env, CONFORMANCE_ENV_FILE: 'none' }, encoding: 'utf8' },
  );
  expect(listed.status, listed.stderr).toBe(0);
  const ids: string[] = [];
  const walk = (suite: ListedSuite) => {
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests)
        ids.push(...t.annotations.filter((a) => a.type === 'check').map((a) => a.description ?? ''));
    }
    for (const child of suite.suites ?? []) walk(child);
  };
  walk(JSON.parse(listed.stdout) as ListedSuite);
  return ids;
}

test('every catalog check is implemented exactly once under tests/', () => {
  const ids = listedCheckIds().sort();
  expect(ids).toEqual([...catalog.keys()].sort());
});

test('every operation in the spec has a check, and every check names an operation of the spec', async () => {
  const spec = await loadSpec(DEFAULT_SPEC);
  const covered = new Set([...catalog.values()].map((def) => def.operation));
  expect([...covered].sort()).toEqual([...spec.operations.keys()].sort());
});

test('every citation resolves in the spec, and its quote is there word for word', async () => {
  const spec = await loadSpec(DEFAULT_SPEC);
  const normal = (text: string) => text.replace(/\s+/g, ' ').trim();
  for (const def of catalog.values()) {
    const target = resolvePointer(spec.document, citationPointer(def, spec));
    expect(target, `${def.id} cites ${def.cite.at}`).toBeDefined();
    if (def.cite.quote) expect(normal(String(target)), def.id).toContain(normal(def.cite.quote));
  }
});

test('every MUST check is broken by a mock deviation, and every SHOULD check warned by one', () => {
  const failed = new Set(Object.values(DEVIATIONS).flatMap((d) => d.fails));
  const warned = new Set(Object.values(DEVIATIONS).flatMap((d) => d.warns ?? []));
  for (const id of [...failed, ...warned]) expect(catalog.has(id), `deviation names unknown check ${id}`).toBe(true);
  const defs = [...catalog.values()];
  expect(defs.filter((d) => d.level === 'MUST' && !failed.has(d.id)).map((d) => d.id)).toEqual([]);
  expect(defs.filter((d) => d.level === 'SHOULD' && !warned.has(d.id)).map((d) => d.id)).toEqual([]);
});
