// The knowledge pipeline: file upload, datasource plugins, running a datasource node, running the pipeline.
import type { Hono } from 'hono';
import type { Env, MockContext } from '../context';
import type { Deviation } from '../deviations';

export const pipelineDeviations = {} satisfies Record<string, Deviation>;

export function pipelineRoutes(_app: Hono<Env>, _mock: MockContext): void {}
