// Two runs side by side: the checks whose outcome changed from run A to run B, by operation, with
// both sides' detail and evidence. For tonight vs last night, staging vs production, mock vs staging.
import { Redactor } from '../redact';
import { CSS, exchangeHtml, LABELS, textOf } from './html';
import type { CheckResult, ConformanceReport, Outcome } from './model';

export type Side = Outcome;

export type Change =
  | 'newly failing'
  | 'failing differently'
  | 'newly passing'
  | 'newly warning'
  | 'newly blocked'
  | 'otherwise changed';

export interface ChangedCheck {
  check: string;
  operationId: string;
  claim: string;
  change: Change;
  a: Side;
  b: Side;
  aResult: CheckResult;
  bResult: CheckResult;
}

export interface Comparison {
  a: { file: string; report: ConformanceReport };
  b: { file: string; report: ConformanceReport };
  changed: ChangedCheck[];
  /** Checks whose outcome is the same in both runs. */
  unchanged: number;
  /** Checks only one run ran (a filtered run, or another version of the catalog): not compared. */
  onlyIn: { a: string[]; b: string[] };
}

const FAILING: Side[] = ['failed'];
const PASSING: Side[] = ['passed', 'unexpectedly-passing'];

/** What B's outcome, different from A's, means for the reader. */
function changeOf(b: Side): Change {
  if (FAILING.includes(b)) return 'newly failing';
  if (PASSING.includes(b)) return 'newly passing';
  if (b === 'warning') return 'newly warning';
  if (b === 'blocked') return 'newly blocked';
  return 'otherwise changed';
}

const ORDER: Change[] = [
  'newly failing',
  'failing differently',
  'newly warning',
  'newly blocked',
  'otherwise changed',
  'newly passing',
];

/**
 * What a failure says the server did (its actual and at lines), an answer reduced to its status and
 * error code, ids and long numbers blanked: the same failure in two runs reads the same, though each
 * run wrote its own documents.
 */
export function failureShape(detail: string): string {
  return detail
    .split('\n')
    .filter((line) => /^(actual|at): /.test(line))
    .map((line) => {
      const answer = line.match(/^actual: +(HTTP \d{3})\b/);
      if (!answer) return line;
      return `${answer[1]} ${line.match(/\\?"code\\?":\\?"(\w+)/)?.[1] ?? ''}`;
    })
    .join('\n')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<id>')
    .replace(/\d{5,}/g, '<n>');
}

export function compare(
  a: { file: string; report: ConformanceReport },
  b: { file: string; report: ConformanceReport },
): Comparison {
  const before = new Map(a.report.results.map((r) => [r.check, r]));
  const after = new Map(b.report.results.map((r) => [r.check, r]));
  const changed: ChangedCheck[] = [];
  let unchanged = 0;
  for (const [check, bResult] of after) {
    const aResult = before.get(check);
    if (!aResult) continue;
    const { operationId, claim } = bResult;
    const [sideA, sideB] = [aResult.outcome, bResult.outcome];
    // Both failing, but B's server does something else than A's: a drift of its own.
    const differently =
      sideA === 'failed' && sideB === 'failed' && failureShape(aResult.detail) !== failureShape(bResult.detail);
    if (sideA === sideB && !differently) {
      unchanged += 1;
      continue;
    }
    const change = differently ? 'failing differently' : changeOf(sideB);
    changed.push({ check, operationId, claim, change, a: sideA, b: sideB, aResult, bResult });
  }
  const onlyIn = {
    a: [...before.keys()].filter((check) => !after.has(check)).sort(),
    b: [...after.keys()].filter((check) => !before.has(check)).sort(),
  };
  changed.sort(
    (x, y) =>
      x.operationId.localeCompare(y.operationId) ||
      ORDER.indexOf(x.change) - ORDER.indexOf(y.change) ||
      x.check.localeCompare(y.check),
  );
  return { a, b, changed, unchanged, onlyIn };
}

export const newlyFailing = (comparison: Comparison) => comparison.changed.filter((c) => c.change === 'newly failing');

const describe = (side: { file: string; report: ConformanceReport }) =>
  `${side.file}: ${side.report.target.baseUrl} (${side.report.target.kind}), ${side.report.verdict}, ${side.report.startedAt}`;

/** The console's answer: what changed, by operation, with each side's first line of detail. */
export function renderText(comparison: Comparison): string {
  const lines = [`A = ${describe(comparison.a)}`, `B = ${describe(comparison.b)}`, ''];
  const counts = ORDER.map((change) => [change, comparison.changed.filter((c) => c.change === change).length] as const)
    .filter(([, n]) => n > 0)
    .map(([change, n]) => `${n} ${change}`);
  lines.push(
    comparison.changed.length === 0
      ? `No check changed its outcome (${comparison.unchanged} the same).`
      : `${comparison.changed.length} checks changed (${counts.join(', ')}); ${comparison.unchanged} the same.`,
  );
  const { onlyIn } = comparison;
  if (onlyIn.a.length + onlyIn.b.length > 0) {
    lines.push(`Not compared: ${onlyIn.a.length} checks ran only in A, ${onlyIn.b.length} only in B.`);
  }
  let operation = '';
  for (const c of comparison.changed) {
    if (c.operationId !== operation) {
      operation = c.operationId;
      lines.push('', operation);
    }
    // A blocked check names its cause, which is listed in its own right: one cause, one line of why.
    const by = c.b === 'blocked' && c.bResult.blockedBy ? ` (by ${c.bResult.blockedBy})` : '';
    lines.push(`  ${c.change.padEnd(19)} ${c.check}: ${c.a} → ${c.b}${by}`);
    // What B's server did says more than what the contract expected: the actual line, else the first.
    const told = c.bResult.detail.split('\n');
    const why = told.find((line) => line.startsWith('actual:')) ?? told.find((l) => l.trim() && !l.includes(c.check));
    if (c.change === 'failing differently') {
      const before = c.aResult.detail.split('\n').find((line) => line.startsWith('actual:'));
      if (before) lines.push(`      A: ${before.trim()}`);
    }
    if (why && !by && c.b !== 'passed') lines.push(`      B: ${why.trim()}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The same as one self-contained page: each changed check opens to both sides' detail and evidence. */
export function renderCompareHtml(comparison: Comparison): string {
  const esc = textOf(new Redactor(comparison.b.report.target.baseUrl));
  const badge = (side: Side) => `<span class="badge o-${esc(side)}">${esc(LABELS[side] ?? side)}</span>`;
  const sideHtml = (label: string, result: CheckResult) => {
    const evidence = result.evidence.map((e) => exchangeHtml(e, esc)).join('');
    return (
      `<h4>${label}: ${badge(result.outcome)}</h4>` +
      (result.detail ? `<pre>${esc(result.detail)}</pre>` : '') +
      (evidence
        ? `<details><summary>Evidence: ${result.evidence.length} request(s)</summary>${evidence}</details>`
        : '')
    );
  };
  const byOperation = new Map<string, ChangedCheck[]>();
  for (const c of comparison.changed) byOperation.set(c.operationId, [...(byOperation.get(c.operationId) ?? []), c]);
  const sections = [...byOperation]
    .map(
      ([operationId, changes]) =>
        `<h2>${esc(operationId)}</h2><table><thead><tr><th>Change</th><th>Check</th><th>A</th><th>B</th></tr></thead>` +
        changes
          .map(
            (c) =>
              `<tbody class="check"><tr><td>${esc(c.change)}</td><td><code>${esc(c.check)}</code>` +
              `<p class="claim">${esc(c.claim)}</p><details><summary>Both sides</summary>` +
              `${sideHtml('A', c.aResult)}${sideHtml('B', c.bResult)}</details></td>` +
              `<td>${badge(c.a)}</td><td>${badge(c.b)}</td></tr></tbody>`,
          )
          .join('') +
        '</table>',
    )
    .join('');
  const failing = newlyFailing(comparison).length;
  const verdict = failing > 0 ? `${failing} newly failing` : 'nothing newly failing';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(verdict)}: compare of two conformance runs</title><style>${CSS}</style></head>
<body><header><h1>Two conformance runs compared</h1>
<div class="verdict ${failing > 0 ? 'v-not-conformant' : 'v-conformant'}"><strong id="verdict">${esc(verdict)}</strong>
<span>${esc(comparison.changed.length)} changed, ${esc(comparison.unchanged)} the same, ${esc(
    comparison.onlyIn.a.length + comparison.onlyIn.b.length,
  )} in one run only (not compared)</span></div>
<dl><dt>A</dt><dd>${esc(describe(comparison.a))}</dd><dt>B</dt><dd>${esc(describe(comparison.b))}</dd></dl></header>
<main>${sections || '<p>No check changed its outcome.</p>'}</main>
</body></html>
`;
}
