// The type check (TypeScript strict) as a test of its own, so that it runs beside the others.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from '@playwright/test';
import { PROJECT_ROOT } from '../src/paths';

test('the project type-checks under TypeScript strict', async () => {
  const tsc = path.join(PROJECT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = await promisify(execFile)(process.execPath, [tsc, '-p', PROJECT_ROOT], { cwd: PROJECT_ROOT }).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (error: { code?: number; stdout?: string }) => ({ code: error.code ?? 1, stdout: error.stdout ?? '' }),
  );
  expect(result.stdout.trim(), 'tsc -p . found type errors').toBe('');
  expect(result.code).toBe(0);
});
