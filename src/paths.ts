// Where the project's files live, independent of the working directory.
import path from 'node:path';

export const PROJECT_ROOT = path.resolve(__dirname, '..');
export const DEFAULT_SPEC = path.join(PROJECT_ROOT, 'specs', 'knowledge-api.yaml');
