import { randomUUID } from 'node:crypto';
import type { Database } from '@azure/cosmos';
import type { Access } from '../auth/domain/permissions.ts';
import type { MessageBus } from '../events/ports/message-bus.port.ts';
import type { Clock } from '../platform/clock.ts';
import { CosmosRequestMeter } from '../platform/cosmos/cosmos-request-meter.ts';
import type { StageCommands } from '../stages/api/stage-commands.ts';
import type { DocumentLinks } from '../stages/ports/document-links.port.ts';
import type { VerifiedDocuments } from '../stages/ports/verified-documents.port.ts';
import { CosmosDocumentRecords } from './adapters/cosmos-document-records.adapter.ts';
import { CosmosUploadIntents } from './adapters/cosmos-upload-intents.adapter.ts';
import { MagicBytesSniffer } from './adapters/magic-bytes-sniffer.adapter.ts';
import type { CreateUploadBody } from './api/upload-requests.schema.ts';
import type { UploadIntentResponse } from './api/upload-views.schema.ts';
import type { UploadStatus } from './domain/upload-intent.ts';
import type { BlobStore } from './ports/blob-store.port.ts';
import type { ContentSniffer } from './ports/content-sniffer.port.ts';
import { createUploadIntent } from './use-cases/create-upload-intent.ts';
import type { DocumentsDeps } from './use-cases/documents-deps.ts';
import { findVerifiedDocument } from './use-cases/find-verified-document.ts';
import { mintReadUrls } from './use-cases/mint-read-urls.ts';
import { readUpload } from './use-cases/read-upload.ts';
import { runContentGate, type GateOutcome } from './use-cases/run-content-gate.ts';

export interface DocumentUseCases {
  createUploadIntent(access: Access, body: CreateUploadBody): Promise<UploadIntentResponse>;
  readUpload(access: Access, uploadId: string): Promise<UploadStatus>;
  /** The content gate for one quarantine blob (the blob trigger's handler). */
  runContentGate(blobName: string): Promise<GateOutcome>;
}

/** The documents capability: its use cases, and what it implements for the stages (verified documents, read URLs). */
export interface DocumentsModule {
  readonly useCases: DocumentUseCases;
  readonly verifiedDocuments: VerifiedDocuments;
  readonly documentLinks: DocumentLinks;
  /** Cosmos DB requests of the upload intents and document records. */
  readonly requests: CosmosRequestMeter;
}

export interface DocumentsModuleOptions {
  readonly database: Database;
  readonly blobs: BlobStore;
  readonly bus: MessageBus;
  /**
   * The stage commands. A thunk because the stage module is built with this module's ports
   * (verified documents, read URLs) and this module's gate attaches through the stages.
   */
  readonly stages: () => StageCommands;
  readonly clock: Clock;
  readonly uploadUrlTtlMinutes: number;
  readonly readUrlTtlMinutes: number;
  readonly sniffer?: ContentSniffer;
  readonly newId?: () => string;
}

export function createDocumentsModule(options: DocumentsModuleOptions): DocumentsModule {
  const requests = new CosmosRequestMeter();
  const deps: DocumentsDeps = {
    intents: new CosmosUploadIntents({ container: options.database.container('uploadIntents'), meter: requests }),
    records: new CosmosDocumentRecords({ container: options.database.container('uploads'), meter: requests }),
    blobs: options.blobs,
    sniffer: options.sniffer ?? new MagicBytesSniffer(),
    bus: options.bus,
    stages: options.stages,
    clock: options.clock,
    newId: options.newId ?? randomUUID,
    uploadUrlTtlMinutes: options.uploadUrlTtlMinutes,
    readUrlTtlMinutes: options.readUrlTtlMinutes,
  };
  return {
    useCases: bindDocumentUseCases(deps),
    verifiedDocuments: { find: (lookup) => findVerifiedDocument(deps, lookup) },
    documentLinks: { readUrls: (request) => mintReadUrls(deps, request) },
    requests,
  };
}

export function bindDocumentUseCases(deps: DocumentsDeps): DocumentUseCases {
  return {
    createUploadIntent: (access, body) => createUploadIntent(deps, access, body),
    readUpload: (access, uploadId) => readUpload(deps, access, uploadId),
    runContentGate: (blobName) => runContentGate(deps, blobName),
  };
}
