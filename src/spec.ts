// Loads the OpenAPI contract: parses YAML or JSON, validates it as OpenAPI 3.0, resolves every $ref.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPIV3 } from 'openapi-types';
import YAML from 'yaml';

export class SpecError extends Error {
  override name = 'SpecError';
}

export interface Operation {
  operationId: string;
  method: string;
  /** The path template as written in the spec, e.g. /datasets/{dataset_id}/documents/{document_id}. */
  path: string;
  /** JSON pointer of the operation object inside the spec. */
  pointer: string;
  definition: OpenAPIV3.OperationObject;
}

export interface LoadedSpec {
  file: string;
  sha256: string;
  title: string;
  version: string;
  /** The validated document with every $ref resolved. */
  document: OpenAPIV3.Document;
  operations: Map<string, Operation>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export function escapePointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

function parse(file: string, text: string): unknown {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.json') {
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new SpecError(`${file}: not valid JSON (${(error as Error).message}).`);
    }
  }
  if (ext === '.yaml' || ext === '.yml') {
    const doc = YAML.parseDocument(text, { prettyErrors: true });
    const first = doc.errors[0];
    if (first) {
      const at = first.linePos?.[0];
      const where = at ? ` at line ${at.line}, column ${at.col}` : '';
      const reason = (first.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
      throw new SpecError(`${file}: not valid YAML${where} (${reason}).`);
    }
    return doc.toJS({ maxAliasCount: 100 });
  }
  throw new SpecError(`${file}: unknown spec format "${ext}": use .yaml, .yml or .json.`);
}

function collectOperations(document: OpenAPIV3.Document): Map<string, Operation> {
  const operations = new Map<string, Operation>();
  for (const [template, item] of Object.entries(document.paths ?? {})) {
    for (const method of METHODS) {
      const definition = item?.[method];
      if (!definition?.operationId) continue;
      operations.set(definition.operationId, {
        operationId: definition.operationId,
        method: method.toUpperCase(),
        path: template,
        pointer: `/paths/${escapePointerToken(template)}/${method}`,
        definition,
      });
    }
  }
  return operations;
}

/** Loads and validates a spec file; any problem becomes one SpecError line naming the file. */
export async function loadSpec(file: string): Promise<LoadedSpec> {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    throw new SpecError(`${absolute}: cannot read the spec (${(error as NodeJS.ErrnoException).code ?? error}).`);
  }
  const source = parse(absolute, text);
  if (typeof source !== 'object' || source === null || Array.isArray(source)) {
    throw new SpecError(`${absolute}: not an OpenAPI document (the top level is not an object).`);
  }
  const version = (source as { openapi?: unknown }).openapi;
  if (typeof version !== 'string' || !/^3\.0\.\d+$/.test(version)) {
    throw new SpecError(
      `${absolute}: only OpenAPI 3.0.x is supported (the "openapi" field is ${JSON.stringify(version)}).`,
    );
  }
  let document: OpenAPIV3.Document;
  try {
    document = (await SwaggerParser.validate(absolute, source as OpenAPIV3.Document, {
      resolve: { http: false },
    })) as OpenAPIV3.Document;
  } catch (error) {
    const message = (error as Error).message.split('\n').find((line) => line.trim() !== '') ?? String(error);
    throw new SpecError(`${absolute}: not a valid OpenAPI 3.0 document (${message.trim()}).`);
  }
  return {
    file: absolute,
    sha256: createHash('sha256').update(text).digest('hex'),
    title: document.info.title,
    version: document.info.version,
    document,
    operations: collectOperations(document),
  };
}

/** Resolves a JSON pointer (RFC 6901) inside a document; undefined when it leads nowhere. */
export function resolvePointer(root: unknown, pointer: string): unknown {
  if (pointer === '') return root;
  let node: unknown = root;
  for (const raw of pointer.replace(/^\//, '').split('/')) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !(token in node)) return undefined;
    node = (node as Record<string, unknown>)[token];
  }
  return node;
}
