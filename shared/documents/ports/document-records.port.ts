import type { DocumentRecord } from '../domain/document-record.ts';

/** Where a document is looked up: tenant and application scope every read. */
export interface DocumentKey {
  readonly tenantId: string;
  readonly applicationId: string;
  readonly documentId: string;
}

/** Verified documents' records. */
export interface DocumentRecords {
  /** Creates the record; an existing record with the same id is left as it is (a gate that runs again). */
  create(record: DocumentRecord): Promise<void>;
  /** The record if it exists in this tenant and application. */
  get(key: DocumentKey): Promise<DocumentRecord | undefined>;
  delete(key: DocumentKey): Promise<void>;
}
