// Metadata: a knowledge base's custom and built-in fields, and documents' values.
import type { Hono } from 'hono';
import type { Env, MockContext } from '../context';
import type { Deviation } from '../deviations';

export const metadataDeviations = {} satisfies Record<string, Deviation>;

export function metadataRoutes(_app: Hono<Env>, _mock: MockContext): void {}
