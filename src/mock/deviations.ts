// Named ways the mock can break the contract, gathered from the modules that implement them; the
// project's tests switch each on and assert that exactly its root checks fail (and its SHOULD checks warn).
import { authDeviations } from './auth';
import { faultDeviations } from './faults';
import { lookupDeviations } from './lookup';
import { datasetDeviations } from './routes/datasets';
import { documentDeviations } from './routes/documents';
import { fileDeviations } from './routes/files';

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
   * The operations whose answers it changes, when its root checks do not name them all (e.g. a
   * fault the suite survives). The self-tests run the checks of these operations, and of the
   * operations of its root checks, and fail when it changes any other answer.
   */
  operations?: string[];
  /** What every failure's detail must say: the cause in plain words. */
  cause?: string;
  /** Suite settings the deviation is tested with, e.g. a short request timeout. */
  settings?: Record<string, string>;
}

const parts = [
  authDeviations,
  lookupDeviations,
  faultDeviations,
  datasetDeviations,
  documentDeviations,
  fileDeviations,
] as const;

const definitions = {
  ...authDeviations,
  ...lookupDeviations,
  ...faultDeviations,
  ...datasetDeviations,
  ...documentDeviations,
  ...fileDeviations,
};

export type DeviationName = keyof typeof definitions;
export const DEVIATIONS: Record<DeviationName, Deviation> = definitions;
export const DEVIATION_NAMES: string[] = Object.keys(DEVIATIONS);

// Spreading would let a name defined in two modules silently keep only the last definition.
if (DEVIATION_NAMES.length !== parts.reduce((sum, part) => sum + Object.keys(part).length, 0)) {
  throw new Error('mock: a deviation name is defined in more than one module');
}
