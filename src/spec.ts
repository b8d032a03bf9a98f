// Loads the OpenAPI contract: parses YAML or JSON, validates it as OpenAPI 3.0, resolves every $ref.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { OpenAPIV3 } from 'openapi-types';
import YAML from 'yaml';
import { handedDown } from './handed-down';
import { escapeToken } from './json-pointer';

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
  /** The validated document with every $ref resolved, also those into other files. */
  document: OpenAPIV3.Document;
  operations: Map<string, Operation>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

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
        pointer: `/paths/${escapeToken(template)}/${method}`,
        definition,
      });
    }
  }
  return operations;
}

interface Source {
  absolute: string;
  text: string;
  source: OpenAPIV3.Document;
}

/** Reads and parses a spec file and checks its version: every problem is one SpecError line. */
function readSource(file: string): Source {
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
  return { absolute, text, source: source as OpenAPIV3.Document };
}

/** swagger-parser's message in one line: its headline and, when it lists problems, the first. */
function invalid(absolute: string, message: string): SpecError {
  const [headline = message, first] = message
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const detail = first ? `${headline.replace(/\.$/, '')}: ${first}` : headline;
  return new SpecError(`${absolute}: not a valid OpenAPI 3.0 document (${detail}).`);
}

function loaded({ absolute }: Source, document: OpenAPIV3.Document): LoadedSpec {
  return {
    file: absolute,
    // Of the resolved document: a contract split over files changes when any of its files does.
    sha256: createHash('sha256').update(JSON.stringify(document)).digest('hex'),
    title: document.info.title,
    version: document.info.version,
    document,
    operations: collectOperations(document),
  };
}

/** swagger-parser's validation and dereferencing, with remote $refs never fetched. */
async function resolveInProcess(absolute: string, source: OpenAPIV3.Document): Promise<OpenAPIV3.Document> {
  // Loaded here, not on import: workers read the resolved spec and never need it.
  const { default: SwaggerParser } = await import('@apidevtools/swagger-parser');
  return (await SwaggerParser.validate(absolute, source, { resolve: { http: false } })) as OpenAPIV3.Document;
}

/** Loads and validates a spec file; any problem becomes one SpecError line naming the file. */
export async function loadSpec(file: string): Promise<LoadedSpec> {
  const read = readSource(file);
  try {
    return loaded(read, await resolveInProcess(read.absolute, read.source));
  } catch (error) {
    throw invalid(read.absolute, (error as Error).message ?? String(error));
  }
}

/** The same validation in a child process, which makes it synchronous: its result is printed as JSON. */
const CHILD = `
const SwaggerParser = require(process.argv[1]);
let input = '';
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => {
  const { absolute, source } = JSON.parse(input);
  SwaggerParser.validate(absolute, source, { resolve: { http: false } }).then(
    (document) => {
      let text;
      try {
        text = JSON.stringify({ document });
      } catch {
        text = JSON.stringify({ error: 'a $ref refers to itself (a recursive schema), which this suite cannot hand to its workers' });
      }
      process.stdout.write(text);
    },
    (error) => process.stdout.write(JSON.stringify({ error: String(error && error.message || error) })),
  );
});`;

const resolvedInProcess = new Map<string, LoadedSpec>();

/**
 * loadSpec for synchronous callers: Playwright collects tests synchronously, and the checks it
 * collects are expanded from the spec. Validated and dereferenced by swagger-parser in a child.
 */
export function loadSpecSync(file: string): LoadedSpec {
  const read = readSource(file);
  const sha256 = createHash('sha256').update(read.text).digest('hex');
  const key = `${read.absolute}#${sha256}`;
  const memo = resolvedInProcess.get(key);
  if (memo) return memo;
  const document = handedDown('CONFORMANCE_RESOLVED_SPEC', key, () => {
    const child = spawnSync(process.execPath, ['-e', CHILD, require.resolve('@apidevtools/swagger-parser')], {
      input: JSON.stringify({ absolute: read.absolute, source: read.source }),
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    let answer: { document?: OpenAPIV3.Document; error?: string };
    try {
      answer = JSON.parse(child.stdout) as typeof answer;
    } catch {
      throw invalid(read.absolute, `the resolver stopped: ${child.stderr || child.error?.message || 'no output'}`);
    }
    if (!answer.document) throw invalid(read.absolute, answer.error ?? 'no document');
    return answer.document;
  });
  const spec = loaded(read, document);
  resolvedInProcess.set(key, spec);
  return spec;
}
