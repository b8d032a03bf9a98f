// Retrieval: test a query against a knowledge base's segments.
import type { Hono } from 'hono';
import type { Env, MockContext } from '../context';
import type { Deviation } from '../deviations';

export const retrievalDeviations = {} satisfies Record<string, Deviation>;

export function retrievalRoutes(_app: Hono<Env>, _mock: MockContext): void {}
