import { ChangeFeedStartFrom, type ChangeFeedPullModelIterator, type Container, type CosmosClient } from '@azure/cosmos';

export interface CosmosTriggerRetry {
  /** Retries after the first failure; -1 retries forever. */
  readonly maxRetryCount: number;
  /** A fixed delay, or the delay before retry `retryIndex` (0-based), e.g. exponential backoff. */
  readonly delayMs: number | ((retryIndex: number) => number);
}

export interface CosmosTriggerOptions {
  readonly client: CosmosClient;
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
 * It reads the next page of the change feed after the continuation in its lease through the SDK
 * (one request: the page carries each changed document's current version, as Azure's does),
 * hands the batch to the handler and then stores the new continuation in the lease: at least
 * once, since a crash between the two redelivers the batch.
 */
export async function startCosmosTrigger(options: CosmosTriggerOptions): Promise<CosmosTrigger> {
  const log = options.log ?? ((line: string) => console.warn(line));
  const database = options.client.database(options.databaseName);
  const monitored = database.container(options.containerName);
  const leases = database.container(options.leaseContainerName ?? 'leases');
  const rid = await mustExist(monitored, `monitored container ${options.databaseName}/${options.containerName}`);
  await mustExist(leases, `lease container ${options.databaseName}/${leases.id} (createLeaseContainerIfNotExists is not supported)`);
  const leaseDocumentId = `${options.leaseId}.${options.databaseName}.${options.containerName}..0`;
  const maxItemCount = options.maxItemsPerInvocation ?? 100;
  const lease = await readLease(leases, leaseDocumentId);
  let continuation = lease ? Number(lease.ContinuationToken) : options.startFromBeginning ? 0 : await currentEnd(monitored);
  if (!lease) await writeLease(leases, leaseDocument(leaseDocumentId, options, continuation));
  let feed: ChangeFeedPullModelIterator<Record<string, unknown>> | undefined;

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

  /** Delivers one batch if there is one; true when another may be waiting at once (a full page). */
  const pollOnce = async (): Promise<boolean> => {
    feed ??= monitored.items.getChangeFeedIterator({ changeFeedStartFrom: resumeAfter(rid, continuation), maxItemCount });
    let page;
    try {
      page = await feed.readNext();
    } catch (err) {
      feed = undefined; // resume from the stored continuation on the next poll
      throw err;
    }
    if (page.statusCode === 304 || page.result.length === 0) return false;
    const documents = page.result;
    const outcome = await invoke(documents, lsnRange(documents));
    if (outcome === 'interrupted') return true;
    const full = documents.length >= maxItemCount;
    continuation = lsnOf(page.continuationToken) ?? continuation;
    try {
      await writeLease(leases, leaseDocument(leaseDocumentId, options, continuation));
    } catch (err) {
      log(`${label} could not store the continuation ${continuation} in its lease (the batch may be delivered again after a restart): ${(err as Error).message}`);
    }
    // A page short of the limit reached the feed's end: read again when woken, not at once.
    return full;
  };

  const invoke = async (documents: unknown[], range: string): Promise<'done' | 'skipped' | 'interrupted'> => {
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
      let more = false;
      // A poke from here on (a write during this read) means read once more.
      poked = false;
      try {
        more = await pollOnce();
      } catch (err) {
        log(`${label} polling the change feed failed: ${(err as Error).message}`);
      }
      if (closed) break;
      if (poked || more) continue;
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

/** The container's resource id (the change feed's continuation names it). */
async function mustExist(container: Container, what: string): Promise<string> {
  try {
    const { resource } = await container.read();
    if (resource === undefined) throw Object.assign(new Error('not found'), { code: 404 });
    return resource._rid;
  } catch (err) {
    if ((err as { code?: unknown }).code === 404) throw new Error(`Cosmos DB trigger: the ${what} does not exist`);
    throw err;
  }
}

/** The feed's end now: a new lease starts there (Azure's default when not from the beginning). */
async function currentEnd(container: Container): Promise<number> {
  const page = await container.items.getChangeFeedIterator({ changeFeedStartFrom: ChangeFeedStartFrom.Now() }).readNext();
  const lsn = lsnOf(page.continuationToken);
  if (lsn === undefined) throw new Error(`Cosmos DB trigger: the change feed of ${container.id} gave no continuation`);
  return lsn;
}

/**
 * The lease keeps the LSN to continue after (the local server's change-feed ETag), as it always
 * has; the SDK wants it inside its continuation token for the container's one feed range
 * (`{ rid, Continuation: [{ minInclusive, maxExclusive, continuationToken }] }`, `@azure/cosmos` 4).
 */
function resumeAfter(rid: string, lsn: number): ChangeFeedStartFrom {
  if (lsn === 0) return ChangeFeedStartFrom.Beginning();
  return ChangeFeedStartFrom.Continuation(JSON.stringify({ rid, Continuation: [{ minInclusive: '', maxExclusive: 'FF', continuationToken: String(lsn) }] }));
}

function lsnOf(token: string | undefined): number | undefined {
  if (token === undefined) return undefined;
  const ranges = (JSON.parse(token) as { Continuation?: Array<{ continuationToken?: string }> }).Continuation ?? [];
  const lsn = Number(String(ranges[0]?.continuationToken ?? '').replaceAll('"', ''));
  return Number.isFinite(lsn) && ranges.length === 1 ? lsn : undefined;
}

function lsnRange(documents: ReadonlyArray<Record<string, unknown>>): string {
  return `LSN ${String(documents[0]?.['_lsn'])}..${String(documents[documents.length - 1]?.['_lsn'])}`;
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
