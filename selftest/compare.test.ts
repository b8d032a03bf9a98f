// npm run compare: two runs of the mock, one with a deviation, differ in exactly the checks the
// deviation fails and blocks; the same run twice differs in nothing; a wrong input is one line.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { PROJECT_ROOT } from '../src/paths';
import { compare, newlyFailing, renderText } from '../src/report/compare';
import type { CheckResult, ConformanceReport } from '../src/report/model';
import { checksWith, cleanEnv, runSuite } from './run-suite';

function runCompare(files: string[]): Promise<{ code: number | null; stdout: string; stderr: string; dir: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'compare-'));
  const tsx = path.join(PROJECT_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [tsx, 'scripts/compare.ts', ...files], {
      cwd: PROJECT_ROOT,
      env: cleanEnv({ CONFORMANCE_REPORT_DIR: dir }),
    });
    let [stdout, stderr] = ['', ''];
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, dir }));
  });
}

const ONLY = ['--grep', '@download-document'];

test('compare names exactly the checks a deviation changed, and exits 1 for the one newly failing', async () => {
  const [conforming, broken] = await Promise.all([
    runSuite({}, ONLY),
    runSuite({ CONFORMANCE_MOCK_DEVIATIONS: 'relative-url' }, ONLY),
  ]);
  const files = [conforming, broken].map((run) => path.join(run.reportDir, 'conformance.json'));
  const result = await runCompare(files);
  expect(result.code, result.stderr).toBe(1);
  const expected = [...checksWith(broken, 'failed'), ...checksWith(broken, 'blocked')].sort();
  expect(expected.length).toBeGreaterThan(5);
  const named = [...result.stdout.matchAll(/^ {2}newly \w+ +(\S+): passed → (failed|blocked)/gm)].map((m) => m[1]);
  expect(named.sort()).toEqual(expected);
  expect(result.stdout).toContain('1 newly failing');
  expect(result.stdout).toContain('downloadDocument/signed-url/absolute: passed → failed');
  const html = readFileSync(path.join(result.dir, 'compare.html'), 'utf8');
  expect(html).toContain('<strong id="verdict">1 newly failing</strong>');
  for (const check of expected) expect(html).toContain(`<code>${check}</code>`);

  const same = await runCompare([files[0] ?? '', files[0] ?? '']);
  expect(same.code).toBe(0);
  expect(same.stdout).toContain('No check changed its outcome');
});

test('an input that is not a conformance report is one line and exit code 2', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'compare-bad-'));
  const notReport = path.join(dir, 'package.json');
  writeFileSync(notReport, '{"name": "x"}');
  for (const [files, message] of [
    [[notReport, notReport], /^compare: .*package\.json is not a conformance report/],
    [[path.join(dir, 'missing.json'), notReport], /^compare: .*missing\.json does not exist/],
    [[notReport], /^compare: usage: npm run compare -- <a\/conformance\.json> <b\/conformance\.json>/],
  ] as const) {
    const result = await runCompare([...files]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(message)]);
  }
});

test('two failures of one check compare by what the server did: the same answer with new ids is unchanged, another answer fails differently', () => {
  const failed = (actual: string) =>
    ({
      check: 'op/x',
      operationId: 'op',
      claim: 'c',
      outcome: 'failed',
      detail: `op/x (MUST)\nactual:   ${actual}`,
    }) as CheckResult;
  const run = (actual: string) => ({
    file: 'f',
    report: { target: { baseUrl: 'http://x/v1', kind: 'live' }, results: [failed(actual)] } as ConformanceReport,
  });
  const body = (id: string) =>
    `HTTP 200 with "{\\"data\\":{\\"id\\":\\"${id}\\",\\"content\\":\\"dkc${id.slice(0, 4)}\\"}}"`;
  const same = compare(run(body(randomUUID())), run(body(randomUUID())));
  expect([same.changed, same.unchanged]).toEqual([[], 1]);
  const other = compare(run(body(randomUUID())), run('HTTP 400 with "{\\"code\\":\\"invalid_param\\"}"'));
  expect(other.changed.map((c) => c.change)).toEqual(['failing differently']);
  expect(newlyFailing(other)).toEqual([]);
  expect(renderText(other)).toMatch(
    /failing differently op\/x: failed → failed\n {6}A: actual: +HTTP 200.*\n {6}B: actual: +HTTP 400/,
  );
});
