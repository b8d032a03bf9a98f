// The CI workflow is valid YAML and runs the README's two commands.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import YAML from 'yaml';
import { PROJECT_ROOT } from '../src/paths';

const read = (file: string) => readFileSync(path.join(PROJECT_ROOT, file), 'utf8');

test('the workflow runs the README commands: npm test on pull requests, the suite against staging nightly', () => {
  const readme = read('README.md');
  const commands = /```sh\n(.+?) +#.*\n(.+?) +#/.exec(readme);
  expect(commands?.slice(1, 3)).toEqual(['npm ci && npm run conformance', 'npm test']);
  const workflow = YAML.parse(read('.github/workflows/conformance.yml'));
  const runs = (job: string): string[] =>
    workflow.jobs[job].steps.map((step: { run?: string }) => step.run).filter(Boolean);
  expect(runs('test')).toContain('npm test');
  expect(runs('staging')).toContain('npm ci && npm run conformance');
  expect(Object.keys(workflow.on)).toEqual(expect.arrayContaining(['pull_request', 'schedule', 'workflow_dispatch']));
});

test('.ci/run ends with the test command and a pass/fail line', () => {
  const script = read('.ci/run');
  expect(script).toContain('npm ci');
  expect(script).toContain('\nnpm test\n');
  expect(script).toMatch(/summary\(\) \{ echo "\$1 passed, \$2 failed"; \}/);
});
