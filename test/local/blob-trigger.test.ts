import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startBlobTrigger, type BlobTriggerHandle } from '../../local/host/blob-trigger.ts';
import { startTestAzurite, type TestAzurite } from './blob-support/azurite-fixture.ts';
import { collectLog, recordingBlobFunction } from './blob-support/recording-function.ts';
import { currentEtag, listReceipts, peekQueueMessages } from './blob-support/storage-inspect.ts';

const HOST_ID = 'stageline-local-test';
const LONG_POLL = 60_000; // tests drive scans with scanNow()

describe('blob trigger (polling Azurite)', () => {
  let storage: TestAzurite;
  const open: BlobTriggerHandle[] = [];

  beforeAll(async () => {
    storage = await startTestAzurite('blob-trigger');
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((trigger) => trigger.close()));
  });
  afterAll(async () => {
    await storage?.dispose();
  });

  function start(fn: ReturnType<typeof recordingBlobFunction>['fn'], hostId = HOST_ID): BlobTriggerHandle {
    const trigger = startBlobTrigger({ fn, connectionString: storage.azurite.connectionString, hostId, pollIntervalMs: LONG_POLL, log: collectLog().log });
    open.push(trigger);
    return trigger;
  }

  async function upload(container: string, name: string, content: string, metadata: Record<string, string> = {}): Promise<string> {
    const containerClient = storage.blobService.getContainerClient(container);
    await containerClient.createIfNotExists();
    await containerClient.getBlockBlobClient(name).upload(content, Buffer.byteLength(content), {
      metadata,
      blobHTTPHeaders: { blobContentType: 'application/pdf' },
    });
    return currentEtag(storage.blobService, container, name);
  }

  it('runs the handler once per new blob with its bytes and the host-shaped trigger metadata', async () => {
    const recorder = recordingBlobFunction('scanQuarantine', 'quarantine/{name}');
    const trigger = start(recorder.fn);
    const etagA = await upload('quarantine', 'c-1/cv.pdf', '%PDF-ada', { CandidateId: 'c-1' });
    const etagB = await upload('quarantine', 'c-2/cv.pdf', '%PDF-grace');

    await trigger.scanNow();
    await trigger.scanNow();

    const byName = new Map(recorder.calls.map((call) => [call.context.triggerMetadata?.['name'], call]));
    expect(recorder.calls).toHaveLength(2);
    const first = byName.get('c-1/cv.pdf');
    expect(first?.content.toString()).toBe('%PDF-ada');
    expect(byName.get('c-2/cv.pdf')?.content.toString()).toBe('%PDF-grace');
    expect(first?.context.functionName).toBe('scanQuarantine');
    expect(first?.context.options.trigger).toMatchObject({ type: 'blobTrigger', path: 'quarantine/{name}' });
    const metadata = first?.context.triggerMetadata ?? {};
    expect(metadata['blobTrigger']).toBe('quarantine/c-1/cv.pdf');
    expect(metadata['uri']).toBe(`${storage.azurite.blobEndpoint}/quarantine/c-1/cv.pdf`);
    expect(metadata['metadata']).toEqual({ candidateId: 'c-1' });
    expect(metadata['properties']).toMatchObject({ contentLength: 8, contentType: 'application/pdf', eTag: etagA, blobType: 'BlockBlob' });
    expect(metadata['sys']).toMatchObject({ methodName: 'scanQuarantine' });

    const receipts = await listReceipts(storage.blobService);
    const mine = receipts.filter((r) => r.name.includes('/Host.Functions.scanQuarantine/'));
    expect(mine.map((r) => r.name).sort()).toEqual(
      [
        `blobreceipts/${HOST_ID}/Host.Functions.scanQuarantine/${etagA}/quarantine/c-1/cv.pdf`,
        `blobreceipts/${HOST_ID}/Host.Functions.scanQuarantine/${etagB}/quarantine/c-2/cv.pdf`,
      ].sort(),
    );
    for (const receipt of mine) expect(receipt.metadata).toEqual({ AttemptCount: '1' });
    expect(await peekQueueMessages(storage.azurite, 'webjobs-blobtrigger-poison')).toEqual([]);
  });

  it('creates the container when it is missing and runs for blobs uploaded later', async () => {
    const recorder = recordingBlobFunction('watchInbox', 'fresh-inbox/{name}');
    const trigger = start(recorder.fn);
    await trigger.scanNow();
    expect(await storage.blobService.getContainerClient('fresh-inbox').exists()).toBe(true);
    expect(recorder.calls).toHaveLength(0);

    await upload('fresh-inbox', 'late.pdf', 'late');
    await trigger.scanNow();

    expect(recorder.calls.map((call) => call.content.toString())).toEqual(['late']);
    const receipts = (await listReceipts(storage.blobService)).filter((r) => r.name.includes('/Host.Functions.watchInbox/'));
    expect(receipts).toHaveLength(1);
  });

  it('runs again when the blob is overwritten (new ETag), never twice for the same ETag', async () => {
    const recorder = recordingBlobFunction('rescan', 'overwrites/{name}');
    const trigger = start(recorder.fn);
    const first = await upload('overwrites', 'cv.pdf', 'version one');
    await trigger.scanNow();
    const second = await upload('overwrites', 'cv.pdf', 'version two');
    await trigger.scanNow();
    await trigger.scanNow();

    expect(first).not.toBe(second);
    expect(recorder.calls.map((call) => call.content.toString())).toEqual(['version one', 'version two']);
    expect(recorder.calls.map((call) => (call.context.triggerMetadata?.['properties'] as { eTag: string }).eTag)).toEqual([first, second]);
    const receipts = (await listReceipts(storage.blobService)).filter((r) => r.name.includes('/Host.Functions.rescan/'));
    expect(receipts.map((r) => r.name).sort()).toEqual(
      [
        `blobreceipts/${HOST_ID}/Host.Functions.rescan/${first}/overwrites/cv.pdf`,
        `blobreceipts/${HOST_ID}/Host.Functions.rescan/${second}/overwrites/cv.pdf`,
      ].sort(),
    );
  });

  it('after a restart (same host id and storage) skips processed blobs and runs those uploaded while stopped', async () => {
    const before = recordingBlobFunction('restartable', 'restart-box/{name}');
    const firstRun = start(before.fn);
    const etagOld = await upload('restart-box', 'old.pdf', 'processed before the restart');
    await firstRun.scanNow();
    await firstRun.close();
    const etagNew = await upload('restart-box', 'new.pdf', 'uploaded while stopped');

    const after = recordingBlobFunction('restartable', 'restart-box/{name}');
    const secondRun = start(after.fn);
    await secondRun.scanNow();

    expect(before.calls.map((call) => call.content.toString())).toEqual(['processed before the restart']);
    expect(after.calls.map((call) => call.content.toString())).toEqual(['uploaded while stopped']);
    const receipts = (await listReceipts(storage.blobService)).filter((r) => r.name.includes('/Host.Functions.restartable/'));
    expect(receipts.map((r) => r.name).sort()).toEqual(
      [
        `blobreceipts/${HOST_ID}/Host.Functions.restartable/${etagNew}/restart-box/new.pdf`,
        `blobreceipts/${HOST_ID}/Host.Functions.restartable/${etagOld}/restart-box/old.pdf`,
      ].sort(),
    );

    // A different host id keeps its own receipts, as in Azure.
    const otherHost = recordingBlobFunction('restartable', 'restart-box/{name}');
    await start(otherHost.fn, 'another-host').scanNow();
    expect(otherHost.calls).toHaveLength(2);
  });

  it('finds new blobs by polling on its own, without scanNow()', async () => {
    const recorder = recordingBlobFunction('polled', 'polled-box/{name}');
    const log = collectLog();
    const trigger = startBlobTrigger({ fn: recorder.fn, connectionString: storage.azurite.connectionString, hostId: HOST_ID, pollIntervalMs: 100, log: log.log });
    open.push(trigger);
    const etag = await upload('polled-box', 'cv.pdf', 'found by polling');

    const deadline = Date.now() + 20_000;
    while (recorder.calls.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    await trigger.close();

    expect(recorder.calls.map((call) => call.content.toString())).toEqual(['found by polling']);
    expect(log.lines.some((line) => line.includes("source 'EventGrid' is emulated locally by polling"))).toBe(true);
    const receipts = (await listReceipts(storage.blobService)).filter((r) => r.name.includes('/Host.Functions.polled/'));
    expect(receipts.map((r) => r.name)).toEqual([`blobreceipts/${HOST_ID}/Host.Functions.polled/${etag}/polled-box/cv.pdf`]);
  });

  it('ignores blobs that do not match the path pattern', async () => {
    const recorder = recordingBlobFunction('originalsOnly', 'images/original-{name}');
    const trigger = start(recorder.fn);
    await upload('images', 'thumb-avatar.png', 'thumb');
    await upload('images', 'original-avatar.png', 'original');
    await trigger.scanNow();

    expect(recorder.calls).toHaveLength(1);
    expect(recorder.calls[0]?.content.toString()).toBe('original');
    expect(recorder.calls[0]?.context.triggerMetadata?.['name']).toBe('avatar.png');
    const receipts = (await listReceipts(storage.blobService)).filter((r) => r.name.includes('/Host.Functions.originalsOnly/'));
    expect(receipts.map((r) => r.name.split('/').slice(-2).join('/'))).toEqual(['images/original-avatar.png']);
  });
});
