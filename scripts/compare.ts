// `npm run compare -- <a/conformance.json> <b/conformance.json>`: what changed from run A to run B.
// Prints the changed checks by operation, writes reports/compare.html, and exits 1 when a check
// newly fails (2 when an input is not a conformance report).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../src/paths';
import { compare, newlyFailing, renderCompareHtml, renderText } from '../src/report/compare';
import type { ConformanceReport } from '../src/report/model';

const USAGE = 'usage: npm run compare -- <a/conformance.json> <b/conformance.json>';

function fail(message: string): never {
  console.error(`compare: ${message}`);
  process.exit(2);
}

function load(file: string): { file: string; report: ConformanceReport } {
  if (!existsSync(file)) fail(`${file} does not exist: name two conformance.json files (${USAGE}).`);
  let report: Partial<ConformanceReport>;
  try {
    report = JSON.parse(readFileSync(file, 'utf8')) as Partial<ConformanceReport>;
  } catch {
    fail(`${file} is not JSON: name the conformance.json a run wrote.`);
  }
  const shaped =
    Array.isArray(report.results) &&
    report.results.every((r) => typeof r?.check === 'string' && typeof r.outcome === 'string') &&
    typeof report.target?.baseUrl === 'string';
  if (!shaped) fail(`${file} is not a conformance report (no results with check and outcome): ${USAGE}.`);
  return { file, report: report as ConformanceReport };
}

const files = process.argv.slice(2);
if (files.length !== 2) fail(USAGE);
const [a, b] = files.map(load) as [ReturnType<typeof load>, ReturnType<typeof load>];
const comparison = compare(a, b);
const dir = path.resolve(process.env.CONFORMANCE_REPORT_DIR?.trim() || path.join(PROJECT_ROOT, 'reports'));
mkdirSync(dir, { recursive: true });
const html = path.join(dir, 'compare.html');
writeFileSync(html, renderCompareHtml(comparison));
process.stdout.write(renderText(comparison));
console.log(`\nCompare: ${html}`);
process.exitCode = newlyFailing(comparison).length > 0 ? 1 : 0;
