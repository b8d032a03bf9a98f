// The check catalog: hand-written rows (tests/**/*.checks.yaml) and the families
// (tests/families/families.yaml) expanded over the contract; every check's id, level, claim,
// citation, template, inputs and dependencies, as data.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ValidateFunction } from 'ajv';
import YAML from 'yaml';
import rowsSchema from '../schemas/checks.schema.json';
import familiesSchema from '../schemas/families.schema.json';
import { operationTag, parameterIndex } from './contract';
import { type Claim, expandFamily, type FamilyDecl } from './families';
import { handedDown } from './handed-down';
import { escapeToken, tokensOf } from './json-pointer';
import { PROJECT_ROOT } from './paths';
import { type LoadedSpec, loadSpecSync } from './spec';
import { createAjv, describeErrors } from './validation';

const TESTS_DIR = path.join(PROJECT_ROOT, 'tests');
const ROWS_SUFFIX = '.checks.yaml';

export type FieldRule = 'all' | { exactly: string[] } | { allExcept: string[] };

export interface CheckDef {
  id: string;
  /** The operationId: the id's first segment. */
  operation: string;
  level: 'MUST' | 'SHOULD';
  claim: string;
  /** `at` is relative to the operation unless it starts with /; parameters are named: parameters[metadata]. */
  cite: { at: string; quote?: string };
  tags: string[];
  /** The template that implements it, and its inputs (their shape is the template's). */
  template: string;
  case: Record<string, unknown>;
  /** Checks whose claims this one relies on: when one fails, this one is blocked. */
  dependsOn: string[];
  /** The spec file whose test implements it. */
  specFile: string;
  /** The family that generated it; none for a hand-written row. */
  family?: string;
  /** The documented status it expects, when a family generated it. */
  status?: number;
}

export interface Catalog {
  checks: Map<string, CheckDef>;
  /** Generated ids a hand-written row implements instead: generated id → the row's id. */
  replacedBy: Map<string, string>;
}

export class CatalogError extends Error {
  override name = 'CatalogError';
}

interface Row extends Claim {
  id: string;
  case?: Record<string, unknown>;
  replaces?: string;
}

/** The catalog's schemas, compiled on first use: workers read a catalog the runner already checked. */
let compiled: { rows: ValidateFunction<Row[]>; families: ValidateFunction<FamilyDecl[]> } | undefined;
function validators() {
  if (!compiled) {
    const ajv = createAjv();
    compiled = { rows: ajv.compile<Row[]>(rowsSchema), families: ajv.compile<FamilyDecl[]>(familiesSchema) };
  }
  return compiled;
}

function readYaml<T>(file: string, validate: ValidateFunction): T {
  let data: unknown;
  try {
    data = YAML.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CatalogError(`${file}: ${(error as Error).message.split('\n')[0]}`);
  }
  if (!validate(data)) {
    const first = describeErrors(validate.errors, data)[0];
    throw new CatalogError(`${file}: ${first?.message ?? 'invalid'}`);
  }
  return data as T;
}

function rowFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith(ROWS_SUFFIX))
    .map((name) => path.join(dir, name))
    .sort();
}

const memo = new Map<string, Catalog>();

/**
 * The catalog for a spec, from the rows and families under `testsDir`; a malformed file, an
 * unknown operation or a dangling reference is a CatalogError.
 */
export function loadCatalog(specPath: string, testsDir = TESTS_DIR): Catalog {
  const spec = loadSpecSync(specPath);
  const key = `${spec.file}#${spec.sha256}\n${testsDir}`;
  const cached = memo.get(key);
  if (cached) return cached;
  const handed = handedDown('CONFORMANCE_RESOLVED_CATALOG', key, () => {
    const built = buildCatalog(spec, testsDir);
    return { checks: [...built.checks.values()], replacedBy: [...built.replacedBy] };
  });
  const catalog: Catalog = {
    checks: new Map(handed.checks.map((def) => [def.id, def])),
    replacedBy: new Map(handed.replacedBy),
  };
  memo.set(key, catalog);
  return catalog;
}

function buildCatalog(spec: LoadedSpec, testsDir: string): Catalog {
  const familiesFile = path.join(testsDir, 'families', 'families.yaml');
  const { rows: validateRows, families: validateFamilies } = validators();
  const checks = new Map<string, CheckDef>();
  const replacedBy = new Map<string, string>();
  const add = (def: CheckDef, file: string) => {
    if (checks.has(def.id)) throw new CatalogError(`${file}: the check id ${def.id} appears twice.`);
    checks.set(def.id, def);
  };

  const rows: [Row, string][] = rowFiles(testsDir).flatMap((file) =>
    readYaml<Row[]>(file, validateRows).map((row): [Row, string] => [row, file]),
  );
  for (const [row, file] of rows) {
    const operation = row.id.split('/')[0] ?? '';
    if (!spec.operations.has(operation)) {
      throw new CatalogError(`${file}: ${row.id} names the operation ${operation}, which ${spec.file} does not have.`);
    }
    const replaced = `${operation}/${row.replaces}`;
    if (row.replaces && replacedBy.has(replaced)) {
      throw new CatalogError(`${file}: ${row.id} and ${replacedBy.get(replaced)} both replace ${replaced}.`);
    }
    if (row.replaces) replacedBy.set(replaced, row.id);
  }

  const generatedIds = new Set<string>();
  for (const decl of readYaml<FamilyDecl[]>(familiesFile, validateFamilies)) {
    for (const generated of expandFamily(decl, spec)) {
      generatedIds.add(generated.id);
      if (replacedBy.has(generated.id)) continue;
      const { family, status, ...rowForm } = generated;
      if (!validateRows([rowForm])) {
        const first = describeErrors(validateRows.errors, [rowForm])[0];
        throw new CatalogError(`${familiesFile}: ${generated.id}: ${first?.message ?? 'invalid'}`);
      }
      const specFile = path.join(testsDir, 'families', `${generated.family}.spec.ts`);
      add({ ...checkDef(rowForm, spec, specFile), family, status }, familiesFile);
    }
  }

  for (const [row, file] of rows) {
    // A row that implements a generated check carries that family's tag, so selecting by it still finds it.
    const family = row.replaces?.split('/')[0];
    const tagged = family && !row.tags.includes(family) ? { ...row, tags: [...row.tags, family] } : row;
    add(checkDef(tagged, spec, `${file.slice(0, -ROWS_SUFFIX.length)}.spec.ts`), file);
  }

  for (const [generated, row] of replacedBy) {
    if (!generatedIds.has(generated))
      throw new CatalogError(`${row} replaces ${generated}, which no family generates.`);
  }
  for (const def of checks.values()) {
    def.dependsOn = def.dependsOn.map((id) => replacedBy.get(id) ?? id);
    for (const id of def.dependsOn) {
      if (!checks.has(id)) throw new CatalogError(`${def.id} depends on ${id}, which is not a check.`);
    }
  }
  assertAcyclic(checks);
  return { checks, replacedBy };
}

/** A row (hand-written, or generated by a family) as a check: its operation from its id, that operation's tag first. */
function checkDef(row: Row, spec: LoadedSpec, specFile: string): CheckDef {
  const operation = spec.operations.get(row.id.split('/')[0] ?? '');
  const tag = operation ? operationTag(operation) : undefined;
  return {
    id: row.id,
    operation: operation?.operationId ?? '',
    level: row.level,
    claim: row.claim,
    cite: row.cite,
    tags: tag ? [tag, ...row.tags.filter((t) => t !== tag)] : row.tags,
    template: row.template,
    case: row.case ?? {},
    dependsOn: row.depends_on ?? [],
    specFile,
  };
}

function assertAcyclic(checks: Map<string, CheckDef>): void {
  const done = new Set<string>();
  const visit = (id: string, trail: string[]) => {
    if (done.has(id)) return;
    if (trail.includes(id)) throw new CatalogError(`the dependencies form a cycle: ${[...trail, id].join(' → ')}.`);
    for (const next of checks.get(id)?.dependsOn ?? []) visit(next, [...trail, id]);
    done.add(id);
  };
  for (const id of checks.keys()) visit(id, []);
}

/** The citation's absolute JSON pointer in the spec; a named parameter becomes its position. */
export function citationPointer(def: CheckDef, spec: LoadedSpec): string {
  if (def.cite.at.startsWith('/')) return def.cite.at;
  const operation = spec.operations.get(def.operation);
  if (!operation) return `/paths/${escapeToken(`(operation ${def.operation} not in this spec)`)}`;
  const tokens = def.cite.at.split('/').map((token) => {
    const named = /^parameters\[(.+)\]$/.exec(token);
    if (!named) return token;
    const index = parameterIndex(operation, named[1] ?? '');
    return index < 0 ? `parameters/${escapeToken(`(no parameter ${named[1]})`)}` : `parameters/${index}`;
  });
  return `${operation.pointer}/${tokens.join('/')}`;
}

/** How a citation reads: "GET /datasets/…/documents/{document_id} › parameters[metadata] › description". */
export function citationLabel(def: CheckDef, spec: LoadedSpec): string {
  const operation = spec.operations.get(def.operation);
  const tokens = tokensOf(def.cite.at.startsWith('/') ? def.cite.at : `/${def.cite.at}`);
  if (def.cite.at.startsWith('/') || !operation) return tokens.join(' › ');
  return [`${operation.method} ${operation.path}`, ...tokens].join(' › ');
}

/** "#/paths/…/description says "quoted text"": how a citation reads in messages. */
export function citationText(def: CheckDef, spec: LoadedSpec): string {
  const pointer = `#${citationPointer(def, spec)}`;
  return def.cite.quote ? `${pointer} says "${def.cite.quote}"` : pointer;
}
