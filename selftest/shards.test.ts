// Sharding: two shards' blobs, merged by Playwright's merge-reports, make the same conformance.json
// and junit.xml as one unsharded run, and no blob carries the key or a URL signature.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { strFromU8, unzipSync } from 'fflate';
import { PROJECT_ROOT } from '../src/paths';
import type { ConformanceReport } from '../src/report/model';
import { cleanEnv, runSuite } from './run-suite';

const CANARY_KEY = 'dataset-CANARY0KEY0shard0merge';
const ENV = { DIFY_API_KEY: CANARY_KEY };
const ONLY = ['--grep', '@get-document|@download-document'];

function merge(blobs: string, reportDir: string): Promise<{ code: number | null; stdout: string }> {
  const cli = path.join(PROJECT_ROOT, 'node_modules', '@playwright', 'test', 'cli.js');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'merge-reports', '--config', 'playwright.config.ts', blobs], {
      cwd: PROJECT_ROOT,
      env: cleanEnv({ ...ENV, CONFORMANCE_REPORT_DIR: reportDir }),
    });
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout }));
  });
}

/**
 * What must not differ between runs: everything but times, ports and the evidence, whose volatile
 * values (and the number of polls a wait took) differ from run to run anyway.
 */
function content(report: ConformanceReport | undefined) {
  if (!report) throw new Error('no report');
  const { verdict, summary, spec, coverage, strict, budgetMs } = report;
  const results = report.results.map((r) => ({ ...r, durationMs: 0, evidence: r.evidence.length > 0 }));
  return { verdict, summary, spec, coverage, strict, budgetMs, results, target: report.target.kind };
}

const junitContent = (dir: string) => readFileSync(path.join(dir, 'junit.xml'), 'utf8').replace(/ time="[\d.]+"/g, '');

test('two shards merged are the unsharded run, and their blobs keep no secret', async () => {
  const whole = await runSuite(ENV, ONLY);
  expect(whole.code, whole.stdout).toBe(0);
  const blobs = mkdtempSync(path.join(tmpdir(), 'blobs-'));
  for (const shard of ['1/2', '2/2']) {
    const run = await runSuite(ENV, [...ONLY, `--shard=${shard}`]);
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain(`Shard ${shard} done`);
    for (const zip of readdirSync(path.join(run.reportDir, 'blob'))) {
      const file = path.join(run.reportDir, 'blob', zip);
      const text = Object.values(unzipSync(readFileSync(file)))
        .map((bytes) => strFromU8(bytes))
        .join('\n');
      expect(text).toContain('evidence');
      expect(text).not.toContain(CANARY_KEY);
      expect(text).not.toMatch(/sign=(?!\[REDACTED\])[^&"\s]+/);
      copyFileSync(file, path.join(blobs, zip));
    }
  }
  const mergedDir = path.join(mkdtempSync(path.join(tmpdir(), 'merged-')), 'reports');
  const merged = await merge(blobs, mergedDir);
  expect(merged.code, merged.stdout).toBe(0);
  const report = JSON.parse(readFileSync(path.join(mergedDir, 'conformance.json'), 'utf8')) as ConformanceReport;
  expect(report.summary.passed).toBeGreaterThan(30);
  expect(content(report)).toEqual(content(whole.report));
  expect(junitContent(mergedDir)).toEqual(junitContent(whole.reportDir));
  const html = readFileSync(path.join(mergedDir, 'conformance.html'), 'utf8');
  expect(html).toContain('<strong id="verdict">conformant</strong>');
  expect(html).not.toContain(CANARY_KEY);
});
