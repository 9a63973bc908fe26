import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startBlobTrigger, type BlobTriggerHandle } from '../../local/host/blob-trigger.ts';
import type { RegisteredFunction } from '../../local/host/function-registry.ts';
import { startTestAzurite, type TestAzurite } from './blob-support/azurite-fixture.ts';
import { collectLog, recordingBlobFunction, type CollectedLog } from './blob-support/recording-function.ts';
import { currentEtag, listReceipts, peekQueueMessages } from './blob-support/storage-inspect.ts';

const HOST_ID = 'stageline-poison-test';
const POISON_QUEUE = 'webjobs-blobtrigger-poison';

describe('blob trigger failures, poison queue and exclusivity', () => {
  let storage: TestAzurite;
  const open: BlobTriggerHandle[] = [];

  beforeAll(async () => {
    storage = await startTestAzurite('blob-poison');
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((trigger) => trigger.close()));
  });
  afterAll(async () => {
    await storage?.dispose();
  });

  function start(fn: RegisteredFunction, options: { maxAttempts?: number; log?: CollectedLog } = {}): BlobTriggerHandle {
    const trigger = startBlobTrigger({
      fn,
      connectionString: storage.azurite.connectionString,
      hostId: HOST_ID,
      pollIntervalMs: 60_000,
      log: (options.log ?? collectLog()).log,
      ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
    });
    open.push(trigger);
    return trigger;
  }

  async function upload(container: string, name: string, content: string): Promise<string> {
    const containerClient = storage.blobService.getContainerClient(container);
    await containerClient.createIfNotExists();
    await containerClient.getBlockBlobClient(name).upload(content, Buffer.byteLength(content));
    return currentEtag(storage.blobService, container, name);
  }

  async function poisonMessagesFor(container: string): Promise<Array<Record<string, unknown>>> {
    const messages = (await peekQueueMessages(storage.azurite, POISON_QUEUE)) as Array<Record<string, unknown>>;
    return messages.filter((message) => message['ContainerName'] === container);
  }

  it('tries a failing handler exactly 5 times (the default), then writes the poison message and stops trying', async () => {
    const log = collectLog();
    const recorder = recordingBlobFunction('alwaysFails', 'broken/{name}', () => {
      throw new Error('virus scanner unavailable');
    });
    const trigger = start(recorder.fn, { log });
    const etag = await upload('broken', 'cv.pdf', 'bytes');

    for (let scan = 0; scan < 8; scan++) await trigger.scanNow();

    expect(recorder.calls).toHaveLength(5);
    expect(recorder.calls.every((call) => call.content.toString() === 'bytes')).toBe(true);
    expect(await poisonMessagesFor('broken')).toEqual([
      { Type: 'BlobTrigger', FunctionId: 'Host.Functions.alwaysFails', BlobType: 'BlockBlob', ContainerName: 'broken', BlobName: 'cv.pdf', ETag: etag },
    ]);
    const receipts = (await listReceipts(storage.blobService)).filter((r) => r.name.includes('/Host.Functions.alwaysFails/'));
    expect(receipts).toEqual([
      { name: `blobreceipts/${HOST_ID}/Host.Functions.alwaysFails/${etag}/broken/cv.pdf`, metadata: { AttemptCount: '5' } },
    ]);
    expect(log.lines.filter((line) => line.includes('virus scanner unavailable'))).toHaveLength(5);
  });

  it('keeps the attempt count across a restart: maxAttempts counts tries in total', async () => {
    const failing = (): never => {
      throw new Error('still broken');
    };
    const first = recordingBlobFunction('durableCount', 'durable/{name}', failing);
    const before = start(first.fn, { maxAttempts: 3 });
    // Let the scan that starts with the trigger finish first, so exactly two scans see the blob.
    await before.scanNow();
    const etag = await upload('durable', 'cv.pdf', 'bytes');
    await before.scanNow();
    await before.scanNow();
    await before.close();
    const stored = (await listReceipts(storage.blobService)).filter((r) => r.name.includes('/Host.Functions.durableCount/'));
    expect(stored.map((r) => r.metadata)).toEqual([{ Incomplete: 'Incomplete', AttemptCount: '2' }]);
    expect(await poisonMessagesFor('durable')).toEqual([]);

    const second = recordingBlobFunction('durableCount', 'durable/{name}', failing);
    const after = start(second.fn, { maxAttempts: 3 });
    for (let scan = 0; scan < 3; scan++) await after.scanNow();

    expect(first.calls).toHaveLength(2);
    expect(second.calls).toHaveLength(1);
    expect(await poisonMessagesFor('durable')).toEqual([
      { Type: 'BlobTrigger', FunctionId: 'Host.Functions.durableCount', BlobType: 'BlockBlob', ContainerName: 'durable', BlobName: 'cv.pdf', ETag: etag },
    ]);
  });

  it('a handler that fails once and then succeeds is not poisoned', async () => {
    const recorder = recordingBlobFunction('flaky', 'flaky/{name}', (_call, callNumber) => {
      if (callNumber === 1) throw new Error('transient');
    });
    const trigger = start(recorder.fn);
    const etag = await upload('flaky', 'cv.pdf', 'bytes');
    for (let scan = 0; scan < 4; scan++) await trigger.scanNow();

    expect(recorder.calls).toHaveLength(2);
    expect(await poisonMessagesFor('flaky')).toEqual([]);
    const receipts = (await listReceipts(storage.blobService)).filter((r) => r.name.includes('/Host.Functions.flaky/'));
    expect(receipts).toEqual([{ name: `blobreceipts/${HOST_ID}/Host.Functions.flaky/${etag}/flaky/cv.pdf`, metadata: { AttemptCount: '2' } }]);
  });

  it('runs a blob version only once at a time, even with two trigger instances on the same storage', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const sharedCalls: string[] = [];
    const makeFn = (instance: string): RegisteredFunction =>
      recordingBlobFunction('exclusive', 'exclusive/{name}', async (call) => {
        sharedCalls.push(`${instance}:${call.content.toString()}`);
        await gate;
      }).fn;
    await upload('exclusive', 'cv.pdf', 'bytes');

    const a = start(makeFn('a'));
    const b = start(makeFn('b'));
    const scans = [a.scanNow(), b.scanNow()];
    while (sharedCalls.length === 0) await sleep(20);
    await Promise.race(scans); // the instance not holding the blob finishes its scan while the other is still inside the handler
    expect(sharedCalls).toHaveLength(1);
    const stillRunning = (await listReceipts(storage.blobService)).filter((r) => r.name.includes('/Host.Functions.exclusive/'));
    expect(stillRunning.map((r) => r.metadata)).toEqual([{ Incomplete: 'Incomplete', AttemptCount: '1' }]);

    release();
    await Promise.all(scans);
    await a.scanNow();
    await b.scanNow();

    expect(sharedCalls).toHaveLength(1);
    const done = (await listReceipts(storage.blobService)).filter((r) => r.name.includes('/Host.Functions.exclusive/'));
    expect(done.map((r) => r.metadata)).toEqual([{ AttemptCount: '1' }]);
  });
});
