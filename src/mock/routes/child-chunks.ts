// Child chunks of a parent-child segment: create, list, update, delete.
import type { Hono } from 'hono';
import type { Env, MockContext } from '../context';
import type { Deviation } from '../deviations';

export const childChunkDeviations = {} satisfies Record<string, Deviation>;

export function childChunkRoutes(_app: Hono<Env>, _mock: MockContext): void {}
