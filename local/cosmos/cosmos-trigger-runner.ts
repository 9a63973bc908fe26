import type { Container, CosmosClient, PartitionKey } from '@azure/cosmos';
import type { FeedChange, LocalChangeFeed } from './local-change-feed.ts';

export interface CosmosTriggerRetry {
  /** Retries after the first failure; -1 retries forever. */
  readonly maxRetryCount: number;
  /** A fixed delay, or the delay before retry `retryIndex` (0-based), e.g. exponential backoff. */
  readonly delayMs: number | ((retryIndex: number) => number);
}

export interface CosmosTriggerOptions {
  readonly client: CosmosClient;
  readonly changeFeed: LocalChangeFeed;
  readonly databaseName: string;
  readonly containerName: string;
  /** Must exist (partitioned on `/id`): like Azure's default, the trigger never creates it. */
  readonly leaseContainerName?: string;
  /** Names this trigger's lease, e.g. the function name (with the binding's lease prefix). */
  readonly leaseId: string;
  readonly feedPollDelayMs?: number;
  readonly maxItemsPerInvocation?: number;
  /** Used only when no lease exists yet; otherwise a new lease starts at the current end. */
  readonly startFromBeginning?: boolean;
  /** The function's retry policy. Without one, a failed batch is logged and skipped, as in Azure. */
  readonly retry?: CosmosTriggerRetry;
  readonly handler: (documents: unknown[]) => Promise<void>;
  readonly log?: (line: string) => void;
}

export interface CosmosTrigger {
  /** Stops polling; waits for a batch in progress (a batch interrupted in its retries is redelivered on the next start). */
  close(): Promise<void>;
  /** Polls now instead of at the end of the poll delay. */
  poke(): void;
}

interface LeaseDocument {
  readonly id: string;
  readonly LeaseToken: string;
  readonly ContinuationToken: string;
  readonly Owner: string;
  readonly timestamp: string;
  readonly database: string;
  readonly container: string;
}

/**
 * The local Cosmos DB trigger (latest-version change feed, one lease for the single feed range).
 * It reads the changes after the continuation in its lease, point-reads each document's current
 * version (one deleted since is skipped), hands the batch to the handler and then stores the new
 * continuation in the lease: at least once, since a crash between the two redelivers the batch.
 */
export async function startCosmosTrigger(options: CosmosTriggerOptions): Promise<CosmosTrigger> {
  const log = options.log ?? ((line: string) => console.warn(line));
  const database = options.client.database(options.databaseName);
  const monitored = database.container(options.containerName);
  const leases = database.container(options.leaseContainerName ?? 'leases');
  await mustExist(monitored, `monitored container ${options.databaseName}/${options.containerName}`);
  await mustExist(leases, `lease container ${options.databaseName}/${leases.id} (createLeaseContainerIfNotExists is not supported)`);
  const leaseDocumentId = `${options.leaseId}.${options.databaseName}.${options.containerName}..0`;
  const lease = await readLease(leases, leaseDocumentId);
  let continuation = lease ? Number(lease.ContinuationToken) : options.startFromBeginning ? 0 : options.changeFeed.currentLsn();
  if (!lease) await writeLease(leases, leaseDocument(leaseDocumentId, options, continuation));

  const label = `[cosmos trigger ${options.leaseId}]`;
  const pollDelayMs = options.feedPollDelayMs ?? 5000;
  let closed = false;
  let poked = false;
  let wake: () => void = () => undefined;
  const sleep = (ms: number, wakeOnPoke: boolean): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        wake = () => undefined;
        resolve();
      }
      wake = () => {
        if (closed || wakeOnPoke) done();
      };
    });

  /** Delivers one batch if there is one; false when the feed had nothing new. */
  const pollOnce = async (): Promise<boolean> => {
    const page = options.changeFeed.read(options.databaseName, options.containerName, { afterLsn: continuation, maxItems: options.maxItemsPerInvocation ?? 100 });
    if (page.changes.length === 0) return false;
    const documents = await currentDocuments(monitored, page.changes);
    if (documents.length > 0) {
      const outcome = await invoke(documents, page.changes);
      if (outcome === 'interrupted') return true;
    }
    continuation = page.lastLsn;
    try {
      await writeLease(leases, leaseDocument(leaseDocumentId, options, continuation));
    } catch (err) {
      log(`${label} could not store the continuation ${continuation} in its lease (the batch may be delivered again after a restart): ${(err as Error).message}`);
    }
    return true;
  };

  const invoke = async (documents: unknown[], changes: FeedChange[]): Promise<'done' | 'skipped' | 'interrupted'> => {
    const range = `LSN ${changes[0]?.lsn}..${changes[changes.length - 1]?.lsn}`;
    for (let retries = 0; ; retries += 1) {
      try {
        await options.handler(documents);
        return 'done';
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        const retry = options.retry;
        if (!retry) {
          log(`${label} the function failed on ${documents.length} document(s) (${range}) and has no retry policy: the batch is skipped, as in Azure. ${reason}`);
          return 'skipped';
        }
        if (retry.maxRetryCount !== -1 && retries >= retry.maxRetryCount) {
          log(`${label} the function failed on ${documents.length} document(s) (${range}) after ${retries} retries: the batch is skipped. ${reason}`);
          return 'skipped';
        }
        const delayMs = typeof retry.delayMs === 'function' ? retry.delayMs(retries) : retry.delayMs;
        log(`${label} the function failed (${reason}); retry ${retries + 1}${retry.maxRetryCount === -1 ? '' : ` of ${retry.maxRetryCount}`} in ${delayMs} ms`);
        await sleep(delayMs, false);
        if (closed) return 'interrupted';
      }
    }
  };

  const loop = (async () => {
    while (!closed) {
      let delivered = false;
      try {
        delivered = await pollOnce();
      } catch (err) {
        log(`${label} polling the change feed failed: ${(err as Error).message}`);
      }
      if (closed) break;
      if (poked || delivered) {
        poked = false;
        continue;
      }
      await sleep(pollDelayMs, true);
    }
  })();

  return {
    poke() {
      poked = true;
      wake();
    },
    async close() {
      closed = true;
      wake();
      await loop;
    },
  };
}

async function mustExist(container: Container, what: string): Promise<void> {
  try {
    await container.read();
  } catch (err) {
    if ((err as { code?: unknown }).code === 404) throw new Error(`Cosmos DB trigger: the ${what} does not exist`);
    throw err;
  }
}

async function currentDocuments(container: Container, changes: readonly FeedChange[]): Promise<unknown[]> {
  const documents: unknown[] = [];
  for (const change of changes) {
    const { resource } = await container.item(change.id, change.partitionKey as PartitionKey).read<Record<string, unknown>>();
    if (resource) documents.push({ ...resource, _lsn: change.lsn });
  }
  return documents;
}

async function readLease(leases: Container, id: string): Promise<LeaseDocument | undefined> {
  const { resource } = await leases.item(id, id).read<LeaseDocument>();
  return resource;
}

async function writeLease(leases: Container, lease: LeaseDocument): Promise<void> {
  await leases.items.upsert(lease);
}

function leaseDocument(id: string, options: CosmosTriggerOptions, continuation: number): LeaseDocument {
  return {
    id,
    LeaseToken: '0',
    ContinuationToken: String(continuation),
    Owner: `local-host-${process.pid}`,
    timestamp: new Date().toISOString(),
    database: options.databaseName,
    container: options.containerName,
  };
}
