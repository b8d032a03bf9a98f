// Download Documents as ZIP: rows in download-documents-zip.checks.yaml. The archive is unzipped
// and each entry compared with the file the check uploaded.
import { unzipSync } from 'fflate';
import { expectStatus } from '../../src/assertions';
import { checksOf, type Template } from '../../src/checks';
import { test } from '../../src/fixtures';
import { CREATE_FILE } from '../../src/scratch-documents';
import { ContractViolation, claim, show } from '../../src/violation';

/** The archive's entries by name, or a violation saying what came instead of a ZIP. */
function unzipped(body: Buffer, request: string): Record<string, Uint8Array> {
  try {
    return unzipSync(new Uint8Array(body));
  } catch (error) {
    throw new ContractViolation({
      expected: 'a ZIP archive',
      actual: `${body.length} bytes that do not unzip (${(error as Error).message}): ${show(body.toString('utf8'), 80)}`,
      request,
    });
  }
}

const templates: Record<string, Template> = {
  'zip-holds-originals': async (args) => {
    const docs = [
      await args.given(CREATE_FILE, () => args.scratch.upload('zip-first')),
      await args.given(CREATE_FILE, () => args.scratch.upload('zip-second')),
    ];
    const response = await args.api.call(
      'downloadDocumentsZip',
      { dataset_id: await args.scratch.runDataset() },
      { json: { document_ids: docs.map((doc) => doc.id) } },
    );
    expectStatus(response, 200);
    claim(response.mediaType() === 'application/zip', () => ({
      expected: 'Content-Type application/zip',
      actual: `Content-Type ${show(response.headers['content-type'])}`,
      request: response.summary,
    }));
    const entries = unzipped(response.body, response.summary);
    const wrong = docs.flatMap(({ file }) => {
      const entry = entries[file.name];
      if (!entry) return [`${show(file.name)} missing`];
      const same = Buffer.from(entry).equals(file.bytes);
      return same ? [] : [`${show(file.name)} has ${entry.length} bytes other than the ${file.bytes.length} uploaded`];
    });
    claim(wrong.length === 0, () => ({
      expected: `an entry per document, named and byte for byte as uploaded: ${docs.map((d) => show(d.file.name)).join(', ')}`,
      actual: `${wrong.join('; ')}; the archive holds ${show(Object.keys(entries))}`,
      request: response.summary,
    }));
  },
};

for (const check of checksOf(__filename, templates)) test(...check);
