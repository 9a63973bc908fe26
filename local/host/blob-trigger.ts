/**
 * Local blob trigger: polls the trigger's container in Azurite (Azure on Flex Consumption uses
 * Event Grid instead; documented difference) and runs the handler once per blob version (ETag),
 * keeping the host's receipts, attempt counting and poison queue.
 *
 * Per scan: list the container → keep blobs matching the path whose ETag has no completed
 * receipt → for each (bounded concurrency) lease its receipt, download the exact version,
 * count the attempt durably, invoke. Success completes the receipt. Failure leaves it for a
 * later scan until `maxAttempts` tries, then a poison message is written and the receipt
 * completed. Scans never overlap; a blob version runs at most once at a time.
 */
import { BlobServiceClient, type BlobItem, type ContainerClient } from '@azure/storage-blob';
import type { RegisteredFunction } from './function-registry.ts';
import { parseBlobPath, type BlobBindingData, type BlobPathPattern } from './blob-path.ts';
import { parseStorageConnectionString } from './blob-connection.ts';
import { createPoisonQueue, type PoisonQueue } from './blob-poison-queue.ts';
import { createReceiptStore, isStatus, type ReceiptKey, type ReceiptStore } from './blob-receipts.ts';
import { createBlobInvocationContext, quotedEtag, type BlobTriggerLog, type BlobVersion } from './blob-invocation.ts';

export type { BlobTriggerLog } from './blob-invocation.ts';

export interface BlobTriggerOptions {
  readonly fn: RegisteredFunction;
  /** Connection string of the account named by the trigger's `connection` setting; receipts and poison messages go there too. */
  readonly connectionString: string;
  readonly hostId: string;
  readonly pollIntervalMs?: number;
  /** Tries in total per blob version before the poison message (host default: 5). */
  readonly maxAttempts?: number;
  readonly maxConcurrentInvocations?: number;
  readonly log: BlobTriggerLog;
}

export interface BlobTriggerHandle {
  /** Stops polling and waits for the running scan (and its invocations) to finish. */
  close(): Promise<void>;
  /** Runs one scan after any running one, resolving when its invocations have finished. */
  scanNow(): Promise<void>;
}

interface TriggerRuntime {
  readonly fn: RegisteredFunction;
  readonly path: BlobPathPattern;
  readonly functionId: string;
  readonly container: ContainerClient;
  readonly receipts: ReceiptStore;
  readonly poison: PoisonQueue;
  readonly maxAttempts: number;
  readonly log: BlobTriggerLog;
  /** Receipt names known to be complete, to spare a request per blob per scan. */
  readonly completed: Set<string>;
}

export function startBlobTrigger(options: BlobTriggerOptions): BlobTriggerHandle {
  const { fn, log } = options;
  if (fn.trigger.type !== 'blobTrigger') throw new Error(`Function "${fn.name}" has a ${fn.trigger.type}, not a blobTrigger.`);
  if (typeof fn.trigger['path'] !== 'string') throw new Error(`Function "${fn.name}": the blob trigger has no path.`);
  const maxAttempts = options.maxAttempts ?? 5;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new Error(`maxAttempts must be a positive integer (got ${maxAttempts}).`);
  const path = parseBlobPath(fn.trigger['path']);
  const service = BlobServiceClient.fromConnectionString(options.connectionString, {
    retryOptions: { maxTries: 3, retryDelayInMs: 200, maxRetryDelayInMs: 2_000 },
  });
  const runtime: TriggerRuntime = {
    fn,
    path,
    functionId: `Host.Functions.${fn.name}`,
    container: service.getContainerClient(path.containerName),
    receipts: createReceiptStore(service, options.hostId),
    poison: createPoisonQueue(parseStorageConnectionString(options.connectionString)),
    maxAttempts,
    log,
    completed: new Set(),
  };
  if (fn.retryOptions) {
    log('warning', `[${fn.name}] retry policies do not apply to blob triggers (as in Azure); failures are retried up to ${maxAttempts} tries, then poisoned.`);
  }
  if (fn.trigger['source'] === 'EventGrid') {
    log('information', `[${fn.name}] source 'EventGrid' is emulated locally by polling container '${path.containerName}'.`);
  }

  const pollIntervalMs = options.pollIntervalMs ?? 2_000;
  const concurrency = Math.max(1, options.maxConcurrentInvocations ?? 4);
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let tail: Promise<void> = Promise.resolve();
  let containerReady = false;

  const scanOnce = async (): Promise<void> => {
    if (!containerReady) {
      await runtime.container.createIfNotExists();
      containerReady = true;
    }
    const due: BlobVersion[] = [];
    for await (const item of runtime.container.listBlobsFlat({ includeMetadata: true })) {
      const version = await dueVersion(runtime, item);
      if (version) due.push(version);
    }
    await runPool(due, concurrency, (version) => processVersion(runtime, version));
  };

  const scanNow = (): Promise<void> => {
    if (closed) return tail;
    const run = tail.then(scanOnce);
    tail = run.catch(() => undefined);
    return run;
  };

  const pollOnce = (): void => {
    scanNow()
      .catch((error: unknown) => log('warning', `[${fn.name}] blob scan of '${path.containerName}' failed: ${describe(error)}`))
      .finally(() => {
        if (!closed) timer = setTimeout(pollOnce, pollIntervalMs);
      });
  };
  // The first scan starts now, so any later scanNow() runs after it.
  pollOnce();

  return {
    scanNow,
    async close() {
      closed = true;
      clearTimeout(timer);
      await tail;
    },
  };
}

/** The listed blob as a version to run, or `undefined` when it does not match or already ran. */
async function dueVersion(runtime: TriggerRuntime, item: BlobItem): Promise<BlobVersion | undefined> {
  const tokens = runtime.path.match(runtime.path.containerName, item.name);
  if (!tokens || !item.properties.etag) return undefined;
  const version: BlobVersion = {
    containerName: runtime.path.containerName,
    blobName: item.name,
    uri: runtime.container.getBlobClient(item.name).url,
    etag: quotedEtag(item.properties.etag),
    item,
  };
  const name = runtime.receipts.receiptName(receiptKey(runtime, version));
  if (runtime.completed.has(name)) return undefined;
  if (await runtime.receipts.isCompleted(receiptKey(runtime, version))) {
    runtime.completed.add(name);
    return undefined;
  }
  return version;
}

function receiptKey(runtime: TriggerRuntime, version: BlobVersion): ReceiptKey {
  return { functionId: runtime.functionId, containerName: version.containerName, blobName: version.blobName, etag: version.etag };
}

async function processVersion(runtime: TriggerRuntime, version: BlobVersion): Promise<void> {
  const { fn, log } = runtime;
  const key = receiptKey(runtime, version);
  const receiptName = runtime.receipts.receiptName(key);
  const blobPath = `${version.containerName}/${version.blobName}`;
  const receipt = await runtime.receipts.hold(key, (error) =>
    log('warning', `[${fn.name}] lost the receipt lease for ${blobPath}: ${describe(error)}`),
  );
  if (!receipt) return; // another worker holds this version right now
  try {
    if (receipt.completed) {
      runtime.completed.add(receiptName);
      return;
    }
    if (receipt.attempts >= runtime.maxAttempts) {
      // All tries were used but the poison step did not finish (e.g. the host stopped).
      await poisonVersion(runtime, version, receipt.attempts);
      await receipt.markCompleted();
      runtime.completed.add(receiptName);
      return;
    }
    const content = await downloadExact(runtime, version);
    if (!content) return; // changed or deleted since listing; the next scan sees the new version
    const attempt = await receipt.recordAttempt();
    const ok = await invoke(runtime, version, content, attempt);
    if (ok || attempt >= runtime.maxAttempts) {
      if (!ok) await poisonVersion(runtime, version, attempt);
      await receipt.markCompleted();
      runtime.completed.add(receiptName);
    }
  } finally {
    await receipt.release();
  }
}

async function downloadExact(runtime: TriggerRuntime, version: BlobVersion): Promise<Buffer | undefined> {
  try {
    return await runtime.container.getBlobClient(version.blobName).downloadToBuffer(0, undefined, {
      conditions: { ifMatch: version.etag },
    });
  } catch (error) {
    if (isStatus(error, 404, 412)) return undefined;
    throw error;
  }
}

async function invoke(runtime: TriggerRuntime, version: BlobVersion, content: Buffer, attempt: number): Promise<boolean> {
  const { fn, log, path } = runtime;
  const tokens: BlobBindingData = path.match(version.containerName, version.blobName) ?? {};
  const context = createBlobInvocationContext(fn, version, tokens, log);
  const blobPath = `${version.containerName}/${version.blobName}`;
  const started = Date.now();
  log('information', `Executing 'Functions.${fn.name}' (Reason='New blob detected: ${blobPath}', Id=${context.invocationId}, Attempt=${attempt}/${runtime.maxAttempts})`);
  try {
    await fn.handler(content, context);
    log('information', `Executed 'Functions.${fn.name}' (Succeeded, Id=${context.invocationId}, Duration=${Date.now() - started}ms)`);
    return true;
  } catch (error) {
    log('error', `Executed 'Functions.${fn.name}' (Failed, Id=${context.invocationId}, Duration=${Date.now() - started}ms): ${describe(error)}`);
    return false;
  }
}

async function poisonVersion(runtime: TriggerRuntime, version: BlobVersion, attempts: number): Promise<void> {
  await runtime.poison.send({
    Type: 'BlobTrigger',
    FunctionId: runtime.functionId,
    BlobType: version.item.properties.blobType ?? 'BlockBlob',
    ContainerName: version.containerName,
    BlobName: version.blobName,
    ETag: version.etag,
  });
  runtime.log(
    'error',
    `[${runtime.fn.name}] ${version.containerName}/${version.blobName} (ETag ${version.etag}) failed ${attempts} time(s); moved to queue 'webjobs-blobtrigger-poison'.`,
  );
}

async function runPool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const errors: unknown[] = [];
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item).catch((error: unknown) => void errors.push(error));
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (errors.length > 0) throw errors.length === 1 ? errors[0] : new AggregateError(errors, `${errors.length} blobs could not be processed.`);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
