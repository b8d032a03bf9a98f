// JSON Schema validation of response bodies: one strict ajv per worker, each schema compiled once.
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { OpenAPIV3 } from 'openapi-types';
import { resolvePointer } from './json-pointer';
import type { LoadedSpec } from './spec';
import { showTyped } from './violation';

/** OpenAPI 3.0 Schema Object keywords that JSON Schema draft-07 does not know; annotations only. */
const OPENAPI_ANNOTATIONS = ['example', 'externalDocs', 'xml'];

export interface SchemaProblem {
  /** JSON pointer into the body. */
  pointer: string;
  /** A plain sentence: what was expected and what came back. */
  message: string;
}

export type Validation = { ok: true } | { ok: false; problems: SchemaProblem[] };

export function createAjv(): Ajv {
  // strict mode stays on so a typo in a schema is an error, not a silently ignored keyword.
  const ajv = new Ajv({ strict: true, allErrors: true, verbose: true, discriminator: true });
  addFormats(ajv);
  for (const keyword of OPENAPI_ANNOTATIONS) ajv.addKeyword({ keyword, schemaType: [] as never });
  return ajv;
}

function sentence(error: ErrorObject, data: unknown): SchemaProblem {
  const pointer = error.instancePath;
  const actual = showTyped(resolvePointer(data, pointer));
  const where = pointer || '(the body)';
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'type': {
      const nullable = (error.parentSchema as { nullable?: boolean } | undefined)?.nullable ? ' or null' : '';
      return { pointer, message: `${where}: expected ${p.type}${nullable}, got ${actual}.` };
    }
    case 'required':
      return {
        pointer: `${pointer}/${p.missingProperty}`,
        message: `${where}: expected a property "${p.missingProperty}", got none.`,
      };
    case 'enum':
      return {
        pointer,
        message: `${where}: expected one of ${JSON.stringify(p.allowedValues)}, got ${actual}.`,
      };
    case 'additionalProperties':
      return {
        pointer: `${pointer}/${p.additionalProperty}`,
        message: `${where}: expected no property "${p.additionalProperty}", got one.`,
      };
    case 'format':
      return { pointer, message: `${where}: expected a string in format "${p.format}", got ${actual}.` };
    default:
      // Ajv's own words read as a rule ("must NOT have fewer than 3 characters"): say it as one.
      return { pointer, message: `${where}: ${error.message ?? `breaks ${error.keyword}`}, got ${actual}.` };
  }
}

export function describeErrors(errors: ErrorObject[] | null | undefined, data: unknown): SchemaProblem[] {
  return (errors ?? []).map((error) => sentence(error, data));
}

/** The compiled validators of one spec; created once per worker by the fixture. */
export class Validators {
  private readonly ajv = createAjv();
  private readonly compiled = new WeakMap<object, ValidateFunction>();
  private readonly declared = new Set<string>();
  /** Formats the spec uses that no validator checks (reported, never silently dropped). */
  readonly uncheckedFormats: string[] = [];

  constructor(readonly spec: LoadedSpec) {
    this.declareVocabulary(spec.document);
  }

  /**
   * Declares what a document uses beyond JSON Schema, so strict mode accepts exactly that: every
   * `x-*` extension as an annotation, and every format ajv-formats lacks as unchecked, because
   * OpenAPI makes `format` an open value that tools may ignore when they do not know it.
   */
  private declareVocabulary(root: unknown): void {
    const seen = new Set<unknown>();
    const visit = (node: unknown): void => {
      if (node === null || typeof node !== 'object' || seen.has(node)) return;
      seen.add(node);
      for (const [key, value] of Object.entries(node)) {
        if (key.startsWith('x-') && !this.declared.has(key)) {
          this.declared.add(key);
          this.ajv.addKeyword(key);
        }
        if (key === 'format' && typeof value === 'string' && !this.ajv.formats[value]) {
          this.ajv.addFormat(value, true);
          this.uncheckedFormats.push(value);
        }
        visit(value);
      }
    };
    visit(root);
  }

  /** The JSON schema the spec documents for a response, or undefined when it documents none. */
  responseSchema(operationId: string, status: number, mediaType = 'application/json'): object | undefined {
    const operation = this.spec.operations.get(operationId);
    if (!operation) throw new Error(`the spec has no operation "${operationId}"`);
    const response = operation.definition.responses[String(status)] as OpenAPIV3.ResponseObject | undefined;
    return response?.content?.[mediaType]?.schema as object | undefined;
  }

  compile(schema: object): ValidateFunction {
    let validate = this.compiled.get(schema);
    if (!validate) {
      this.declareVocabulary(schema);
      validate = this.ajv.compile(schema);
      this.compiled.set(schema, validate);
    }
    return validate;
  }

  validate(schema: object, data: unknown): Validation {
    const validate = this.compile(schema);
    return validate(data) ? { ok: true } : { ok: false, problems: describeErrors(validate.errors, data) };
  }

  /** Compiles every response schema in the spec: the loader's proof that the whole spec is usable. */
  compileAll(): number {
    let count = 0;
    for (const operation of this.spec.operations.values()) {
      for (const response of Object.values(operation.definition.responses)) {
        for (const media of Object.values((response as OpenAPIV3.ResponseObject).content ?? {})) {
          if (media.schema) {
            this.compile(media.schema as object);
            count += 1;
          }
        }
      }
    }
    return count;
  }
}
