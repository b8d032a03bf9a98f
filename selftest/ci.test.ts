// The CI workflow is valid YAML and runs the README's two commands.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import YAML from 'yaml';
import { PROJECT_ROOT } from '../src/paths';

const read = (file: string) => readFileSync(path.join(PROJECT_ROOT, file), 'utf8');
/** A GitHub Actions expression, `${{ … }}`, as the workflow text has it. */
const expr = (inner: string) => `\${{ ${inner} }}`;

test('the workflow runs the README commands: npm test on pull requests, the suite against staging nightly', () => {
  const readme = read('README.md');
  const commands = /```sh\n(.+?) +#.*\n(.+?) +#/.exec(readme);
  expect(commands?.slice(1, 3)).toEqual(['npm ci && npm run conformance', 'npm test']);
  const workflow = YAML.parse(read('.github/workflows/conformance.yml'));
  const runs = (job: string): string[] =>
    workflow.jobs[job].steps.map((step: { run?: string }) => step.run).filter(Boolean);
  expect(runs('test')).toContain('npm test');
  // Staging runs the first command on two machines, and merges their blobs into one report.
  expect(workflow.jobs.staging.strategy.matrix.shard).toEqual([1, 2]);
  expect(runs('staging')).toContain(`npm ci && npm run conformance -- --shard=${expr('matrix.shard')}/2`);
  expect(runs('staging-report')).toContain('npx playwright merge-reports --config playwright.config.ts all-blobs');
  expect(workflow.jobs['staging-report'].env).toEqual(workflow.jobs.staging.env);
  // Tonight against last night.
  expect(runs('staging-report')).toContain('npm run compare -- previous/conformance.json reports/conformance.json');
  expect(Object.keys(workflow.on)).toEqual(expect.arrayContaining(['pull_request', 'schedule', 'workflow_dispatch']));
});

test('the composite action runs the suite from three inputs and uploads the reports', () => {
  const action = YAML.parse(read('action.yml'));
  expect(Object.entries(action.inputs).filter(([, input]) => (input as { required?: boolean }).required)).toEqual([
    ['base-url', expect.anything()],
    ['api-key', expect.anything()],
    ['dataset-id', expect.anything()],
  ]);
  expect(action.runs.using).toBe('composite');
  const steps = action.runs.steps as { run?: string; uses?: string; env?: Record<string, string>; if?: string }[];
  const run = steps.find((step) => step.run?.includes('npx playwright test'));
  expect(run?.env).toMatchObject({
    DIFY_BASE_URL: expr('inputs.base-url'),
    DIFY_API_KEY: expr('inputs.api-key'),
    DIFY_DATASET_ID: expr('inputs.dataset-id'),
    CONFORMANCE_ENV_FILE: 'none',
  });
  // Inputs reach the script through the environment only, never spliced into its text.
  for (const step of steps) expect(step.run ?? '').not.toContain('$' + '{{');
  expect(run?.run).toContain('::add-mask::$DIFY_API_KEY');
  const upload = steps.find((step) => step.uses?.startsWith('actions/upload-artifact'));
  expect(upload?.if).toBe('always()');
  // The README shows it in three lines.
  expect(read('README.md')).toMatch(
    /uses: [\w-]+\/dify-knowledge-conformance@\w+\n\s+with:\n\s+base-url: .+\n\s+api-key: .+\n\s+dataset-id: .+/,
  );
});

test('.ci/run ends with the test command and a pass/fail line', () => {
  const script = read('.ci/run');
  expect(script).toContain('npm ci');
  expect(script).toContain('\nnpm test\n');
  expect(script).toMatch(/summary\(\) \{ echo "\$1 passed, \$2 failed"; \}/);
});
