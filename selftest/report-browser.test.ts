// The HTML report in a real browser: verdict, the way to the first failure, the filter, no network, no JS, escaping.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, type BrowserContext, chromium, expect, type Page, test } from '@playwright/test';
import { PROJECT_ROOT } from '../src/paths';
import { renderHtml } from '../src/report/html';
import type { ConformanceReport } from '../src/report/model';
import { runSuite, type SuiteRun } from './run-suite';

const CHROMIUM = '/usr/bin/chromium';
const FAILING_CHECK = 'downloadDocument/signed-url/file-name';

async function launch(): Promise<Browser> {
  // A missing browser must fail the selftest, not quietly skip what it is there to prove.
  expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)`).toBe(
    true,
  );
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** The value, or a failure naming what is missing. */
function must<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`missing: ${what}`);
  return value;
}

interface Opened {
  page: Page;
  url: string;
  requests: string[];
  dialogs: string[];
}

/** Opens a report file, recording every request and dialog the page makes. */
async function open(context: BrowserContext, file: string): Promise<Opened> {
  const page = await context.newPage();
  const url = pathToFileURL(file).href;
  const requests: string[] = [];
  const dialogs: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(url, { waitUntil: 'load' });
  return { page, url, requests, dialogs };
}

test.describe('the report of a suite run', () => {
  test.describe.configure({ mode: 'serial' });

  let browser: Browser;
  let good: SuiteRun;
  let broken: SuiteRun;
  let goodReport: ConformanceReport;
  let brokenReport: ConformanceReport;
  const htmlOf = (run: SuiteRun) => path.join(run.reportDir, 'conformance.html');

  test.beforeAll(async () => {
    test.setTimeout(240_000);
    browser = await launch();
    // The download checks are enough for a report with a failure, its evidence and passed rows.
    const only = ['--grep', '@download-document'];
    [good, broken] = await Promise.all([
      runSuite({}, only),
      runSuite({ CONFORMANCE_MOCK_DEVIATIONS: 'wrong-file-name' }, only),
    ]);
    expect(good.code, good.stdout + good.stderr).toBe(0);
    expect(broken.code, broken.stdout + broken.stderr).toBe(1);
    goodReport = must(good.report, 'conformance.json of the conforming run');
    brokenReport = must(broken.report, 'conformance.json of the broken run');
  });

  test.afterAll(async () => {
    await browser?.close();
  });

  test('a conforming run shows the verdict and the totals, with no request but the file', async () => {
    const context = await browser.newContext();
    const { page, url, requests } = await open(context, htmlOf(good));
    const summary = goodReport.summary;
    await expect(page.locator('#verdict')).toHaveText('conformant');
    await expect(page.locator('.count', { hasText: 'passed' })).toHaveText(`${summary.passed} passed`);
    await expect(page.locator('.count', { hasText: 'failed' })).toHaveText('0 failed');
    await expect(page.locator('.count', { hasText: 'total' })).toHaveText(`${summary.total} total`);
    await expect(page.locator('#failures')).toHaveCount(0);
    expect(requests).toEqual([url]);
    await context.close();
  });

  test("a broken run leads from the verdict to the first failure's evidence", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const { page, url, requests } = await open(context, htmlOf(broken));
    const failed = must(
      brokenReport.results.find((r) => r.check === FAILING_CHECK),
      FAILING_CHECK,
    );
    const line = (prefix: string) =>
      must(
        failed.detail.split('\n').find((l) => l.startsWith(prefix)),
        `${prefix} line`,
      );
    await expect(page.locator('#verdict')).toHaveText('not conformant');
    await expect(page.locator('.count', { hasText: 'failed' })).toHaveText(`${brokenReport.summary.failed} failed`);

    // The screenshot for the README: verdict and first failure on the first screen.
    const failures = page.locator('#failures');
    await expect(failures.locator('li').first()).toContainText(line('expected:'));
    await expect(failures).toBeInViewport();
    const shot = path.join(PROJECT_ROOT, 'reports', 'conformance-report.png');
    mkdirSync(path.dirname(shot), { recursive: true });
    await page.screenshot({ path: shot });
    // The README's copy changes only on request, so a test run leaves the working tree clean.
    if (process.env.UPDATE_DOCS_SCREENSHOT === '1') copyFileSync(shot, path.join(PROJECT_ROOT, 'docs', 'report.png'));

    // Follow the failure to its matrix row: the detail is there, the evidence one click away.
    await failures.getByRole('link', { name: FAILING_CHECK }).click();
    expect(page.url()).toBe(`${url}#check-downloadDocument-signed-url-file-name`);
    const row = page.locator('#check-downloadDocument-signed-url-file-name');
    await expect(row).toBeInViewport();
    await expect(row.getByText(line('expected:'))).toBeVisible();
    await expect(row.getByText(line('request:'))).toBeVisible();
    const exchange = must(
      failed.evidence.find((e) => e.url.includes('file-preview')),
      'the signed-URL exchange',
    );
    const evidence = row.locator('details');
    const requestLine = evidence.getByText(`${exchange.method} ${exchange.url} → ${exchange.status}`);
    await expect(requestLine).toBeHidden();
    await evidence.getByText(/^Evidence:/).click();
    await expect(requestLine).toBeVisible();
    await expect(evidence.getByText(/content-disposition: attachment/i)).toBeVisible();

    // And back from the row to the failure list.
    await row.getByRole('link', { name: '↑ failures' }).click();
    expect(page.url()).toBe(`${url}#failure-downloadDocument-signed-url-file-name`);
    expect(requests).toEqual([url]);
    await context.close();
  });

  test('"show failures only" hides the passed rows and shows them again', async () => {
    const context = await browser.newContext();
    const { page } = await open(context, htmlOf(broken));
    const passed = page.locator('tbody.check:not(.blocking)');
    const failedRow = page.locator('#check-downloadDocument-signed-url-file-name');
    await expect(passed.first()).toBeVisible();
    await page.getByLabel('Show failures only').check();
    await expect(failedRow).toBeVisible();
    await expect(passed).toHaveCount(brokenReport.summary.total - 1);
    for (const row of await passed.all()) await expect(row).toBeHidden();
    await page.getByLabel('Show failures only').uncheck();
    await expect(passed.first()).toBeVisible();
    await context.close();
  });

  test('without JavaScript the verdict, the failures and every row are still there', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const { page } = await open(context, htmlOf(broken));
    await expect(page.locator('#verdict')).toHaveText('not conformant');
    await expect(page.locator('#failures')).toContainText(FAILING_CHECK);
    await expect(page.locator('#failures').getByText(/^expected:/m)).toBeVisible();
    await expect(page.locator('tbody.check:not(.blocking)').first()).toBeVisible();
    // The filter needs the script, so it is not offered without it.
    await expect(page.locator('#filter')).toBeHidden();
    await context.close();
  });
});

test.describe('hostile strings in a report', () => {
  const SCRIPT = '<script>alert(1)</script>';
  const IMG = '<img src=x onerror=alert(1)>';
  const HOSTILE = `${SCRIPT} ${IMG} "quoted' & ampersand`;

  function hostileReport(): ConformanceReport {
    const summary = {
      passed: 0,
      failed: 1,
      blocked: 0,
      skipped: 0,
      warning: 0,
      knownDeviation: 0,
      unexpectedlyPassing: 0,
      notRun: 0,
      total: 1,
    };
    return {
      tool: { name: 'dify-knowledge-conformance', version: HOSTILE },
      target: { kind: 'mock', baseUrl: `http://127.0.0.1/v1/${IMG}`, deviations: [HOSTILE], insecureTls: true },
      expectationsFile: HOSTILE,
      startedAt: HOSTILE,
      durationMs: 1,
      budgetMs: 900_000,
      traffic: { requests: 1, distinct: 1, reused: 0 },
      stopped: { check: 'run/time-budget', claim: HOSTILE, cause: HOSTILE },
      strict: false,
      verdict: 'not conformant',
      results: [
        {
          operationId: HOSTILE,
          check: `op/${IMG}"'`,
          claim: HOSTILE,
          level: 'MUST',
          citation: `#/paths/${SCRIPT}`,
          quote: HOSTILE,
          tags: [],
          outcome: 'failed',
          detail: `expected: ${SCRIPT}\nactual:   ${IMG}`,
          notes: [HOSTILE],
          expectation: { check: HOSTILE, reason: HOSTILE, link: 'javascript:alert(1)' },
          durationMs: 1,
          evidence: [
            {
              client: 'api',
              method: HOSTILE,
              url: `http://127.0.0.1/v1/x?q=${SCRIPT}`,
              requestHeaders: { [HOSTILE]: HOSTILE },
              status: 200,
              responseHeaders: { 'content-type': HOSTILE },
              bodyExcerpt: HOSTILE,
              error: HOSTILE,
              reusedFrom: HOSTILE,
              fingerprint: '0123456789abcdef',
              ms: 1,
            },
          ],
        },
      ],
      coverage: {
        statusCodes: { [HOSTILE]: [{ status: HOSTILE, exercised: false, checks: [], reason: HOSTILE }] },
        fields: { [HOSTILE]: [{ field: HOSTILE, seen: false }] },
        parameters: {
          [HOSTILE]: [
            {
              name: HOSTILE,
              in: HOSTILE,
              exercised: false,
              values: [{ value: HOSTILE, exercised: true }],
              reason: HOSTILE,
            },
          ],
        },
      },
      spec: {
        file: HOSTILE,
        title: HOSTILE,
        version: HOSTILE,
        sha256: HOSTILE,
        notes: [{ at: HOSTILE, note: HOSTILE }],
        gaps: [HOSTILE],
      },
      discovery: { ids: { [HOSTILE]: HOSTILE }, gaps: { [HOSTILE]: HOSTILE }, requests: 1 },
      summary,
    };
  }

  test('are text on the page, never elements or script', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'report-')), 'conformance.html');
    writeFileSync(file, renderHtml(hostileReport()));
    const browser = await launch();
    try {
      const { page, url, requests, dialogs } = await open(await browser.newContext(), file);
      // Open every <details> so that hidden evidence is checked too.
      for (const summary of await page.locator('summary').all()) await summary.click();
      await expect(page.getByText(SCRIPT).first()).toBeVisible();
      await expect(page.getByText(IMG).first()).toBeVisible();
      await expect(page.locator('.exchange pre').first()).toContainText(HOSTILE);
      expect(await page.locator('img').count()).toBe(0);
      expect(await page.locator('[onerror]').count()).toBe(0);
      // Only the report's own filter script.
      expect(await page.locator('script').count()).toBe(1);
      expect(await page.locator('a[href^="javascript:" i]').count()).toBe(0);
      await page.waitForTimeout(300);
      expect(dialogs).toEqual([]);
      expect(requests).toEqual([url]);
    } finally {
      await browser.close();
    }
  });
});
