// The check catalog (tests/checks.yaml): every check's id, level, claim and citation, as data.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import schema from '../schemas/checks.schema.json';
import { PROJECT_ROOT } from './paths';
import { escapePointerToken, type LoadedSpec } from './spec';
import { createAjv, describeErrors } from './validation';

export const CATALOG_FILE = path.join(PROJECT_ROOT, 'tests', 'checks.yaml');

export type FieldRule = 'all' | { exactly: string[] } | { allExcept: string[] };

export type CaseTarget =
  | 'document'
  | 'unknown-document'
  | 'unknown-dataset'
  | 'non-uuid-id'
  | 'api-disabled-dataset'
  | 'foreign-document'
  | 'non-file-document';

export interface CheckCase {
  metadata?: string | null;
  /** The Authorization header instead of the API key; null sends none. */
  authorization?: string | null;
  /** Which document the request names. */
  target?: CaseTarget;
  fields?: FieldRule;
  status?: number;
  code?: string;
}

export interface CheckDef {
  id: string;
  operation: string;
  level: 'MUST' | 'SHOULD';
  claim: string;
  cite: { at: string; quote?: string };
  tags: string[];
  case?: CheckCase;
}

export class CatalogError extends Error {
  override name = 'CatalogError';
}

export function loadCatalog(file = CATALOG_FILE): Map<string, CheckDef> {
  let rows: unknown;
  try {
    rows = YAML.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CatalogError(`${file}: ${(error as Error).message.split('\n')[0]}`);
  }
  const validate = createAjv().compile<CheckDef[]>(schema);
  if (!validate(rows)) {
    const first = describeErrors(validate.errors, rows)[0];
    throw new CatalogError(`${file}: ${first?.message ?? 'invalid'}`);
  }
  const catalog = new Map<string, CheckDef>();
  for (const row of rows) {
    if (catalog.has(row.id)) throw new CatalogError(`${file}: the check id ${row.id} appears twice.`);
    catalog.set(row.id, row);
  }
  return catalog;
}

/** The citation's absolute JSON pointer in the spec. */
export function citationPointer(def: CheckDef, spec: LoadedSpec): string {
  if (def.cite.at.startsWith('/')) return def.cite.at;
  const operation = spec.operations.get(def.operation);
  const base = operation
    ? operation.pointer
    : `/paths/${escapePointerToken(`(operation ${def.operation} not in this spec)`)}`;
  return `${base}/${def.cite.at}`;
}

/** "#/paths/…/description: "quoted text"": how a citation reads in messages and reports. */
export function citationText(def: CheckDef, spec: LoadedSpec): string {
  const pointer = `#${citationPointer(def, spec)}`;
  return def.cite.quote ? `${pointer} says "${def.cite.quote}"` : pointer;
}
