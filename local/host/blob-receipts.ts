/**
 * Blob receipts as the host keeps them: one empty blob per (host, function, ETag, container,
 * blob name) in container `azure-webjobs-hosts`, named
 * `blobreceipts/<hostId>/<functionId>/<etag>/<container>/<blobName>` (the ETag comes before the
 * blob name because blob names may contain `/`). Metadata `Incomplete` marks a receipt still
 * being worked on; its absence means done. `AttemptCount` keeps the number of tries durable
 * (the host counts them as the dequeue count of its internal queue message).
 *
 * A receipt is worked on under a blob lease, so two local hosts sharing the same storage never
 * run the same blob version at the same time.
 */
import { RestError, type BlobServiceClient, type BlockBlobClient, type ContainerClient } from '@azure/storage-blob';

export const HOSTS_CONTAINER = 'azure-webjobs-hosts';
const INCOMPLETE = 'Incomplete';
const ATTEMPT_COUNT = 'AttemptCount';
const LEASE_SECONDS = 60;
const RENEW_EVERY_MS = 20_000;

export interface ReceiptKey {
  readonly functionId: string;
  readonly containerName: string;
  readonly blobName: string;
  /** Quoted, as in the `ETag` header: `"0x8D..."`. */
  readonly etag: string;
}

export interface HeldReceipt {
  readonly completed: boolean;
  readonly attempts: number;
  /** Persists one more attempt before the handler runs; returns the new count. */
  recordAttempt(): Promise<number>;
  markCompleted(): Promise<void>;
  release(): Promise<void>;
}

export interface ReceiptStore {
  receiptName(key: ReceiptKey): string;
  isCompleted(key: ReceiptKey): Promise<boolean>;
  /** Creates the receipt if missing and leases it; `undefined` when another worker holds it. */
  hold(key: ReceiptKey, onLeaseLost: (error: unknown) => void): Promise<HeldReceipt | undefined>;
}

export function createReceiptStore(service: BlobServiceClient, hostId: string): ReceiptStore {
  const container = service.getContainerClient(HOSTS_CONTAINER);
  const receiptName = (key: ReceiptKey): string =>
    `blobreceipts/${hostId}/${key.functionId}/${key.etag}/${key.containerName}/${key.blobName}`;
  const blobFor = (key: ReceiptKey): BlockBlobClient => container.getBlockBlobClient(receiptName(key));

  return {
    receiptName,
    async isCompleted(key) {
      const metadata = await readMetadata(blobFor(key));
      return metadata !== undefined && !(INCOMPLETE.toLowerCase() in metadata);
    },
    async hold(key, onLeaseLost) {
      const blob = blobFor(key);
      if ((await readMetadata(blob)) === undefined && !(await tryCreate(container, blob))) return undefined;
      const lease = blob.getBlobLeaseClient();
      try {
        await lease.acquireLease(LEASE_SECONDS);
      } catch (error) {
        if (isStatus(error, 409, 404)) return undefined;
        throw error;
      }
      const leaseId = lease.leaseId;
      const renewal = setInterval(() => void lease.renewLease().catch(onLeaseLost), RENEW_EVERY_MS);
      renewal.unref();
      const stopRenewal = (): void => clearInterval(renewal);
      try {
        const metadata = (await readMetadata(blob)) ?? {};
        let attempts = Number.parseInt(metadata[ATTEMPT_COUNT.toLowerCase()] ?? '0', 10) || 0;
        const write = (completed: boolean): Promise<unknown> =>
          blob.setMetadata(
            { ...(completed ? {} : { [INCOMPLETE]: INCOMPLETE }), [ATTEMPT_COUNT]: String(attempts) },
            { conditions: { leaseId } },
          );
        return {
          completed: !(INCOMPLETE.toLowerCase() in metadata),
          attempts,
          async recordAttempt() {
            attempts += 1;
            await write(false);
            return attempts;
          },
          async markCompleted() {
            await write(true);
          },
          async release() {
            stopRenewal();
            await lease.releaseLease().catch((error: unknown) => {
              if (!isStatus(error, 404, 409)) throw error;
            });
          },
        };
      } catch (error) {
        stopRenewal();
        await lease.releaseLease().catch(() => undefined);
        throw error;
      }
    },
  };
}

/** Metadata with lower-cased keys (Node's HTTP stack lower-cases header names), or `undefined` if missing. */
async function readMetadata(blob: BlockBlobClient): Promise<Record<string, string> | undefined> {
  try {
    const properties = await blob.getProperties();
    const metadata: Record<string, string> = {};
    for (const [name, value] of Object.entries(properties.metadata ?? {})) metadata[name.toLowerCase()] = value;
    return metadata;
  } catch (error) {
    if (isStatus(error, 404)) return undefined;
    throw error;
  }
}

/** An empty receipt marked `Incomplete`, only if none exists; `false` when someone else just created it. */
async function tryCreate(container: ContainerClient, blob: BlockBlobClient): Promise<boolean> {
  const create = (): Promise<unknown> =>
    blob.upload('', 0, {
      metadata: { [INCOMPLETE]: INCOMPLETE, [ATTEMPT_COUNT]: '0' },
      conditions: { ifNoneMatch: '*' },
    });
  try {
    await create();
    return true;
  } catch (error) {
    if (isStatus(error, 409, 412)) return false;
    if (!isStatus(error, 404)) throw error;
  }
  await container.createIfNotExists();
  try {
    await create();
    return true;
  } catch (error) {
    if (isStatus(error, 409, 412)) return false;
    throw error;
  }
}

export function isStatus(error: unknown, ...statuses: number[]): boolean {
  return error instanceof RestError && error.statusCode !== undefined && statuses.includes(error.statusCode);
}
