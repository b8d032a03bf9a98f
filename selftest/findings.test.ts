// Findings for docs maintainers: one drift seen by several checks (here in three metadata modes)
// is one finding in findings.md and in the HTML report, naming each request that showed it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { runSuite } from './run-suite';

test('doc_metadata null in every mode is one finding that names the three requests', async () => {
  const run = await runSuite({ CONFORMANCE_MOCK_DEVIATIONS: 'doc-metadata-null' }, ['--grep', '@get-document']);
  expect(run.code).toBe(1);
  const findings = readFileSync(path.join(run.reportDir, 'findings.md'), 'utf8');
  const sections = findings.split('\n## ').slice(1);
  expect(sections).toHaveLength(1);
  const [section = ''] = sections;
  expect(section).toMatch(/^1\. getDocumentDetail at `\/doc_metadata`: MUST, fails the run/);
  expect(section).toContain('- **The server did**: /doc_metadata: expected array, got null.');
  expect(section).toMatch(/- \*\*Seen in\*\* 3 request\(s\): .*\?metadata=all → 200.*\?metadata=only → 200/);
  expect(section).toContain('- **Checks** (3, and ');
  const html = readFileSync(path.join(run.reportDir, 'conformance.html'), 'utf8');
  expect(html).toContain('<h2 id="findings">Findings by root cause (1)</h2>');
});
