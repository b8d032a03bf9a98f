// Document status actions: rows in document-status.checks.yaml. Each action is read back through
// Get Document; a check that archives restores the document at the end, or it could not be deleted.
import { expectDifyError } from '../../src/assertions';
import { type CheckArgs, checksOf, type Template } from '../../src/checks';
import type { CreatedDocument } from '../../src/documents';
import { test } from '../../src/fixtures';
import {
  appliedAction,
  detailOf,
  differences,
  indexedText,
  type StatusAction,
  statusAction,
} from '../../src/scratch-documents';
import { claim } from '../../src/violation';

const DISABLE = 'batchUpdateDocumentStatus/disable/applied';
const ARCHIVE = 'batchUpdateDocumentStatus/archive/applied';

/** What Get Document shows of an indexed document after each action. */
const SHOWN: Record<StatusAction, Record<string, unknown>> = {
  disable: { enabled: false, display_status: 'disabled' },
  enable: { enabled: true, display_status: 'available' },
  archive: { archived: true, display_status: 'archived' },
  un_archive: { archived: false, display_status: 'available' },
};

/** The action's claim: answered success, and shown by Get Document. */
async function applied(args: CheckArgs, doc: CreatedDocument, action: StatusAction): Promise<void> {
  await appliedAction(args, doc, action);
  const { response, body } = await detailOf(args, doc);
  const wrong = differences(SHOWN[action], body);
  claim(wrong.length === 0, () => ({
    expected: `after ${action}: ${Object.entries(SHOWN[action])
      .map(([field, value]) => `${field} ${JSON.stringify(value)}`)
      .join(', ')}`,
    actual: wrong.join('; '),
    request: response.summary,
  }));
}

/** Runs `work` on an archived document, then restores it so that the check's cleanup can delete it. */
async function whileArchived(args: CheckArgs, doc: CreatedDocument, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } finally {
    // Cleaning up, not a claim: its answer is judged by the un_archive check.
    await statusAction(args, doc, 'un_archive');
  }
}

const templates: Record<string, Template> = {
  'disable-document': async (args) => {
    await applied(args, await indexedText(args, 'disable'), 'disable');
  },

  'enable-document': async (args) => {
    const doc = await indexedText(args, 'enable');
    await args.given(DISABLE, () => applied(args, doc, 'disable'));
    await applied(args, doc, 'enable');
  },

  'archive-document': async (args) => {
    const doc = await indexedText(args, 'archive');
    await whileArchived(args, doc, () => applied(args, doc, 'archive'));
  },

  'un-archive-document': async (args) => {
    const doc = await indexedText(args, 'un-archive');
    await whileArchived(args, doc, async () => {
      await args.given(ARCHIVE, () => applied(args, doc, 'archive'));
      await applied(args, doc, 'un_archive');
    });
  },

  'delete-archived-document': async (args) => {
    const doc = await indexedText(args, 'del-archived');
    await whileArchived(args, doc, async () => {
      await args.given(ARCHIVE, () => applied(args, doc, 'archive'));
      const response = await args.api.call('deleteDocument', { dataset_id: doc.datasetId, document_id: doc.id });
      expectDifyError(args.validators, 'deleteDocument', response, 403, 'archived_document_immutable');
    });
  },

  'update-disabled-document': async (args) => {
    const doc = await indexedText(args, 'upd-disabled');
    await args.given(DISABLE, () => applied(args, doc, 'disable'));
    const response = await args.api.call(
      'updateDocumentByText',
      { dataset_id: doc.datasetId, document_id: doc.id },
      { json: { name: doc.file.name, text: 'An update a disabled document must refuse.\n' } },
    );
    expectDifyError(args.validators, 'updateDocumentByText', response, 400, 'invalid_param');
  },
};

for (const check of checksOf(__filename, templates)) test(...check);
