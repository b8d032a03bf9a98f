// The conformance report as one self-contained HTML page: verdict first, then failures, matrix and coverage.
import { createHash } from 'node:crypto';
import type { Exchange } from '../http';
import { tokensOf } from '../json-pointer';
import { Redactor } from '../redact';
import { type Finding, findingsOf } from './findings';
import type { CheckResult, ConformanceReport, Outcome, StatusCoverage, UnmatchedExpectation } from './model';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes for a quoted attribute value. */
export function attr(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/**
 * Escapes for element text. The reporter redacts the finished page, and its URL pattern would swallow
 * `&amp;` into a query and mangle it; `<wbr>` ends the URL it sees, so the redaction happens here first.
 */
export function textOf(redactor: Redactor): (value: unknown) => string {
  return (value) => attr(redactor.text(String(value ?? ''))).replace(/&amp;/g, '<wbr>&amp;');
}

const anchor = (check: string) => `check-${check.replace(/[^A-Za-z0-9-]/g, '-')}`;
const failureAnchor = (check: string) => `failure-${check.replace(/[^A-Za-z0-9-]/g, '-')}`;

const mark = (ok: boolean, yes: string, no: string) =>
  ok ? `<span class="o-passed">${yes}</span>` : `<b class="o-warning">${no}</b>`;

export const LABELS: Record<Outcome, string> = {
  passed: 'passed',
  failed: 'failed',
  blocked: 'blocked',
  skipped: 'skipped',
  warning: 'warning',
  'known-deviation': 'known deviation',
  'unexpectedly-passing': 'unexpectedly passing',
  'not-run': 'not run',
};

// The only script: it reads the checkbox, never report data, and the CSP admits it by hash alone.
const SCRIPT =
  "const box=document.getElementById('failures-only');" +
  "const apply=()=>document.body.classList.toggle('failures-only',box.checked);" +
  "box.addEventListener('change',apply);apply();document.getElementById('filter').hidden=false;";
const CSP =
  "default-src 'none'; style-src 'unsafe-inline'; " +
  `script-src 'sha256-${createHash('sha256').update(SCRIPT).digest('base64')}'; base-uri 'none'; form-action 'none'`;

export const CSS = `
:root{--ok:#1a7f37;--bad:#cf222e;--warn:#9a6700;--muted:#59636e;--line:#d1d9e0;--bg:#f6f8fa;color-scheme:light}
*{box-sizing:border-box}
body{margin:0 auto;max-width:1200px;padding:1rem 1.5rem 3rem;font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,
'Helvetica Neue',Arial,sans-serif;color:#1f2328}
h1{font-size:1.25rem;margin:.2rem 0}h2{font-size:1.15rem;margin:2rem 0 .5rem;border-bottom:1px solid var(--line)}
h3{font-size:1rem;margin:1.2rem 0 .4rem}code,pre{font:12.5px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:var(--bg);border:1px solid var(--line);border-radius:6px;
padding:.5rem .7rem;margin:.4rem 0}
a{color:#0969da}.muted{color:var(--muted)}
.verdict{border-radius:8px;padding:.8rem 1.1rem;margin:.8rem 0;color:#fff;display:flex;flex-wrap:wrap;gap:.4rem 1.5rem;
align-items:baseline}
.verdict strong{font-size:2rem;line-height:1.1}
.v-conformant{background:var(--ok)}.v-not-conformant{background:var(--bad)}
.v-conformant-with-known-deviations{background:var(--warn)}.v-incomplete,.v-not-run{background:var(--muted)}
.stopped{border:2px solid var(--bad);border-radius:8px;padding:.4rem 1rem}
.counts{display:flex;flex-wrap:wrap;gap:.4rem}
.count{background:rgba(255,255,255,.18);border-radius:99px;padding:.1rem .6rem}
.count b{font-size:1.1rem}
dl{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:.15rem 1rem;margin:.5rem 0}
dt{color:var(--muted)}dd{margin:0;overflow-wrap:anywhere}
.badge{display:inline-block;border-radius:99px;padding:0 .55rem;font-size:12px;font-weight:600;white-space:nowrap;
border:1px solid currentColor}
.o-passed{color:var(--ok)}.o-failed{color:var(--bad)}.o-skipped,.o-blocked,.o-not-run{color:var(--muted)}
.o-warning,.o-known-deviation{color:var(--warn)}
.o-unexpectedly-passing{color:#8250df}.tls{color:var(--bad)}
.failures{border:2px solid var(--bad);border-radius:8px;padding:.2rem 1rem .6rem}
.failures h2{border:0;color:var(--bad);margin-top:.6rem}
.failures li{margin:.5rem 0}
.scroll{overflow-x:auto}table{border-collapse:collapse;width:100%}
th{text-align:left;font-weight:600;background:var(--bg)}
th,td{border-bottom:1px solid var(--line);padding:.35rem .5rem;vertical-align:top}
tbody.check>tr.more>td{border-top:0}tbody.check:not(:last-child)>tr:last-child>td{border-bottom:1px solid var(--line)}
tbody.check:target{outline:3px solid #0969da;outline-offset:-3px}
.claim{margin:.15rem 0}ul{margin:.2rem 0;padding-left:1.2rem}
details{margin:.3rem 0}td>details{margin:0}.cov td:nth-child(-n+2){width:7rem}summary{cursor:pointer;color:#0969da}
.exchange{margin:.4rem 0 .8rem;padding-left:.6rem;border-left:3px solid var(--line)}
.fields{display:flex;flex-wrap:wrap;gap:.3rem;list-style:none;padding:0}
.fields li{border:1px solid var(--line);border-radius:4px;padding:0 .4rem}
#filter{margin:.5rem 0}body.failures-only tbody.check:not(.blocking){display:none}
body.failures-only section.op:not(:has(tbody.blocking)){display:none}
`;

const headerLines = (list: Record<string, string> | undefined) =>
  Object.entries(list ?? {})
    .map(([name, value]) => `${name}: ${value}`)
    .join('\n');

/** One redacted request and its answer, as the report shows evidence. */
export function exchangeHtml(e: Exchange, esc: (value: unknown) => string): string {
  const status = e.status === undefined ? 'no response' : String(e.status);
  const body = e.bodyExcerpt
    ? `<div class="muted">Body excerpt (${esc(e.bodyBytes ?? '?')} bytes)</div><pre>${esc(e.bodyExcerpt)}</pre>`
    : '';
  const reused = e.reusedFrom ? ` <span class="muted">(sent by ${esc(e.reusedFrom)}, judged here too)</span>` : '';
  return (
    `<div class="exchange"><code><b>${esc(e.method)} ${esc(e.url)} → ${esc(status)}</b></code> ` +
    `<span class="muted">${esc(e.ms)} ms, ${esc(e.client)} client</span>${reused}` +
    (e.error ? `<pre class="o-failed">${esc(e.error)}</pre>` : '') +
    `<div class="muted">Request headers</div><pre>${esc(headerLines(e.requestHeaders)) || '(none)'}</pre>` +
    (e.requestExcerpt ? `<div class="muted">Request body</div><pre>${esc(e.requestExcerpt)}</pre>` : '') +
    (e.responseHeaders
      ? `<div class="muted">Response headers</div><pre>${esc(headerLines(e.responseHeaders))}</pre>`
      : '') +
    `${body}</div>`
  );
}

/** A citation as the reader knows it: "GET /datasets/… › responses › 200 › description". */
function readableCitation(result: CheckResult): string {
  if (result.citationLabel) return result.citationLabel;
  const parts = tokensOf(result.citation);
  if (parts[0] === 'paths' && parts.length >= 3) {
    return [`${parts[2]?.toUpperCase()} ${parts[1]}`, ...parts.slice(3)].join(' › ');
  }
  return parts.join(' › ');
}

/** The detail without its first line when that only repeats the check id, which the list already shows. */
function detailLines(result: CheckResult): string[] {
  const lines = result.detail.split('\n');
  return lines[0]?.includes(result.check) ? lines.slice(1) : lines;
}

/** What the contract does not document: findings for its maintainers, and why some checks are missing. */
function gapsSection(gaps: string[], esc: (value: unknown) => string): string {
  if (gaps.length === 0) return '';
  return `<h2>Gaps in the contract</h2><ul class="gaps">${gaps.map((gap) => `<li>${esc(gap)}</li>`).join('')}</ul>`;
}

/** Failures and warnings by root cause, for a docs maintainer: the same as reports/findings.md. */
function findingsSection(findings: Finding[], esc: (value: unknown) => string): string {
  if (findings.length === 0) return '';
  const rows = findings
    .map(
      (f) =>
        `<tr><td><code>${esc(f.operationId)}</code>${f.pointer ? ` <code>${esc(f.pointer)}</code>` : ''}<br>` +
        `<span class="badge o-${f.status === 'failing' ? 'failed' : f.status === 'known' ? 'known-deviation' : 'warning'}">` +
        `${esc(f.level)} ${esc(f.status)}</span></td>` +
        `<td>${esc(f.citation)}${f.quote ? `: “${esc(f.quote)}”` : ''}<br>expected: ${esc(f.expected)}</td>` +
        `<td>${esc(f.actual)}<br><span class="muted">${f.requests.map((r) => esc(r)).join('<br>')}</span></td>` +
        `<td>${f.checks.map((c) => `<a href="#${anchor(c)}"><code>${esc(c)}</code></a>`).join('<br>')}` +
        `${f.blocked.length ? `<br><span class="muted">and ${esc(f.blocked.length)} blocked</span>` : ''}</td></tr>`,
    )
    .join('');
  return `<h2 id="findings">Findings by root cause (${findings.length})</h2>
<p class="muted">For a docs maintainer: each row is one drift, however many checks it touched (also in findings.md).</p>
<div class="scroll"><table><thead><tr><th>Where</th><th>The docs say</th><th>The server did</th><th>Checks</th></tr></thead>
<tbody>${rows}</tbody></table></div>`;
}

/** Known deviations that matched nothing: each is stale, or the deviation changed shape, or it was not run. */
function unmatchedSection(unmatched: UnmatchedExpectation[], esc: (value: unknown) => string): string {
  if (unmatched.length === 0) return '';
  const rows = unmatched
    .map((u) => `<tr><td><code>${esc(u.check)}</code></td><td>${esc(u.reason)}</td><td>${esc(u.why)}</td></tr>`)
    .join('');
  return `<h2 id="expectations-unmatched">Expectations that matched no failure (${unmatched.length})</h2>
<table><thead><tr><th>Check</th><th>Accepted because</th><th>Why it matched nothing</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** The contract's recorded choices, so a reader knows which reading of the docs each check holds a server to. */
function notesSection(notes: { at: string; note: string }[], esc: (value: unknown) => string): string {
  if (notes.length === 0) return '';
  const rows = notes.map(({ at, note }) => `<tr><td><code>${esc(at)}</code></td><td>${esc(note)}</td></tr>`).join('');
  return `<h2>Choices the contract makes where the docs disagree</h2>
<table class="notes"><thead><tr><th>Where</th><th>Choice (x-note)</th></tr></thead><tbody>${rows}</tbody></table>`;
}

export function renderHtml(report: ConformanceReport): string {
  const esc = textOf(new Redactor(report.target.baseUrl));
  // A failure is what makes the verdict "not conformant"; under strict, that includes a stale expectation.
  const blocking = (r: CheckResult) =>
    r.outcome === 'failed' || (report.strict && r.outcome === 'unexpectedly-passing');
  const failures = report.results.filter(blocking);
  const badge = (outcome: Outcome) =>
    `<span class="badge o-${attr(outcome)}">${esc(LABELS[outcome] ?? outcome)}</span>`;

  const exchange = (e: Exchange) => exchangeHtml(e, esc);

  const expectation = (r: CheckResult) => {
    if (!r.expectation) return '';
    const { reason, link } = r.expectation;
    // Only web links become links: a javascript: or data: URL from the expectations file must stay text.
    const web = link !== undefined && /^https?:\/\//i.test(link);
    const shown = web ? ` <a href="${attr(link)}">${esc(link)}</a>` : link ? ` ${esc(link)}` : '';
    return `<p>Accepted deviation: ${esc(reason)}${shown}</p>`;
  };

  const more = (r: CheckResult) => {
    if (r.outcome === 'passed') return '';
    if (r.outcome === 'skipped') return `<p class="muted">Skipped: ${esc(r.detail)}</p>`;
    if (r.outcome === 'blocked' && r.blockedBy) {
      return (
        `<p class="muted">Blocked: it relies on <a href="#${anchor(r.blockedBy)}"><code>${esc(r.blockedBy)}</code></a>, ` +
        `which failed here:</p><pre>${esc(r.detail.replace(/^blocked by [^:]+: /, ''))}</pre>`
      );
    }
    const evidence = r.evidence.length
      ? `<details><summary>Evidence: ${r.evidence.length} request(s)</summary>` +
        `${r.evidence.map(exchange).join('')}</details>`
      : '';
    return `${expectation(r)}${r.detail ? `<pre>${esc(r.detail)}</pre>` : ''}${evidence}`;
  };

  const row = (r: CheckResult) => {
    const extra = more(r);
    const back = blocking(r) ? ` <a href="#${failureAnchor(r.check)}">↑ failures</a>` : '';
    const notes = r.notes.length ? `<ul class="muted">${r.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : '';
    const quote = r.quote ? `<div>“${esc(r.quote)}”</div>` : '';
    return (
      `<tbody id="${anchor(r.check)}" class="check${blocking(r) ? ' blocking' : ''}">` +
      `<tr><td>${badge(r.outcome)}</td><td>${esc(r.level)}</td>` +
      `<td><code>${esc(r.check)}</code>${back}<div class="claim">${esc(r.claim)}</div>${notes}</td>` +
      `<td><span title="${attr(r.citation)}">${esc(readableCitation(r))}</span>${quote}</td></tr>` +
      (extra ? `<tr class="more"><td></td><td colspan="3">${extra}</td></tr>` : '') +
      '</tbody>'
    );
  };

  const coverageRow = (c: StatusCoverage) =>
    `<tr><td>${esc(c.status)}</td>` +
    `<td>${mark(c.exercised, 'yes', 'no')}</td><td>` +
    (c.exercised
      ? `<details><summary>${c.checks.length} check(s)</summary><ul>` +
        `${c.checks.map((id) => `<li><a href="#${anchor(id)}">${esc(id)}</a></li>`).join('')}</ul></details>`
      : esc(c.reason ?? '')) +
    '</td></tr>';

  const operations = [...new Set(report.results.map((r) => r.operationId))];
  const matrix = operations
    .map((op) => {
      const rows = report.results.filter((r) => r.operationId === op);
      return (
        `<section class="op"><h3>${esc(op)} <span class="muted">(${rows.length} checks)</span></h3>` +
        '<div class="scroll">' +
        '<table><thead><tr><th>Outcome</th><th>Level</th><th>Check and claim</th><th>Contract</th></tr></thead>' +
        `${rows.map(row).join('')}</table></div></section>`
      );
    })
    .join('');

  // One row per operation: what the run exercised of it, and why the rest was not.
  const operationRow = ([op, statuses]: [string, StatusCoverage[]]) => {
    const parameters = report.coverage.parameters?.[op] ?? [];
    const got = statuses.map((c) => mark(c.exercised, esc(c.status), esc(c.status))).join(' ');
    const params = parameters
      .map(
        (p) =>
          `${mark(p.exercised, `<code>${esc(p.name)}</code>`, `<code>${esc(p.name)}</code>`)}` +
          (p.values ? ` (${p.values.map((v) => mark(v.exercised, esc(v.value), esc(v.value))).join(', ')})` : ''),
      )
      .join('<br>');
    const gaps = [
      ...statuses.filter((c) => !c.exercised).map((c) => `${esc(c.status)}: ${esc(c.reason ?? '')}`),
      ...parameters.filter((p) => p.reason).map((p) => `<code>${esc(p.name)}</code>: ${esc(p.reason)}`),
    ];
    const exercised = statuses.filter((c) => c.exercised).length;
    return (
      `<tr><td><code>${esc(op)}</code></td><td>${exercised} of ${statuses.length}: ${got}</td><td>${params || '—'}</td>` +
      `<td>${gaps.length ? `<details><summary>${gaps.length} gap(s)</summary><ul>${gaps.map((g) => `<li>${g}</li>`).join('')}</ul></details>` : 'none'}</td></tr>`
    );
  };
  const coverageEntries = Object.entries(report.coverage.statusCodes);
  const touched = coverageEntries.filter(([, list]) => list.some((c) => c.exercised)).length;
  const operationCoverage =
    `<p>${touched} of ${coverageEntries.length} operations answered with a documented status.</p>` +
    '<div class="scroll"><table class="cov"><thead><tr><th>Operation</th><th>Documented statuses got</th>' +
    `<th>Parameters and values sent</th><th>Gaps, and why</th></tr></thead><tbody>${coverageEntries.map(operationRow).join('')}</tbody></table></div>`;

  const statusCoverage = Object.entries(report.coverage.statusCodes)
    .map(
      ([op, list]) =>
        `<h3>${esc(op)}</h3><div class="scroll"><table class="cov"><thead><tr><th>Status</th><th>Exercised</th>` +
        `<th>By checks, or why not</th></tr></thead><tbody>${list.map(coverageRow).join('')}</tbody></table></div>`,
    )
    .join('');
  const fieldCoverage = Object.entries(report.coverage.fields)
    .map(([op, fields]) => {
      const list = fields.map((f) => `<li>${mark(f.seen, '✓', '✗')} <code>${esc(f.field)}</code></li>`).join('');
      const seen = fields.filter((f) => f.seen).length;
      return `<h3>${esc(op)} <span class="muted">(${seen} of ${fields.length} seen)</span></h3><ul class="fields">${list}</ul>`;
    })
    .join('');

  const failureList = failures
    .map((r) => {
      const cause = r.detail ? `<pre>${esc(detailLines(r).slice(0, 6).join('\n'))}</pre>` : '';
      const blocks = r.blocks?.length
        ? `<details class="blocks"><summary>It blocks ${r.blocks.length} more check(s)</summary><ul>` +
          `${r.blocks.map((id) => `<li><a href="#${anchor(id)}">${esc(id)}</a></li>`).join('')}</ul></details>`
        : '';
      return (
        `<li id="${failureAnchor(r.check)}"><a href="#${anchor(r.check)}"><code>${esc(r.check)}</code></a> ` +
        `${badge(r.outcome)} ${esc(r.claim)}${cause}${blocks}</li>`
      );
    })
    .join('');

  const failureSection = failures.length
    ? `<section class="failures" id="failures"><h2>Failures (${failures.length})</h2>` +
      '<p class="muted">Each is a root cause: the checks that rely on it are blocked, not failed.</p>' +
      `<ol>${failureList}</ol></section>`
    : '';

  const s = report.summary;
  const counts: [number, string][] = [
    [s.passed, 'passed'],
    [s.failed, 'failed'],
    [s.blocked, 'blocked'],
    [s.skipped, 'skipped'],
    [s.warning, 'warnings'],
    [s.knownDeviation, 'known deviations'],
    [s.unexpectedlyPassing, 'unexpectedly passing'],
    [s.notRun, 'not run'],
    [s.total, 'total'],
  ];
  const { target, spec } = report;
  const facts: [string, string][] = [
    [
      'Target',
      `<code>${esc(target.baseUrl)}</code> (${esc(target.kind)})` +
        (target.insecureTls ? ' <span class="badge tls">insecure TLS accepted</span>' : ''),
    ],
    ...(target.profile ? [['Mock profile', `<code>${esc(target.profile)}</code>`] as [string, string]] : []),
    ...(target.deviations.length
      ? [['Mock deviations', target.deviations.map((d) => `<code>${esc(d)}</code>`).join(', ')] as [string, string]]
      : []),
    ['Spec', `${esc(spec.title)} ${esc(spec.version)} — <code>${esc(spec.file)}</code>`],
    ['Spec SHA-256', `<code>${esc(spec.sha256)}</code>`],
    ...(spec.uncheckedFormats?.length
      ? [
          [
            'Unchecked formats',
            `${spec.uncheckedFormats.map((f) => `<code>${esc(f)}</code>`).join(', ')} (no validator knows them: values are not checked)`,
          ] as [string, string],
        ]
      : []),
    ...(report.discovery
      ? [
          [
            'Discovered ids',
            Object.entries(report.discovery.ids)
              .map(([name, value]) => `<code>${esc(name)}</code> ${esc(value)}`)
              .concat(
                Object.entries(report.discovery.gaps).map(
                  ([name, why]) => `<code>${esc(name)}</code> none: ${esc(why)}`,
                ),
              )
              .join('<br>') || 'none needed',
          ] as [string, string],
        ]
      : []),
    ...(report.expectationsFile
      ? [['Expectations', `<code>${esc(report.expectationsFile)}</code>`] as [string, string]]
      : []),
    [
      'Started',
      `${esc(report.startedAt)}, took ${esc((report.durationMs / 1000).toFixed(1))} s of a ${esc(report.budgetMs / 1000)} s budget`,
    ],
    [
      'Requests',
      `${esc(report.traffic.requests)} sent (${esc(report.traffic.distinct)} distinct); ` +
        `${esc(report.traffic.reused)} times a check judged an exchange another check had sent`,
    ],
    ['Strict mode', report.strict ? 'on: an unexpectedly passing check fails the run' : 'off'],
  ];

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${attr(CSP)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(report.verdict)} — ${esc(spec.title)} conformance</title><style>${CSS}</style></head>
<body>
<header><h1>${esc(report.tool.name)} <span class="muted">${esc(report.tool.version)}</span></h1>
<div class="verdict v-${attr(report.verdict.replace(/\W+/g, '-'))}"><strong id="verdict">${esc(report.verdict)}</strong>
<div class="counts">${counts.map(([n, label]) => `<span class="count"><b>${esc(n)}</b> ${label}</span>`).join('')}</div>
</div>
<dl>${facts.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl></header>
<main>
${
  report.stopped
    ? `<section class="stopped" id="stopped"><h2>The run stopped: <code>${esc(report.stopped.check)}</code></h2>` +
      `<p>${esc(report.stopped.claim)}: no. ${esc(report.stopped.cause)}</p></section>`
    : ''
}
${failureSection}
${findingsSection(findingsOf(report.results), esc)}
<h2>Checks by operation</h2>
<p id="filter" hidden><label><input type="checkbox" id="failures-only"> Show failures only</label></p>
${matrix}
<h2>Coverage by operation</h2>${operationCoverage}
<h2>Status-code coverage</h2>${statusCoverage}
<h2>Documented fields seen in success answers</h2>${fieldCoverage}
${unmatchedSection(report.expectationsUnmatched ?? [], esc)}
${notesSection(spec.notes ?? [], esc)}
${gapsSection(spec.gaps ?? [], esc)}
</main>
<script>${SCRIPT}</script>
</body></html>
`;
}
