// JUnit XML from the conformance results: one test case per check, usable by any CI.
import type { CheckResult, ConformanceReport } from './model';

function xml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\p{Cc}/gu, (c) => (c === '\t' || c === '\n' || c === '\r' ? c : ''));
}

function testCase(result: CheckResult): string {
  const open = `    <testcase classname="${xml(result.operationId)}" name="${xml(`${result.check}: ${result.claim}`)}" time="${(result.durationMs / 1000).toFixed(3)}">`;
  const firstLine = (text: string) => xml(text.split('\n').find((line) => line.trim()) ?? '');
  const body: string[] = [];
  switch (result.outcome) {
    case 'failed':
      body.push(
        `      <failure message="${firstLine(result.detail)}" type="${result.level}">${xml(result.detail)}</failure>`,
      );
      break;
    case 'skipped':
    case 'blocked':
    case 'not-run':
      body.push(`      <skipped message="${xml(result.detail.split('\n')[0] ?? '')}"/>`);
      if (result.outcome === 'blocked') body.push(`      <system-out>${xml(result.detail)}</system-out>`);
      break;
    case 'known-deviation':
      body.push(`      <skipped message="known deviation: ${xml(result.expectation?.reason ?? '')}"/>`);
      body.push(`      <system-out>${xml(result.detail)}</system-out>`);
      break;
    case 'warning':
      body.push(`      <system-out>warning (SHOULD): ${xml(result.detail)}</system-out>`);
      break;
    case 'unexpectedly-passing':
      body.push(
        `      <system-out>unexpectedly passing: listed as a known deviation (${xml(result.expectation?.reason ?? '')})</system-out>`,
      );
      break;
    case 'passed':
      break;
  }
  return body.length === 0 ? `${open.slice(0, -1)}/>` : [open, ...body, '    </testcase>'].join('\n');
}

export function renderJunit(report: ConformanceReport): string {
  const operations = [...new Set(report.results.map((r) => r.operationId))];
  const suites = operations.map((operationId) => {
    const results = report.results.filter((r) => r.operationId === operationId);
    const failures = results.filter((r) => r.outcome === 'failed').length;
    const skipped = results.filter((r) =>
      ['skipped', 'blocked', 'known-deviation', 'not-run'].includes(r.outcome),
    ).length;
    const seconds = results.reduce((sum, r) => sum + r.durationMs, 0) / 1000;
    return [
      `  <testsuite name="${xml(operationId)}" tests="${results.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds.toFixed(3)}">`,
      ...results.map(testCase),
      '  </testsuite>',
    ].join('\n');
  });
  // A run that stopped is a failure of its own, so a CI dashboard shows why nothing (or not all) ran.
  const { stopped } = report;
  if (stopped) {
    suites.unshift(
      [
        '  <testsuite name="run" tests="1" failures="1" errors="0" skipped="0" time="0.000">',
        `    <testcase classname="run" name="${xml(`${stopped.check}: ${stopped.claim}`)}" time="0.000">`,
        `      <failure message="${xml(stopped.cause)}" type="MUST">${xml(stopped.cause)}</failure>`,
        '    </testcase>',
        '  </testsuite>',
      ].join('\n'),
    );
  }
  const { summary } = report;
  const skipped = summary.skipped + summary.blocked + summary.knownDeviation + summary.notRun;
  const runCase = stopped ? 1 : 0;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="dify-knowledge-conformance" tests="${summary.total + runCase}" failures="${summary.failed + runCase}" skipped="${skipped}" time="${(report.durationMs / 1000).toFixed(3)}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
