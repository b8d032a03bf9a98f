// The suite's settings: read from the environment and .env, validated here and nowhere else.

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import { CatalogError, loadCatalog } from './catalog';
import { type Expectation, loadExpectations } from './expectations';
import { GUIDE_FILE, MOCK_API_KEY, MOCK_IDS, MOCK_SIGNED_URL_TTL } from './mock/data';
import { DEVIATION_NAMES } from './mock/deviations';
import { DEFAULT_PROFILE, PROFILE_NAMES, PROFILES, type ProfileName } from './mock/profiles';
import { DEFAULT_SPEC, PROJECT_ROOT } from './paths';
import { SpecError } from './spec';

/** Set by the global setup when the suite started the embedded mock; read by workers. */
export const MOCK_ORIGIN_ENV = 'CONFORMANCE_MOCK_ORIGIN';

/** Begins the message of the global setup's error when it stops the run before its checks; the cause follows. */
export const STOPPED_MARK = 'dify-knowledge-conformance: ';

/** Set by the global setup: when the run's time budget ends (ms since the epoch), for the workers. */
export const DEADLINE_ENV = 'CONFORMANCE_DEADLINE';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export interface TargetIds {
  datasetId: string;
  /** An uploaded-file document: pinned, or found by discovery. */
  documentId?: string;
  nonFileDocumentId?: string;
  apiDisabledDatasetId?: string;
  foreignDatasetId?: string;
  foreignDocumentId?: string;
  /** Ids of the target's chunks, metadata and tags that reads use: pinned, or found by discovery. */
  segmentId?: string;
  childChunkId?: string;
  metadataId?: string;
  tagId?: string;
  /** SHA-256 (hex) of DIFY_DOCUMENT_ID's original file, when known: the download must match it. */
  documentSha256?: string;
  /** A batch of documents whose indexing status can be read (the mock's, or DIFY_BATCH). */
  batch?: string;
}

/** Which id each path parameter takes, and the variable that pins it. */
export const PINNED_IDS = {
  dataset_id: ['datasetId', 'DIFY_DATASET_ID'],
  document_id: ['documentId', 'DIFY_DOCUMENT_ID'],
  segment_id: ['segmentId', 'DIFY_SEGMENT_ID'],
  child_chunk_id: ['childChunkId', 'DIFY_CHILD_CHUNK_ID'],
  metadata_id: ['metadataId', 'DIFY_METADATA_ID'],
  tag_id: ['tagId', 'DIFY_TAG_ID'],
  batch: ['batch', 'DIFY_BATCH'],
} as const satisfies Record<string, readonly [keyof TargetIds, string]>;

/** Set by the global setup after discovery (src/discovery.ts): the ids it found and why others are missing. */
export const DISCOVERED_ENV = 'CONFORMANCE_DISCOVERED';

export interface Discovered {
  ids: Record<string, string>;
  gaps: Record<string, string>;
  requests: number;
}

export type Target =
  | { kind: 'live'; baseUrl: string }
  | {
      kind: 'mock';
      /** CONFORMANCE_MOCK_PROFILE: the release the mock answers as (src/mock/profiles.ts). */
      profile: ProfileName;
      /** The profile's drifts, then CONFORMANCE_MOCK_DEVIATIONS. */
      deviations: string[];
      latencyMs: number;
      /** Generated documents the mock adds to DIFY_DATASET_ID (CONFORMANCE_MOCK_DOCUMENTS), for the sweep. */
      documents: number;
    };

export interface Settings {
  target: Target;
  apiKey: string;
  ids: TargetIds;
  /** Dify's FILES_ACCESS_TIMEOUT: how long a signed URL without an explicit expiry lives. */
  signedUrlTtlSeconds: number;
  /** How long one check may wait for a signed URL to expire. */
  maxWaitSeconds: number;
  /** Whether the suite may create and delete documents (always on the embedded mock). */
  allowWrites: boolean;
  /** How the run's scratch knowledge base indexes (CONFORMANCE_SCRATCH_INDEXING): economy needs no embedding model. */
  scratchIndexing: 'economy' | 'high_quality';
  /** Accept self-signed or otherwise invalid TLS certificates (CONFORMANCE_INSECURE_TLS=1). */
  insecureTls: boolean;
  /** Per-request timeout, so a hanging server fails one check instead of the run. */
  requestTimeoutMs: number;
  /** How long the suite waits for a document it uploaded to be indexed. */
  indexingTimeoutMs: number;
  /** Parallel workers: each runs one check at a time. */
  workers: number;
  /** Requests per second the whole run may send, over all its workers (0: no limit). */
  rateLimit: number;
  /** The most requests one worker has in flight at once (CONFORMANCE_CONCURRENCY). */
  concurrency: number;
  /** The whole run's time budget, start-up and waits included (CONFORMANCE_MAX_DURATION). */
  maxDurationMs: number;
  /** CONFORMANCE_SWEEP: how many documents of DIFY_DATASET_ID the sweep reads (Infinity: all); 0 when off. */
  sweep: number;
  /** The largest signed-URL download the suite accepts. */
  maxDownloadBytes: number;
  specPath: string;
  strict: boolean;
  reportDir: string;
  /** Accepted deviations of this target, by check id (CONFORMANCE_EXPECTATIONS). */
  expectations: Map<string, Expectation>;
  /** What discovery found on a live target, and why it found nothing for some parameters. */
  discovered?: Discovered;
  expectationsFile?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Env = Record<string, string | undefined>;

/**
 * Reads .env (or CONFORMANCE_ENV_FILE; `none` reads nothing) into process.env; variables already
 * in the environment win.
 */
export function loadDotenv(env: Env = process.env): void {
  const chosen = text(env, 'CONFORMANCE_ENV_FILE');
  if (chosen === 'none') return;
  const file = path.resolve(chosen ?? path.join(PROJECT_ROOT, '.env'));
  if (existsSync(file)) dotenv.config({ path: file, quiet: true });
  else if (chosen !== undefined) exitWithProblem(`CONFORMANCE_ENV_FILE names a file that does not exist: ${file}.`);
}

function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === '' ? undefined : value;
}

function uuid(env: Env, name: string, what: string): string | undefined {
  const value = text(env, name);
  if (value !== undefined && !UUID.test(value)) {
    throw new ConfigError(`${name} is not a UUID (got "${value}"): set it to ${what}.`);
  }
  return value;
}

function requiredUuid(env: Env, name: string, what: string): string {
  const value = uuid(env, name, what);
  if (value === undefined) throw new ConfigError(`${name} is not set: set it to ${what} (a UUID).`);
  return value;
}

function sha256(env: Env): string | undefined {
  const value = text(env, 'DIFY_DOCUMENT_SHA256')?.toLowerCase();
  if (value !== undefined && !/^[0-9a-f]{64}$/.test(value)) {
    throw new ConfigError(`DIFY_DOCUMENT_SHA256 is not a hex SHA-256 (got "${value}"): e.g. the output of sha256sum.`);
  }
  return value;
}

/** Timers beyond a day would overflow Node's 32-bit setTimeout (which then fires at once). */
const MAX_WHOLE = 86_400;

function whole(env: Env, name: string, fallback: number, min: number, unit: string): number {
  const value = text(env, name);
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > MAX_WHOLE) {
    throw new ConfigError(`${name} must be a whole number${unit} from ${min} to ${MAX_WHOLE} (got "${value}").`);
  }
  return Number(value);
}

const seconds = (env: Env, name: string, fallback: number, min: number) =>
  whole(env, name, fallback, min, ' of seconds');
const count = (env: Env, name: string, fallback: number, min: number) => whole(env, name, fallback, min, '');

function scratchIndexing(env: Env): Settings['scratchIndexing'] {
  const value = text(env, 'CONFORMANCE_SCRATCH_INDEXING') ?? 'economy';
  if (value !== 'economy' && value !== 'high_quality') {
    throw new ConfigError(
      `CONFORMANCE_SCRATCH_INDEXING is economy or high_quality (got "${value}"): high_quality needs an embedding model on the target.`,
    );
  }
  return value;
}

function sweep(env: Env): number {
  const value = text(env, 'CONFORMANCE_SWEEP')?.toLowerCase();
  if (value === undefined || value === '0' || value === 'off') return 0;
  if (value === 'all') return Number.POSITIVE_INFINITY;
  if (/^\d+$/.test(value)) return Number(value);
  throw new ConfigError(
    `CONFORMANCE_SWEEP is all or a number of documents to sample (got "${value}"), e.g. CONFORMANCE_SWEEP=200.`,
  );
}

function flag(env: Env, name: string): boolean {
  const value = text(env, name)?.toLowerCase();
  if (value === undefined || value === '0' || value === 'false') return false;
  if (value === '1' || value === 'true') return true;
  throw new ConfigError(`${name} must be 1 or 0 (got "${value}").`);
}

function baseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(
      `DIFY_BASE_URL is not a URL (got "${raw}"): set it to the API base, e.g. https://dify.example.com/v1.`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`DIFY_BASE_URL must be http(s) (got "${url.protocol}"): e.g. https://dify.example.com/v1.`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new ConfigError(
      'DIFY_BASE_URL must not carry credentials, a query or a fragment: put the key in DIFY_API_KEY.',
    );
  }
  // Gateways and compatible servers mount the API where they like; the preflight says when it is not there.
  return url.href.replace(/\/+$/, '');
}

function deviations(env: Env): string[] {
  const names = (text(env, 'CONFORMANCE_MOCK_DEVIATIONS') ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  for (const name of names) {
    if (!DEVIATION_NAMES.includes(name)) {
      throw new ConfigError(
        `CONFORMANCE_MOCK_DEVIATIONS names an unknown deviation "${name}": known ones are ${DEVIATION_NAMES.join(', ')}.`,
      );
    }
  }
  return names;
}

function profile(env: Env): ProfileName {
  const value = text(env, 'CONFORMANCE_MOCK_PROFILE') ?? DEFAULT_PROFILE;
  if (!(PROFILE_NAMES as string[]).includes(value)) {
    throw new ConfigError(
      `CONFORMANCE_MOCK_PROFILE names an unknown profile "${value}": known ones are ${PROFILE_NAMES.join(', ')}.`,
    );
  }
  return value as ProfileName;
}

/** The mock's deviations: its profile's drifts, then those named on their own (each once). */
function mockTarget(env: Env): Target {
  const name = profile(env);
  const drifts = PROFILES[name].drifts.map((drift) => drift.deviation);
  return {
    kind: 'mock',
    profile: name,
    deviations: [...new Set([...drifts, ...deviations(env)])],
    latencyMs: count(env, 'CONFORMANCE_MOCK_LATENCY_MS', 0, 0),
    documents: count(env, 'CONFORMANCE_MOCK_DOCUMENTS', 0, 0),
  };
}

/** The contract file (CONFORMANCE_SPEC, else the project's own). */
export function specPathOf(env: Env): string {
  const value = text(env, 'CONFORMANCE_SPEC');
  if (value === undefined) return DEFAULT_SPEC;
  const resolved = path.resolve(value);
  if (!existsSync(resolved)) {
    throw new ConfigError(`CONFORMANCE_SPEC names a file that does not exist: ${resolved}.`);
  }
  return resolved;
}

function expectations(env: Env, specPath: string): Pick<Settings, 'expectations' | 'expectationsFile'> {
  const value = text(env, 'CONFORMANCE_EXPECTATIONS');
  if (value === undefined) return { expectations: new Map() };
  const file = path.resolve(value);
  try {
    const { checks, replacedBy } = loadCatalog(specPath);
    const checkOf = (id: string) => (checks.has(id) ? id : replacedBy.get(id));
    return { expectations: loadExpectations(file, checkOf), expectationsFile: file };
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
}

/** Validates every setting; throws a ConfigError whose message is one line naming the variable. */
export function loadSettings(env: Env = process.env): Settings {
  const spec = specPathOf(env);
  const common = {
    ...expectations(env, spec),
    specPath: spec,
    strict: flag(env, 'CONFORMANCE_STRICT'),
    insecureTls: flag(env, 'CONFORMANCE_INSECURE_TLS'),
    reportDir: path.resolve(text(env, 'CONFORMANCE_REPORT_DIR') ?? path.join(PROJECT_ROOT, 'reports')),
    maxWaitSeconds: seconds(env, 'CONFORMANCE_MAX_WAIT', 360, 0),
    requestTimeoutMs: seconds(env, 'CONFORMANCE_REQUEST_TIMEOUT', 30, 1) * 1000,
    concurrency: count(env, 'CONFORMANCE_CONCURRENCY', 4, 1),
    maxDurationMs: seconds(env, 'CONFORMANCE_MAX_DURATION', 900, 10) * 1000,
    sweep: sweep(env),
    indexingTimeoutMs: seconds(env, 'CONFORMANCE_INDEXING_TIMEOUT', 120, 1) * 1000,
    maxDownloadBytes: count(env, 'CONFORMANCE_MAX_DOWNLOAD_MB', 100, 1) * 1024 * 1024,
    scratchIndexing: scratchIndexing(env),
  };
  const rawBase = text(env, 'DIFY_BASE_URL');
  if (rawBase === undefined) {
    return {
      ...common,
      target: mockTarget(env),
      workers: count(env, 'CONFORMANCE_WORKERS', 2, 1),
      rateLimit: count(env, 'CONFORMANCE_RATE_LIMIT', 0, 0),
      // The mock is the suite's own: writing to it risks nothing, so every check runs.
      allowWrites: true,
      apiKey: text(env, 'DIFY_API_KEY') ?? MOCK_API_KEY,
      ids: { ...MOCK_IDS, documentSha256: createHash('sha256').update(GUIDE_FILE.bytes).digest('hex') },
      signedUrlTtlSeconds: seconds(env, 'DIFY_SIGNED_URL_TTL', MOCK_SIGNED_URL_TTL, 1),
    };
  }
  for (const name of ['CONFORMANCE_MOCK_DEVIATIONS', 'CONFORMANCE_MOCK_DOCUMENTS', 'CONFORMANCE_MOCK_PROFILE']) {
    if (text(env, name) !== undefined) {
      throw new ConfigError(`${name} only applies to the embedded mock: unset DIFY_BASE_URL.`);
    }
  }
  const target: Target = { kind: 'live', baseUrl: baseUrl(rawBase) };
  const apiKey = text(env, 'DIFY_API_KEY');
  if (apiKey === undefined) {
    throw new ConfigError('DIFY_API_KEY is not set: set it to a Knowledge API key of the target (dataset-…).');
  }
  if (/\s/.test(apiKey)) throw new ConfigError('DIFY_API_KEY contains white space: paste the key alone.');
  const allowWrites = flag(env, 'CONFORMANCE_ALLOW_WRITES');
  const foreignDatasetId = uuid(env, 'DIFY_FOREIGN_DATASET_ID', 'a knowledge base of another workspace');
  const foreignDocumentId = uuid(env, 'DIFY_FOREIGN_DOCUMENT_ID', 'a document of DIFY_FOREIGN_DATASET_ID');
  if ((foreignDatasetId === undefined) !== (foreignDocumentId === undefined)) {
    throw new ConfigError('DIFY_FOREIGN_DATASET_ID and DIFY_FOREIGN_DOCUMENT_ID go together: set both or neither.');
  }
  const discovered = discoveredOf(env);
  const pinnedDocument = uuid(env, 'DIFY_DOCUMENT_ID', 'an uploaded-file document of DIFY_DATASET_ID');
  return {
    ...common,
    target,
    // A live run waits on the network rather than computing: more workers than cores pay off.
    workers: count(env, 'CONFORMANCE_WORKERS', 4, 1),
    rateLimit: count(env, 'CONFORMANCE_RATE_LIMIT', 10, 0),
    allowWrites,
    apiKey,
    ...(discovered ? { discovered } : {}),
    ids: {
      datasetId: requiredUuid(env, 'DIFY_DATASET_ID', 'the knowledge base to test'),
      documentId: pinnedDocument ?? discovered?.ids.document_id,
      segmentId: uuid(env, 'DIFY_SEGMENT_ID', 'a chunk of DIFY_DOCUMENT_ID') ?? discovered?.ids.segment_id,
      childChunkId:
        uuid(env, 'DIFY_CHILD_CHUNK_ID', 'a child chunk of DIFY_SEGMENT_ID') ?? discovered?.ids.child_chunk_id,
      metadataId: uuid(env, 'DIFY_METADATA_ID', 'a metadata field of DIFY_DATASET_ID') ?? discovered?.ids.metadata_id,
      tagId: uuid(env, 'DIFY_TAG_ID', 'a tag bound to DIFY_DATASET_ID') ?? discovered?.ids.tag_id,
      batch: text(env, 'DIFY_BATCH') ?? discovered?.ids.batch,
      nonFileDocumentId: uuid(env, 'DIFY_NON_FILE_DOCUMENT_ID', 'a document without an uploaded file'),
      apiDisabledDatasetId: uuid(env, 'DIFY_API_DISABLED_DATASET_ID', 'a knowledge base whose API access is off'),
      foreignDatasetId,
      foreignDocumentId,
      documentSha256: sha256(env),
    },
    signedUrlTtlSeconds: seconds(env, 'DIFY_SIGNED_URL_TTL', 300, 1),
  };
}

/** What the global setup's discovery handed down, if it ran. */
export function discoveredOf(env: Env = process.env): Discovered | undefined {
  const value = text(env, DISCOVERED_ENV);
  if (value === undefined) return undefined;
  try {
    const parsed = JSON.parse(value) as Discovered;
    return { ids: parsed.ids ?? {}, gaps: parsed.gaps ?? {}, requests: Number(parsed.requests ?? 0) };
  } catch {
    throw new ConfigError(`${DISCOVERED_ENV} is not JSON: it is the global setup's; unset it.`);
  }
}

/** For entry points: the settings, or one line naming the problem and exit code 2. */
export function settingsOrExit(env: Env = process.env): Settings {
  try {
    return loadSettings(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    exitWithProblem(error.message);
  }
}

/** For entry points: the catalog loads (the spec resolves, the rows are sound), or one line and exit code 2. */
export function catalogOrExit(specPath: string): void {
  try {
    loadCatalog(specPath);
  } catch (error) {
    if (!(error instanceof SpecError || error instanceof CatalogError)) throw error;
    exitWithProblem(error.message);
  }
}

export function exitWithProblem(message: string): never {
  console.error(`dify-knowledge-conformance: ${message}`);
  process.exit(2);
}
