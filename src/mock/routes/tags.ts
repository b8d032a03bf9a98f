// Tags: create, list, rename, delete, bind to and unbind from knowledge bases, a knowledge base's tags.
import type { Hono } from 'hono';
import type { Env, MockContext } from '../context';
import type { Deviation } from '../deviations';

export const tagDeviations = {} satisfies Record<string, Deviation>;

export function tagRoutes(_app: Hono<Env>, _mock: MockContext): void {}
