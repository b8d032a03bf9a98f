// `npm run expectations -- <conformance.json>`: a draft expectations file from a run's failures,
// each pinned to the shape of its failure (the JSON pointer, or the answer's status), for a team to
// review: replace each reason with why the deviation is accepted before using it.
import { existsSync, readFileSync } from 'node:fs';
import YAML from 'yaml';
import type { ConformanceReport } from '../src/report/model';

function fail(message: string): never {
  console.error(`expectations: ${message}`);
  process.exit(2);
}

const [file, ...rest] = process.argv.slice(2);
if (!file || rest.length > 0) fail('usage: npm run expectations -- <conformance.json> > expectations/my-target.yaml');
if (!existsSync(file)) fail(`${file} does not exist: name the conformance.json of a run.`);
let report: ConformanceReport;
try {
  report = JSON.parse(readFileSync(file, 'utf8')) as ConformanceReport;
} catch {
  fail(`${file} is not JSON: name the conformance.json of a run.`);
}
if (!Array.isArray(report.results)) fail(`${file} is not a conformance report (no results).`);

/** What stays the same while the deviation does: where it is, or the status it answers with. */
function pin(detail: string): { pointer?: string; actual?: string } {
  const pointer = /^at: +(\/.*)$/m.exec(detail)?.[1];
  if (pointer) return { pointer };
  const actual = /^actual: +(.*)$/m.exec(detail)?.[1] ?? '';
  const status = /^HTTP \d{3}/.exec(actual)?.[0];
  return status ? { actual: status } : {};
}

const failures = report.results.filter((r) => r.outcome === 'failed' || r.outcome === 'known-deviation');
const expectations = failures.map((r) => ({
  check: r.check,
  reason:
    r.expectation?.reason ??
    `TODO: why this is accepted (${
      r.detail
        .split('\n')
        .find((l) => l.startsWith('actual:'))
        ?.replace(/^actual: +/, '') ?? 'failed'
    })`,
  ...pin(r.detail),
}));
process.stdout.write(
  `# Drafted by npm run expectations from ${file} (${report.target.baseUrl}, ${report.startedAt}).\n` +
    YAML.stringify({ target: report.target.baseUrl, expectations }, { lineWidth: 0 }),
);
