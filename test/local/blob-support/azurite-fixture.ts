import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { startAzurite, type AzuriteInstance } from '../../../local/azurite/azurite-launcher.ts';

export interface TestAzurite {
  readonly azurite: AzuriteInstance;
  readonly dataDir: string;
  readonly blobService: BlobServiceClient;
  dispose(): Promise<void>;
}

export async function makeTempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `stageline-${prefix}-`));
}

/** A real Azurite on free loopback ports with a fresh data dir; `dispose()` stops it and removes the dir. */
export async function startTestAzurite(prefix = 'azurite'): Promise<TestAzurite> {
  const dataDir = await makeTempDir(prefix);
  const azurite = await startAzurite({ dataDir });
  return {
    azurite,
    dataDir,
    blobService: BlobServiceClient.fromConnectionString(azurite.connectionString),
    async dispose() {
      await azurite.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
