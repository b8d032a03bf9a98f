// Models: the workspace's available models by type.
import type { Hono } from 'hono';
import type { Env, MockContext } from '../context';
import type { Deviation } from '../deviations';

export const modelDeviations = {} satisfies Record<string, Deviation>;

export function modelRoutes(_app: Hono<Env>, _mock: MockContext): void {}
