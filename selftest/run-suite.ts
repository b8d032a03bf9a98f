// Runs the conformance suite in a child process, as a user would, and reads what it wrote.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../src/paths';
import type { ConformanceReport } from '../src/report/model';

export interface SuiteRun {
  code: number | null;
  stdout: string;
  stderr: string;
  reportDir: string;
  outputDir: string;
  report?: ConformanceReport;
}

const PLAYWRIGHT_CLI = path.join(PROJECT_ROOT, 'node_modules', '@playwright', 'test', 'cli.js');

/**
 * The environment of a clean shell: none of this runner's Playwright or suite settings leak in.
 * The resolved spec and catalog do: they are keyed by what they were made from, so a run whose
 * spec or catalog differs makes its own.
 */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(PW_|PLAYWRIGHT_|TEST_|DIFY_|CONFORMANCE_)(?!RESOLVED_)/.test(name)) continue;
    env[name] = value;
  }
  // One worker: these runs are about the process, and a second worker's start-up costs CPU the
  // self-tests running beside them need.
  return { ...env, FORCE_COLOR: '0', CI: '1', CONFORMANCE_ENV_FILE: 'none', CONFORMANCE_WORKERS: '1', ...extra };
}

/** Sends a signal to the run and its workers. */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/** @param control gets the child process, e.g. to interrupt it mid-run. */
export function runSuite(
  env: Record<string, string> = {},
  args: string[] = [],
  timeoutMs = 110_000,
  control?: (child: ChildProcess) => void,
): Promise<SuiteRun> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'conformance-run-'));
  const reportDir = path.join(scratch, 'reports');
  const outputDir = path.join(scratch, 'test-results');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PLAYWRIGHT_CLI, 'test', '--output', outputDir, ...args], {
      cwd: PROJECT_ROOT,
      env: cleanEnv({ CONFORMANCE_REPORT_DIR: reportDir, ...env }),
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so that killing the run kills its workers too, as a terminal's ^C or kill -9 of a job would.
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), timeoutMs);
    control?.(child);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const file = path.join(reportDir, 'conformance.json');
      const report = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ConformanceReport) : undefined;
      resolve({ code, stdout, stderr, reportDir, outputDir, report });
    });
  });
}

export function checksWith(run: SuiteRun, outcome: string): string[] {
  return (run.report?.results ?? [])
    .filter((r) => r.outcome === outcome)
    .map((r) => r.check)
    .sort();
}
