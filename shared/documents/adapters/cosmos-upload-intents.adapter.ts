import { CosmosDocuments, type StoredDocument, type CosmosAdapterOptions } from '../../platform/cosmos/cosmos-documents.ts';
import { uploadIntentSchema, type UploadIntent } from '../domain/upload-intent.ts';
import type { StoredIntent, UploadIntents } from '../ports/upload-intents.port.ts';

export type CosmosUploadIntentsOptions = CosmosAdapterOptions;

/** Upload intents in Cosmos DB: point reads and conditional replaces by upload id, tenant checked on every read. */
export class CosmosUploadIntents implements UploadIntents {
  readonly #intents: CosmosDocuments<UploadIntent>;

  constructor(options: CosmosUploadIntentsOptions) {
    this.#intents = new CosmosDocuments({ ...options, schema: uploadIntentSchema, partitionKeyOf: (intent) => intent.id });
  }

  async create(intent: UploadIntent): Promise<StoredIntent> {
    const created = await this.#intents.create(intent);
    if (created === 'exists') throw new Error(`Upload intent ${intent.id} already exists.`);
    return stored(created);
  }

  async get(tenantId: string, uploadId: string): Promise<StoredIntent | undefined> {
    const found = await this.#intents.read(uploadId, uploadId);
    return found === undefined || found.document.tenantId !== tenantId ? undefined : stored(found);
  }

  async getForGate(uploadId: string): Promise<StoredIntent | undefined> {
    const found = await this.#intents.read(uploadId, uploadId);
    return found === undefined ? undefined : stored(found);
  }

  async replace(intent: UploadIntent, version: string): Promise<StoredIntent | 'conflict'> {
    const written = await this.#intents.replace(intent, version);
    if (written === undefined) throw new Error(`Upload intent ${intent.id} disappeared.`);
    return written === 'conflict' ? 'conflict' : stored(written);
  }
}

function stored(document: StoredDocument<UploadIntent>): StoredIntent {
  return { intent: document.document, version: document.etag };
}
