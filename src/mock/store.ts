// The mock's state: what the fixtures start it with, what requests change, and reset() to start over.
import {
  displayStatus,
  MOCK_DATASETS,
  MOCK_DOCUMENTS,
  type MockDataset,
  type MockDocument,
  type MockFile,
} from './data';
import { seedChunks } from './fixtures/chunks';
import { generatedDocuments } from './fixtures/generated-documents';
import { seedKnowledgeBases } from './fixtures/knowledge-bases';
import { seedMetadata } from './fixtures/metadata';

/** A resource the mock holds beyond knowledge bases and documents: its id, its owners and its fields as served. */
export interface MockRecord {
  id: string;
  /** The knowledge base it belongs to, when it belongs to one. */
  datasetId?: string;
  documentId?: string;
  segmentId?: string;
  /** The workspace it belongs to, for workspace-wide resources such as tags. */
  tenantId?: string;
  fields: Record<string, unknown>;
}

export interface LoggedRequest {
  method: string;
  path: string;
  authorization: boolean;
  /**
   * The deviations consulted while answering, whether on or not: only a check whose requests
   * consult a deviation can see it, which the self-tests use to run just those checks.
   */
  consulted: string[];
}

export class Store {
  readonly datasets = new Map<string, MockDataset>();
  readonly documents = new Map<string, MockDocument>();
  readonly files = new Map<string, MockFile>();
  readonly segments = new Map<string, MockRecord>();
  readonly childChunks = new Map<string, MockRecord>();
  readonly tags = new Map<string, MockRecord>();
  /** Tag bindings as `<tag id> <dataset id>`. */
  readonly tagBindings = new Set<string>();
  readonly metadataFields = new Map<string, MockRecord>();
  /** Files uploaded for the knowledge pipeline. */
  readonly pipelineFiles = new Map<string, MockRecord>();
  /** Nonces of signed URLs already served, for single-use-urls. */
  readonly usedNonces = new Set<string>();
  /** Requests already refused once, for busy-once. */
  readonly busyOnce = new Set<string>();
  /** The last URL issued on each client connection (by remote port), for same-url-twice. */
  readonly lastUrlByConnection = new Map<number | undefined, string>();
  readonly requests: LoggedRequest[] = [];
  /** Every signed URL handed out, so tests can look for its signature where it must not be. */
  readonly issuedUrls: string[] = [];

  constructor(
    private readonly now: () => number,
    /** How many generated documents the main knowledge base holds besides its fixtures. */
    private readonly generated = 0,
  ) {
    this.reset();
  }

  /** Back to the fixtures, with nothing remembered; the logs are emptied in place, so held references see it. */
  reset(): void {
    this.datasets.clear();
    this.documents.clear();
    this.files.clear();
    for (const map of [this.segments, this.childChunks, this.tags, this.metadataFields, this.pipelineFiles])
      map.clear();
    this.tagBindings.clear();
    this.usedNonces.clear();
    this.busyOnce.clear();
    this.lastUrlByConnection.clear();
    this.requests.length = 0;
    this.issuedUrls.length = 0;
    // Copies, so that nothing a request does reaches the fixtures; files are never changed, only replaced.
    for (const dataset of MOCK_DATASETS) {
      this.datasets.set(dataset.id, { ...dataset, fields: structuredClone(dataset.fields) });
    }
    for (const doc of MOCK_DOCUMENTS) this.add({ ...doc, fields: structuredClone(doc.fields) });
    for (const doc of generatedDocuments(this.generated)) this.add(doc);
    seedKnowledgeBases(this);
    seedMetadata(this);
    seedChunks(this);
  }

  /** A knowledge base gone with everything in it: documents, their files and chunks, metadata fields, tag bindings. */
  removeDataset(datasetId: string): void {
    this.datasets.delete(datasetId);
    for (const doc of this.documentsOf(datasetId)) this.removeDocument(doc.id);
    for (const [id, field] of this.metadataFields) if (field.datasetId === datasetId) this.metadataFields.delete(id);
    for (const binding of [...this.tagBindings])
      if (binding.endsWith(` ${datasetId}`)) this.tagBindings.delete(binding);
  }

  /** A document gone with its file, its chunks and their child chunks. */
  removeDocument(documentId: string): void {
    const doc = this.documents.get(documentId);
    if (doc?.file) this.files.delete(doc.file.id);
    this.documents.delete(documentId);
    for (const map of [this.segments, this.childChunks]) {
      for (const [id, record] of map) if (record.documentId === documentId) map.delete(id);
    }
  }

  /**
   * What the store holds that a client can create, change or delete, comparable with a later
   * snapshot. Pipeline files are in it although no operation deletes one: a run against a live
   * target must upload none.
   */
  snapshot(): Record<string, unknown> {
    const records = (map: Map<string, MockRecord>) => Object.fromEntries([...map].map(([id, r]) => [id, r.fields]));
    return structuredClone({
      datasets: Object.fromEntries([...this.datasets].map(([id, d]) => [id, d.fields])),
      documents: Object.fromEntries([...this.documents].map(([id, d]) => [id, d.fields])),
      files: [...this.files.keys()].sort(),
      segments: records(this.segments),
      childChunks: records(this.childChunks),
      tags: records(this.tags),
      tagBindings: [...this.tagBindings].sort(),
      metadataFields: records(this.metadataFields),
      pipelineFiles: records(this.pipelineFiles),
    });
  }

  add(doc: MockDocument): void {
    this.documents.set(doc.id, doc);
    if (doc.file) this.files.set(doc.file.id, doc.file);
  }

  documentsOf(datasetId: string): MockDocument[] {
    return [...this.documents.values()].filter((doc) => doc.datasetId === datasetId);
  }

  /** A copy of a document's fields as served now: an upload's indexing status moves on with time. */
  current(doc: MockDocument): Record<string, unknown> {
    if (doc.indexedAt === undefined) return { ...doc.fields };
    const fields = { ...doc.fields, indexing_status: this.now() >= doc.indexedAt ? 'completed' : 'indexing' };
    return { ...fields, display_status: displayStatus(fields) };
  }
}
