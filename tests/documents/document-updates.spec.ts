// Document updates: rows in document-updates.checks.yaml. An update is read back through Get
// Document (its name) and the signed download (its content), never through its own answer.
import { type CheckArgs, checksOf, type Template } from '../../src/checks';
import type { CreatedDocument } from '../../src/documents';
import { test } from '../../src/fixtures';
import {
  detailOf,
  expectDocumentAnswer,
  expectDownloadServes,
  indexedText,
  indexedUpload,
} from '../../src/scratch-documents';
import { claim, claimShould, show } from '../../src/violation';

const UPDATE_TEXT = 'updateDocumentByText/response/schema';
const UPDATE_FILE = 'updateDocumentByFile/response/schema';

/** What an update sent: the document's new name and content. */
interface Sent {
  name: string;
  bytes: Buffer;
}

/** A new name the run's cleanup still recognises as the suite's (dkc-<run id>-<purpose>.txt). */
const renamed = (doc: CreatedDocument) => doc.file.name.replace(/\.txt$/, '-updated.txt');

const newText = (doc: CreatedDocument) =>
  `Updated by dify-knowledge-conformance: ${doc.file.name} has new content.\nThe download must be this text.\n`;

async function updateByText(args: CheckArgs, doc: CreatedDocument): Promise<Sent> {
  const sent = { name: renamed(doc), bytes: Buffer.from(newText(doc)) };
  const response = await args.api.call(
    'updateDocumentByText',
    { dataset_id: doc.datasetId, document_id: doc.id },
    { json: { name: sent.name, text: newText(doc) } },
  );
  expectDocumentAnswer(args, 'updateDocumentByText', response, sent.name, 'the name sent');
  return sent;
}

async function updateByFile(args: CheckArgs, doc: CreatedDocument): Promise<Sent> {
  const sent = { name: renamed(doc), bytes: Buffer.from(newText(doc)) };
  const response = await args.api.call(
    'updateDocumentByFile',
    { dataset_id: doc.datasetId, document_id: doc.id },
    { multipart: { file: { name: sent.name, mimeType: 'text/plain', buffer: sent.bytes } } },
  );
  expectDocumentAnswer(args, 'updateDocumentByFile', response, sent.name, "the new file's name");
  return sent;
}

/** Get Document shows the name the update sent. */
async function expectNamed(args: CheckArgs, doc: CreatedDocument, sent: Sent): Promise<void> {
  const { response, body } = await detailOf(args, doc);
  claim(body.name === sent.name, () => ({
    expected: `name ${show(sent.name)}, as updated (it was ${show(doc.file.name)})`,
    actual: `name ${show(body.name)}`,
    pointer: '/name',
    request: response.summary,
  }));
}

const templates: Record<string, Template> = {
  'update-by-text': async (args) => {
    await updateByText(args, await indexedText(args, 'text-update'));
  },

  'text-update-detail': async (args) => {
    const doc = await indexedText(args, 'text-upd-get');
    const sent = await args.given(UPDATE_TEXT, () => updateByText(args, doc));
    await expectNamed(args, doc, sent);
  },

  'text-update-bytes': async (args) => {
    const doc = await indexedText(args, 'text-upd-dl');
    const sent = await args.given(UPDATE_TEXT, () => updateByText(args, doc));
    await expectDownloadServes(args, doc, sent.bytes, 'the text the update sent');
  },

  'text-update-origin': async (args) => {
    const doc = await indexedText(args, 'text-upd-origin');
    const before = (await detailOf(args, doc)).body.created_from;
    await args.given(UPDATE_TEXT, () => updateByText(args, doc));
    const { response, body } = await detailOf(args, doc);
    claimShould(body.created_from === before, () => ({
      expected: `created_from ${show(before)}, as before the update: an update does not change where it was created`,
      actual: `created_from ${show(body.created_from)}`,
      pointer: '/created_from',
      request: response.summary,
    }));
  },

  'update-by-file': async (args) => {
    await updateByFile(args, await indexedUpload(args, 'file-update'));
  },

  'file-update-detail': async (args) => {
    const doc = await indexedUpload(args, 'file-upd-get');
    const sent = await args.given(UPDATE_FILE, () => updateByFile(args, doc));
    await expectNamed(args, doc, sent);
  },

  'file-update-bytes': async (args) => {
    const doc = await indexedUpload(args, 'file-upd-dl');
    const sent = await args.given(UPDATE_FILE, () => updateByFile(args, doc));
    await expectDownloadServes(args, doc, sent.bytes, 'the file the update sent');
  },
};

for (const check of checksOf(__filename, templates)) test(...check);
