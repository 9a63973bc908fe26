import { CosmosDocuments, type CosmosAdapterOptions } from '../../platform/cosmos/cosmos-documents.ts';
import { documentRecordSchema, type DocumentRecord } from '../domain/document-record.ts';
import type { DocumentKey, DocumentRecords } from '../ports/document-records.port.ts';

export type CosmosDocumentRecordsOptions = CosmosAdapterOptions;

/** The partition a document lives in: its application's, within its tenant. */
export function documentPartition(key: Pick<DocumentKey, 'tenantId' | 'applicationId'>): [string, string] {
  return [key.tenantId, key.applicationId];
}

/** Verified documents' records in Cosmos DB: point reads by (tenant, application, document id). */
export class CosmosDocumentRecords implements DocumentRecords {
  readonly #records: CosmosDocuments<DocumentRecord>;

  constructor(options: CosmosDocumentRecordsOptions) {
    this.#records = new CosmosDocuments({ ...options, schema: documentRecordSchema, partitionKeyOf: (record) => documentPartition(record) });
  }

  async create(record: DocumentRecord): Promise<void> {
    await this.#records.create(record);
  }

  async get(key: DocumentKey): Promise<DocumentRecord | undefined> {
    const found = await this.#records.read(key.documentId, documentPartition(key));
    return found?.document;
  }

  async delete(key: DocumentKey): Promise<void> {
    if ((await this.get(key)) === undefined) return;
    await this.#records.delete(key.documentId, documentPartition(key));
  }
}
