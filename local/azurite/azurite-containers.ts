import { BlobServiceClient } from '@azure/storage-blob';
import type { BlobContainerDefinition } from '../../shared/platform/blob-containers.ts';

/** Creates the app's blob containers that are missing (the infrastructure declares the same list in Azure). */
export async function ensureBlobContainers(connectionString: string, definitions: readonly BlobContainerDefinition[]): Promise<void> {
  const service = BlobServiceClient.fromConnectionString(connectionString);
  for (const definition of definitions) await service.getContainerClient(definition.name).createIfNotExists();
}
