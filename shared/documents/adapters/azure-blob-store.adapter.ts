import { BlobServiceClient } from '@azure/storage-blob';
import type { TokenCredential } from '@azure/identity';
import type { BlobStore } from '../ports/blob-store.port.ts';

export type AzureBlobStoreConfig =
  | { readonly kind: 'connectionString'; readonly connectionString: string }
  | { readonly kind: 'identity'; readonly blobServiceUri: string; readonly credential: TokenCredential };

export class AzureBlobStore implements BlobStore {
  readonly #service: BlobServiceClient;

  constructor(config: AzureBlobStoreConfig) {
    this.#service =
      config.kind === 'connectionString'
        ? BlobServiceClient.fromConnectionString(config.connectionString)
        : new BlobServiceClient(config.blobServiceUri, config.credential);
  }

  async check(): Promise<void> {
    await this.#service.listContainers().byPage({ maxPageSize: 1 }).next();
  }
}
