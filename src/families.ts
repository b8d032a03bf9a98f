// Check families (tests/families/families.yaml) expanded over the contract: which operations each
// selector picks, with the values its claim, citation and case are filled with.
import {
  documentedCodes,
  documents,
  echoesIds,
  filterParameters,
  hasOptionalFields,
  hasTimestamps,
  isBearerSecured,
  isPaginated,
  isUuid,
  pathParameters,
  queryParameter,
  resourceOf,
  resourceParameters,
  successJson,
} from './contract';
import type { LoadedSpec, Operation } from './spec';

export type Selector =
  | 'success-json'
  | 'success-json-optional-fields'
  | 'secured'
  | 'secured-dataset'
  | 'path-params-404'
  | 'each-path-param-404'
  | 'uuid-path-param-404'
  | 'dataset-403'
  | 'paginated'
  | 'paginated-capped'
  | 'filtered'
  | 'echoes-ids'
  | 'timestamps';

/** What a hand-written row and a family declaration both state about their checks. */
export interface Claim {
  template: string;
  level: 'MUST' | 'SHOULD';
  claim: string;
  cite: { at: string; quote?: string };
  tags: string[];
  depends_on?: string[];
}

export interface FamilyDecl extends Claim {
  family: string;
  case: string;
  applies: Selector;
  values?: Record<string, unknown>;
}

/** One application of a family to an operation: the placeholders' values and the case's inputs. */
interface Binding {
  vars: Record<string, string>;
  case: Record<string, unknown>;
}

/**
 * Path parameters that name a resource: not those with documented values (an action, a model type),
 * nor those the contract marks `x-not-found: false` (an unknown value is not what its 404 documents).
 */
const resourceIds = (operation: Operation) =>
  resourceParameters(operation).filter((p) => (p as { 'x-not-found'?: unknown })['x-not-found'] !== false);
/**
 * The ids an unknown-id check can single out. A write names no real resource but its knowledge base
 * (src/params.ts), so every id after the first it spares is unknown in all its requests already:
 * the server refuses that first one, and a check of a later one would judge the same answer.
 */
const refusable = (operation: Operation) => {
  const ids = resourceIds(operation);
  const firstSpared = ids.findIndex((p) => p.name !== 'dataset_id');
  return operation.method === 'GET' || firstSpared === -1 ? ids : ids.slice(0, firstSpared + 1);
};
const once = (status: number): Binding[] => [{ vars: { status: String(status) }, case: {} }];
const has = (operation: Operation, name: string) => pathParameters(operation).some((p) => p.name === name);

/**
 * Reads are judged on their success answers; writes need a body or a created resource, so their
 * answers are judged by hand-written lifecycle rows instead.
 */
function successOf(operation: Operation) {
  return operation.method === 'GET' ? successJson(operation) : undefined;
}

const successBinding = (operation: Operation): Binding[] => {
  const success = successOf(operation);
  return success ? once(success.status) : [];
};

const SELECTORS: Record<Selector, (operation: Operation, spec: LoadedSpec) => Binding[]> = {
  'success-json': (operation) => {
    const success = successOf(operation);
    return success ? [{ vars: { status: String(success.status) }, case: {} }] : [];
  },
  'success-json-optional-fields': (operation) => {
    const success = successOf(operation);
    return success && hasOptionalFields(success.schema) ? [{ vars: { status: String(success.status) }, case: {} }] : [];
  },
  // A contract that documents no 401 gives the claim nothing to hold the answer to: the report's
  // contract gaps say so once, instead of every auth check failing for it.
  secured: (operation, spec) => (isBearerSecured(operation, spec) && documents(operation, 401) ? once(401) : []),
  'secured-dataset': (operation, spec) =>
    isBearerSecured(operation, spec) && documents(operation, 401) && has(operation, 'dataset_id') ? once(401) : [],
  'path-params-404': (operation) =>
    documents(operation, 404) && resourceParameters(operation).length > 0 ? once(404) : [],
  'each-path-param-404': (operation) =>
    documents(operation, 404)
      ? refusable(operation).map((p) => ({
          vars: { status: '404', param: p.name, resource: resourceOf(p) },
          case: { param: p.name },
        }))
      : [],
  // The last one: with the ids before it real, only this one can be what the server refuses.
  'uuid-path-param-404': (operation) => {
    const last = pathParameters(operation).filter(isUuid).at(-1);
    return documents(operation, 404) && last
      ? [{ vars: { status: '404', param: last.name }, case: { param: last.name } }]
      : [];
  },
  'dataset-403': (operation) => (documents(operation, 403) && has(operation, 'dataset_id') ? once(403) : []),
  paginated: (operation) => (isPaginated(operation) ? successBinding(operation) : []),
  'paginated-capped': (operation) =>
    isPaginated(operation) &&
    (queryParameter(operation, 'limit')?.schema as { maximum?: number } | undefined)?.maximum !== undefined
      ? successBinding(operation)
      : [],
  filtered: (operation) =>
    successOf(operation)
      ? filterParameters(operation).map((p) => ({
          vars: { status: String(successOf(operation)?.status), param: p.name, slug: p.name.replace(/_/g, '-') },
          case: { param: p.name },
        }))
      : [],
  'echoes-ids': (operation) => {
    const success = successOf(operation);
    return success && echoesIds(operation, success.schema) ? successBinding(operation) : [];
  },
  timestamps: (operation) => {
    const success = successOf(operation);
    return success && hasTimestamps(success.schema) ? successBinding(operation) : [];
  },
};

/** The text with {name} placeholders filled; undefined when one has no value. */
function fill(text: string, vars: Record<string, string>): string | undefined {
  let missing = false;
  const filled = text.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = vars[name];
    if (value === undefined) missing = true;
    return value ?? '';
  });
  return missing ? undefined : filled;
}

export interface GeneratedRow {
  id: string;
  family: string;
  /** The documented status the check expects. */
  status: number;
  template: string;
  level: 'MUST' | 'SHOULD';
  claim: string;
  cite: { at: string; quote?: string };
  tags: string[];
  case: Record<string, unknown>;
  depends_on: string[];
}

/** Every check a family declares, for every operation its selector picks. */
export function expandFamily(decl: FamilyDecl, spec: LoadedSpec): GeneratedRow[] {
  const rows: GeneratedRow[] = [];
  for (const operation of spec.operations.values()) {
    for (const binding of SELECTORS[decl.applies](operation, spec)) {
      const code = documentedCodes(operation, Number(binding.vars.status))[0];
      const vars: Record<string, string> = {
        ...binding.vars,
        operation: operation.operationId,
        summary: operation.definition.summary ?? operation.operationId,
        ...(code ? { code } : {}),
        error: code ?? "with Dify's error body",
      };
      const need = (text: string, what: string) => {
        const value = fill(text, vars);
        if (value === undefined)
          throw new Error(`family ${decl.family}/${decl.case}: ${what} "${text}" has a placeholder without a value`);
        return value;
      };
      const quote = decl.cite.quote === undefined ? undefined : fill(decl.cite.quote, vars);
      rows.push({
        id: `${operation.operationId}/${decl.family}/${need(decl.case, 'case')}`,
        family: decl.family,
        status: Number(binding.vars.status),
        template: decl.template,
        level: decl.level,
        claim: need(decl.claim, 'claim'),
        cite: { at: need(decl.cite.at, 'cite.at'), ...(quote ? { quote } : {}) },
        tags: decl.tags,
        case: { ...decl.values, ...binding.case },
        depends_on: (decl.depends_on ?? []).map((id) => need(id, 'depends_on')),
      });
    }
  }
  return rows;
}
