// Findings for docs maintainers: every failure and warning grouped by root cause — the operation,
// the JSON pointer, what the docs say, what the server did — so the same drift seen by several
// checks (say, in three metadata modes) is one finding naming each place it showed.
import type { CheckResult, ConformanceReport } from './model';

export interface Finding {
  operationId: string;
  /** The JSON pointer in the answer, when the drift sits at one place. */
  pointer?: string;
  expected: string;
  actual: string;
  /** What the docs say: the citation as a reader finds it, and the sentence quoted, if any. */
  citation: string;
  quote?: string;
  level: 'MUST' | 'SHOULD';
  /** failing: fails the run; known: an accepted deviation; warning: a SHOULD claim. */
  status: 'failing' | 'known' | 'warning';
  /** Why a known deviation was accepted. */
  accepted?: string;
  checks: string[];
  /** Checks that could not be judged because of these. */
  blocked: string[];
  /** The requests that showed it, one per distinct query (e.g. each metadata mode). */
  requests: string[];
}

const FINDABLE = new Set(['failed', 'known-deviation', 'warning']);

function line(detail: string, name: string): string | undefined {
  return new RegExp(`^${name}: +(.*)$`, 'm').exec(detail)?.[1]?.trim();
}

export function findingsOf(results: CheckResult[]): Finding[] {
  const groups = new Map<string, Finding>();
  for (const result of results) {
    if (!FINDABLE.has(result.outcome)) continue;
    const { detail } = result;
    const expected = line(detail, 'expected') ?? detail.split('\n').find((l) => l.trim() && !l.includes(result.check));
    const actual = line(detail, 'actual') ?? '';
    const pointer = line(detail, 'at');
    const status =
      result.outcome === 'warning' ? 'warning' : result.outcome === 'known-deviation' ? 'known' : 'failing';
    const key = JSON.stringify([result.operationId, pointer ?? '', expected, actual, status]);
    const finding = groups.get(key) ?? {
      operationId: result.operationId,
      ...(pointer ? { pointer } : {}),
      expected: expected ?? '',
      actual,
      citation: result.citationLabel ?? result.citation,
      ...(result.quote ? { quote: result.quote } : {}),
      level: result.level,
      status,
      ...(result.expectation ? { accepted: result.expectation.reason } : {}),
      checks: [],
      blocked: [],
      requests: [],
    };
    finding.checks.push(result.check);
    finding.blocked.push(...(result.blocks ?? []));
    const request = line(detail, 'request');
    if (request && !finding.requests.includes(request)) finding.requests.push(request);
    if (result.level === 'MUST') finding.level = 'MUST';
    groups.set(key, finding);
  }
  const rank = { failing: 0, known: 1, warning: 2 };
  return [...groups.values()].sort(
    (a, b) =>
      rank[a.status] - rank[b.status] ||
      b.checks.length + b.blocked.length - (a.checks.length + a.blocked.length) ||
      a.operationId.localeCompare(b.operationId),
  );
}

const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;

/** findings.md: one section per finding, written to be pasted into an issue on the docs repository. */
export function renderFindings(report: ConformanceReport, findings: Finding[]): string {
  const { target, spec } = report;
  const out = [
    `# Findings: ${target.baseUrl} against ${spec.title} ${spec.version}`,
    '',
    `${report.verdict}, ${report.startedAt}. ${findings.length} finding(s) from ` +
      `${report.summary.failed} failed check(s), ${report.summary.knownDeviation} known deviation(s) and ` +
      `${report.summary.warning} warning(s). Each finding is one root cause; the checks it touched are listed.`,
  ];
  findings.forEach((f, index) => {
    const where = f.pointer ? ` at ${code(f.pointer)}` : '';
    const status =
      f.status === 'failing' ? 'fails the run' : f.status === 'known' ? `known deviation (${f.accepted})` : 'warning';
    out.push(
      '',
      `## ${index + 1}. ${f.operationId}${where}: ${f.level}, ${status}`,
      '',
      `- **The docs say** (${f.citation})${f.quote ? `: "${f.quote}"` : ''}`,
      `- **Expected**: ${f.expected}`,
      `- **The server did**: ${f.actual}`,
      `- **Seen in** ${f.requests.length} request(s): ${f.requests.map(code).join(', ') || 'no request line'}`,
      `- **Checks** (${f.checks.length}${f.blocked.length ? `, and ${f.blocked.length} blocked by them` : ''}): ` +
        f.checks.map(code).join(', '),
    );
  });
  return `${out.join('\n')}\n`;
}
