// Chunks (segments) of a document: create, list, read, update, delete.
import type { Hono } from 'hono';
import type { Env, MockContext } from '../context';
import type { Deviation } from '../deviations';

export const segmentDeviations = {} satisfies Record<string, Deviation>;

export function segmentRoutes(_app: Hono<Env>, _mock: MockContext): void {}
