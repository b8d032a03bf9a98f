// Named ways the mock can break the contract, gathered from the modules that implement them; the
// project's tests switch each on and assert that exactly its root checks fail (and its SHOULD checks warn).
import { authDeviations } from './auth';
import { faultDeviations } from './faults';
import { lookupDeviations } from './lookup';
import { pagingDeviations } from './paging';
import { childChunkDeviations } from './routes/child-chunks';
import { datasetDeviations } from './routes/datasets';
import { documentDeviations } from './routes/documents';
import { fileDeviations } from './routes/files';
import { metadataDeviations } from './routes/metadata';
import { modelDeviations } from './routes/models';
import { pipelineDeviations } from './routes/pipeline';
import { retrievalDeviations } from './routes/retrieval';
import { segmentDeviations } from './routes/segments';
import { tagDeviations } from './routes/tags';

export interface Deviation {
  description: string;
  /**
   * Check ids that fail at the root, or patterns in which a segment `*` matches any one id segment
   * (e.g. the operationId, for a family every operation has); every other check passes or is blocked
   * by one of these.
   */
  fails: string[];
  /** SHOULD-level checks that warn (patterns allowed). */
  warns?: string[];
  /**
   * The checks (patterns allowed) that can see it besides its root checks, when fewer than all
   * checks of their operations can: e.g. only requests with a Basic header reach basic-scheme-400.
   * Its self-test project runs these, its root checks and every check relying on one of them
   * (without `sees`: every check of its root checks' operations); the conforming project fails a
   * check whose requests make the mock consult a deviation whose project leaves it out.
   */
  sees?: string[];
  /** What every failure's detail must say: the cause in plain words. */
  cause?: string;
  /** Suite settings the deviation is tested with, e.g. a short request timeout. */
  settings?: Record<string, string>;
}

const parts = [
  authDeviations,
  lookupDeviations,
  faultDeviations,
  pagingDeviations,
  datasetDeviations,
  tagDeviations,
  modelDeviations,
  pipelineDeviations,
  documentDeviations,
  fileDeviations,
  metadataDeviations,
  segmentDeviations,
  childChunkDeviations,
  retrievalDeviations,
] as const;

const definitions = {
  ...authDeviations,
  ...lookupDeviations,
  ...faultDeviations,
  ...pagingDeviations,
  ...datasetDeviations,
  ...tagDeviations,
  ...modelDeviations,
  ...pipelineDeviations,
  ...documentDeviations,
  ...fileDeviations,
  ...metadataDeviations,
  ...segmentDeviations,
  ...childChunkDeviations,
  ...retrievalDeviations,
};

export type DeviationName = keyof typeof definitions;
export const DEVIATIONS: Record<DeviationName, Deviation> = definitions;
export const DEVIATION_NAMES: string[] = Object.keys(DEVIATIONS);

// Spreading would let a name defined in two modules silently keep only the last definition.
if (DEVIATION_NAMES.length !== parts.reduce<number>((sum, part) => sum + Object.keys(part).length, 0)) {
  throw new Error('mock: a deviation name is defined in more than one module');
}
