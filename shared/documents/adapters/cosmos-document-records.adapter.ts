import type { Container } from '@azure/cosmos';
import { CosmosDocuments } from '../../platform/cosmos/cosmos-documents.ts';
import type { CosmosRequestMeter } from '../../platform/cosmos/cosmos-request-meter.ts';
import { documentRecordSchema, type DocumentRecord } from '../domain/document-record.ts';
import type { DocumentKey, DocumentRecords } from '../ports/document-records.port.ts';

export interface CosmosDocumentRecordsOptions {
  /** The `uploads` container (verified documents, partition `/applicationId`). */
  readonly container: Container;
  readonly meter?: Pick<CosmosRequestMeter, 'record'>;
}

/**
 * The partition a document lives in. The one place that says so: when application ids become
 * tenant-scoped in storage, this (and the container's key) is what changes.
 */
export function documentPartition(key: Pick<DocumentKey, 'tenantId' | 'applicationId'>): string {
  return key.applicationId;
}

/** Verified documents' records in Cosmos DB: point reads by (tenant, application, document id). */
export class CosmosDocumentRecords implements DocumentRecords {
  readonly #records: CosmosDocuments<DocumentRecord>;

  constructor(options: CosmosDocumentRecordsOptions) {
    this.#records = new CosmosDocuments({
      container: options.container,
      schema: documentRecordSchema,
      partitionKeyOf: (record) => documentPartition(record),
      ...(options.meter === undefined ? {} : { meter: options.meter }),
    });
  }

  async create(record: DocumentRecord): Promise<void> {
    await this.#records.create(record);
  }

  async get(key: DocumentKey): Promise<DocumentRecord | undefined> {
    const found = await this.#records.read(key.documentId, documentPartition(key));
    const record = found?.document;
    return record === undefined || record.tenantId !== key.tenantId || record.applicationId !== key.applicationId ? undefined : record;
  }

  async delete(key: DocumentKey): Promise<void> {
    if ((await this.get(key)) === undefined) return;
    await this.#records.delete(key.documentId, documentPartition(key));
  }
}
