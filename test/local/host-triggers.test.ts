import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlobServiceClient } from '@azure/storage-blob';
import type { InvocationContext, Timer } from '@azure/functions';
import { installFunctionsCoreHook } from '../../local/host/register-core-hook.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';

/**
 * Registers one function per non-HTTP trigger type through the real `@azure/functions` API
 * (exactly as the app does), then checks the local host runs each with what the runtime passes.
 */
installFunctionsCoreHook();
const { app } = await import('@azure/functions');

const seen = {
  timer: [] as Array<{ isPastDue: boolean }>,
  topic: [] as Array<{ body: unknown; deliveryCount: unknown; messageId: unknown }>,
  cosmos: [] as Array<Array<{ id: string }>>,
  blob: [] as Array<{ text: string; name: unknown; blobTrigger: unknown }>,
};

app.timer('test-every-second', {
  schedule: '* * * * * *',
  handler: async (timer: Timer) => void seen.timer.push({ isPastDue: timer.isPastDue }),
});
app.serviceBusTopic('test-ats-sync', {
  topicName: 'stage-events',
  subscriptionName: 'ats-sync',
  connection: 'ServiceBusConnection',
  handler: async (message: unknown, context: InvocationContext) => {
    seen.topic.push({ body: message, deliveryCount: context.triggerMetadata?.deliveryCount, messageId: context.triggerMetadata?.messageId });
    if (seen.topic.length < 3) throw new Error('transient failure');
  },
});
app.cosmosDB('test-uploads-feed', {
  connection: 'CosmosConnection',
  databaseName: '%COSMOS_DATABASE_NAME%',
  containerName: 'uploads',
  leaseContainerName: 'leases',
  handler: async (documents: unknown[]) => void seen.cosmos.push(documents as Array<{ id: string }>),
});
app.storageBlob('test-inbox', {
  path: 'test-inbox/{name}',
  connection: 'DocumentsStorage',
  handler: async (blob: unknown, context: InvocationContext) =>
    void seen.blob.push({ text: (blob as Buffer).toString('utf8'), name: context.triggerMetadata?.name, blobTrigger: context.triggerMetadata?.blobTrigger }),
});

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('local host trigger runners', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('runs a timer trigger on its NCRONTAB schedule', async () => {
    await until('two timer runs', () => (seen.timer.length >= 2 ? true : undefined));
    expect(seen.timer[0]).toEqual({ isPastDue: false });
  });

  it('delivers a topic message to its subscription trigger, redelivering after a throw with deliveryCount + 1', async () => {
    await stack.host.services.bus.send('stage-events', [{ messageId: 'evt-1', body: { type: 'STAGE_EVENT', applicationId: 'a-1' } }]);
    await until('third delivery', () => (seen.topic.length >= 3 ? true : undefined));
    expect(seen.topic.map((d) => d.deliveryCount)).toEqual([1, 2, 3]);
    expect(seen.topic.every((d) => d.messageId === 'evt-1')).toBe(true);
    expect(seen.topic[0]!.body).toEqual({ type: 'STAGE_EVENT', applicationId: 'a-1' });
    // Completed after the third try: nothing left, nothing dead-lettered.
    await until('completion', () => (stack.host.broker.counts('stage-events/Subscriptions/ats-sync').locked === 0 ? true : undefined));
    expect(stack.host.broker.counts('stage-events/Subscriptions/ats-sync')).toMatchObject({ active: 0, deadLetter: 0 });
  });

  it('runs a Cosmos DB trigger with the documents written to the watched container', async () => {
    const uploads = stack.host.services.database.container('uploads');
    await uploads.items.create({ id: 'u-1', applicationId: 'a-1', state: 'pending' });
    const batch = await until('change feed batch', () => seen.cosmos.flat().find((d) => d.id === 'u-1'));
    expect(batch).toMatchObject({ id: 'u-1', applicationId: 'a-1', state: 'pending' });
  });

  it('runs a blob trigger once for a new blob, with its bytes and pattern tokens', async () => {
    const service = BlobServiceClient.fromConnectionString(stack.host.settings.DocumentsStorage!);
    const container = service.getContainerClient('test-inbox');
    await container.createIfNotExists();
    await container.getBlockBlobClient('hello.txt').upload('hello', 5);
    await stack.host.triggers.scanBlobs();
    const invocation = await until('blob invocation', () => seen.blob.find((b) => b.name === 'hello.txt'));
    expect(invocation).toEqual({ text: 'hello', name: 'hello.txt', blobTrigger: 'test-inbox/hello.txt' });
    await stack.host.triggers.scanBlobs();
    expect(seen.blob.filter((b) => b.name === 'hello.txt')).toHaveLength(1);
  });
});
