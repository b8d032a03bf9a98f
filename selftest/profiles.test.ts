// Mock profiles: the mock answering as a stock Dify release is conformant with known deviations
// under that release's expectations file; without it, findings.md has one section per drift's root
// cause; and npm run compare between the releases names the checks that differ.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { PROFILES } from '../src/mock/profiles';
import { PROJECT_ROOT } from '../src/paths';
import { cleanEnv, runSuite, type SuiteRun } from './run-suite';

/** Each profile's findings: an operation, and the JSON pointer when the failure names one. */
const FINDINGS = {
  'dify-1.13.3': [
    'createDataset at `/summary_index_setting/enable`', // unset-objects-of-nulls
    'getDatasetDetail at `/summary_index_setting/enable`',
    'listDatasets at `/data/0/summary_index_setting/enable`', // (and its walk and tag filter, blocked)
    'createDocumentFromFile at `/document/tokens`', // unindexed-counts-null (and doc_metadata null)
    'createDocumentFromText at `/document/tokens`',
    'getDocumentDetail at `/doc_metadata`', // detail-doc-metadata-null-when-empty: all and only
    'getDocumentDetail at `/word_count`', // detail-without-word-count: all and default, then without
    'getDocumentDetail at `/word_count`',
    'listDocuments at `/data/0/doc_metadata`', // list-doc-metadata-null-when-empty (its walk is blocked)
    'updateDocumentByFile at `/document/doc_metadata`',
    'updateDocumentByText at `/document/doc_metadata`',
    'downloadDocument at `/url`', // relative-url
    'createKnowledgeTag', // tag-binding-count-400
    'getKnowledgeTags',
    'deleteMetadataField', // unknown-metadata-delete-204
    'updateMetadataField', // unknown-metadata-update-nulls
    'getSegmentDetail', // other-document-segment-served
    'updateSegment',
    'deleteSegment',
    'createSegments', // segment-create-empty-accepted
    'listSegments', // last-page-has-more
    'listSegments at `/limit`', // limit-echoed-uncapped
    'listSegments (SHOULD)', // segment-list-below-minimum-served: limit=0, page=0
    'listSegments (SHOULD)',
    'uploadPipelineFile', // pipeline-upload-too-large-400
  ],
  'dify-1.14.2': [
    'createDataset at `/summary_index_setting/enable`',
    'getDatasetDetail at `/summary_index_setting/enable`',
    'listDatasets at `/data/0/summary_index_setting/enable`',
    'createDocumentFromFile at `/document/tokens`',
    'createDocumentFromText at `/document/tokens`',
    'getDocumentDetail at `/doc_metadata`',
    'getDocumentDetail at `/word_count`',
    'getDocumentDetail at `/word_count`',
    'listDocuments',
    'listDocuments at `/limit`',
    'downloadDocument at `/url`',
    'deleteMetadataField',
    'updateMetadataField', // unknown-metadata-update-400
    'getSegmentDetail',
    'updateSegment',
    'deleteSegment',
    'createSegments at `/status`', // segment-create-error-without-code: no chunks, empty content
    'listSegments',
    'listSegments at `/limit`',
    'uploadPipelineFile',
  ],
} as const;

type ProfileName = keyof typeof FINDINGS;
const NAMES = Object.keys(FINDINGS) as ProfileName[];
// Four full runs of the suite, two at a time.
const RUN_MS = 240_000;
test.setTimeout(2 * RUN_MS + 30_000);

const runOf = (profile: ProfileName, expectations: boolean) =>
  runSuite(
    {
      CONFORMANCE_MOCK_PROFILE: profile,
      ...(expectations ? { CONFORMANCE_EXPECTATIONS: `expectations/${profile}.yaml` } : {}),
    },
    [],
    RUN_MS,
  );

const findingsOf = (run: SuiteRun) =>
  readFileSync(path.join(run.reportDir, 'findings.md'), 'utf8')
    .split('\n## ')
    .slice(1)
    .map((section) => {
      const [, finding, level] = section.match(/^\d+\. (.+?): (MUST|SHOULD)/) ?? [];
      return level === 'SHOULD' ? `${finding} (SHOULD)` : (finding ?? section.split('\n')[0]);
    });

function compare(a: SuiteRun, b: SuiteRun): Promise<{ code: number | null; stdout: string }> {
  const tsx = path.join(PROJECT_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const files = [a, b].map((run) => path.join(run.reportDir, 'conformance.json'));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [tsx, 'scripts/compare.ts', ...files], {
      cwd: PROJECT_ROOT,
      env: cleanEnv({ CONFORMANCE_REPORT_DIR: a.reportDir }),
    });
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout }));
  });
}

test('each stock release profile is conformant with its expectations, one finding per root cause without, and the releases compare', async () => {
  const bare: Partial<Record<ProfileName, SuiteRun>> = {};
  for (const profile of NAMES) {
    const [withFile, without] = await Promise.all([runOf(profile, true), runOf(profile, false)]);
    await test.step(`${profile} with expectations/${profile}.yaml`, () => {
      expect(withFile.code, withFile.stderr).toBe(0);
      expect(withFile.report?.verdict).toBe('conformant with known deviations');
      expect(withFile.report?.expectationsUnmatched ?? []).toEqual([]);
      expect(withFile.report?.target.profile).toBe(profile);
      const deviations = PROFILES[profile].drifts.map((drift) => drift.deviation);
      expect(withFile.report?.target.deviations).toEqual(deviations);
    });
    await test.step(`${profile} without expectations: findings.md`, () => {
      expect(without.code).toBe(1);
      expect(findingsOf(without).sort()).toEqual([...FINDINGS[profile]].sort());
    });
    bare[profile] = without;
  }
  const [older, newer] = [bare['dify-1.13.3'], bare['dify-1.14.2']];
  if (!older || !newer) throw new Error('a profile run is missing');
  const result = await compare(newer, older);
  // 1.13.3 fails what 1.14.2 answers: its tag answers and doc_metadata null in document lists.
  expect(result.code, result.stdout).toBe(1);
  const newlyFailing = [...result.stdout.matchAll(/^ {2}newly failing +(\S+): passed → failed/gm)].map((m) => m[1]);
  expect(newlyFailing.sort()).toEqual([
    'createKnowledgeTag/response/schema',
    'getKnowledgeTags/response/schema',
    'listDocuments/response/schema',
    'updateDocumentByFile/response/schema',
    'updateDocumentByText/response/schema',
  ]);
});
