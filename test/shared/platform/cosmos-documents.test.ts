import type { Container, CosmosClient } from '@azure/cosmos';
import { z } from 'zod';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CosmosDocuments, type StoredDocument } from '../../../shared/platform/cosmos/cosmos-documents.ts';
import { CosmosRequestError, UnreadableDocumentError } from '../../../shared/platform/cosmos/cosmos-failure.ts';
import { CosmosRequestMeter } from '../../../shared/platform/cosmos/cosmos-request-meter.ts';
import { DomainError } from '../../../shared/platform/errors.ts';
import { clientWithoutRetries, startLocalCosmos, tempDirectory, type LocalCosmos, type TempDirectory } from '../../local/cosmos-support/cosmos-fixtures.ts';

const itemSchema = z.object({ id: z.string(), tenantId: z.string(), applicationId: z.string(), n: z.number().int() });
type Item = z.infer<typeof itemSchema>;

/** `value` as a stored document (fails the test on `'exists'`, `'conflict'` or not found). */
function storedOf<T>(value: StoredDocument<T> | 'exists' | 'conflict' | undefined): StoredDocument<T> {
  if (typeof value !== 'object') throw new Error(`expected a stored document, got ${String(value)}`);
  return value;
}

/** The rejection of `call` (fails the test when it resolves). */
async function rejectionOf(call: Promise<unknown>): Promise<unknown> {
  try {
    await call;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

describe('CosmosDocuments on the embedded Cosmos DB server', () => {
  let temp: TempDirectory;
  let cosmos: LocalCosmos;
  let bare: CosmosClient;
  const meter = new CosmosRequestMeter();
  beforeAll(async () => {
    temp = tempDirectory();
    cosmos = await startLocalCosmos(temp.dir);
    bare = clientWithoutRetries(cosmos.server);
  });
  afterAll(async () => {
    bare.dispose();
    await cosmos.stop();
    temp.remove();
  });
  afterEach(() => {
    cosmos.server.faults.clear();
    meter.reset();
  });

  const documentsOn = (container: Container, scope?: string) =>
    new CosmosDocuments<Item>({ container, schema: itemSchema, partitionKeyOf: (item) => [item.tenantId, item.applicationId], meter, ...(scope === undefined ? {} : { scope }) });
  const items = () => documentsOn(cosmos.container('callbackRuns'));
  const itemsWithoutRetries = () => documentsOn(bare.database('stageline').container('callbackRuns'));

  it('hands back documents without system fields, the _etag beside them, and the planned outcomes as values', async () => {
    const created = storedOf(await items().create({ id: 'i-1', tenantId: 't1', applicationId: 'app-1', n: 1 }));
    const raw = (await cosmos.container('callbackRuns').item('i-1', ['t1', 'app-1']).read()).resource!;
    expect(created).toEqual({ document: { id: 'i-1', tenantId: 't1', applicationId: 'app-1', n: 1 }, etag: raw['_etag'] });
    expect(await items().read('i-1', ['t1', 'app-1'])).toEqual(created);
    expect(await items().read('missing', ['t1', 'app-1'])).toBeUndefined();
    expect(await items().create({ id: 'i-1', tenantId: 't1', applicationId: 'app-1', n: 9 })).toBe('exists');

    const replaced = storedOf(await items().replace({ id: 'i-1', tenantId: 't1', applicationId: 'app-1', n: 2 }, created.etag));
    expect(replaced.document).toEqual({ id: 'i-1', tenantId: 't1', applicationId: 'app-1', n: 2 });
    expect(await items().replace({ id: 'i-1', tenantId: 't1', applicationId: 'app-1', n: 3 }, created.etag)).toBe('conflict');
    expect(await items().replace({ id: 'gone', tenantId: 't1', applicationId: 'app-1', n: 3 }, created.etag)).toBeUndefined();
    expect(await items().delete('i-1', ['t1', 'app-1'], created.etag)).toBe('conflict');
    expect(await items().delete('i-1', ['t1', 'app-1'], replaced.etag)).toBe('deleted');
    expect(await items().delete('i-1', ['t1', 'app-1'])).toBeUndefined();
    expect((await items().upsert({ id: 'i-2', tenantId: 't1', applicationId: 'app-1', n: 4 })).document).toEqual({ id: 'i-2', tenantId: 't1', applicationId: 'app-1', n: 4 });
    expect((await items().queryAll({ query: 'SELECT * FROM c' }, { partitionKey: ['t1', 'app-1'] })).map((stored) => stored.document.id)).toEqual(['i-2']);
  });

  it('turns throttling, timeouts, retry-with and outages into DEPENDENCY.UNAVAILABLE with the service retry-after in whole seconds', async () => {
    const expectations = [
      { fault: { status: 429, retryAfterMs: 2500 }, after: 3 },
      { fault: { status: 429, retryAfterMs: 1 }, after: 1 },
      { fault: { status: 503, retryAfterMs: 1200 }, after: 2 },
      { fault: { status: 503 }, after: 1 },
      { fault: { status: 408 }, after: 1 },
      { fault: { status: 449 }, after: 1 },
    ] as const;
    for (const { fault, after } of expectations) {
      cosmos.server.faults.inject({ ...fault, container: 'callbackRuns', times: 1 });
      const error = await rejectionOf(itemsWithoutRetries().read('i-2', ['t1', 'app-1']));
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ code: 'DEPENDENCY.UNAVAILABLE', retry: { after }, cause: { code: fault.status } });
    }
  });

  it('treats a connection dropped by the service as unavailable too', async () => {
    cosmos.server.faults.dropConnections({ container: 'callbackRuns', operation: 'create', times: 1 });
    expect(await rejectionOf(items().create({ id: 'i-3', tenantId: 't1', applicationId: 'app-1', n: 3 }))).toMatchObject({ code: 'DEPENDENCY.UNAVAILABLE', retry: { after: 1 } });
    expect(await items().read('i-3', ['t1', 'app-1'])).toBeUndefined();
  });

  it('counts every request of a failed operation, retries included, per container:operation and scope', async () => {
    await items().read('i-2', ['t1', 'app-1']);
    meter.reset();
    cosmos.server.faults.inject({ status: 429, container: 'callbackRuns', operation: 'read', retryAfterMs: 1 });
    await rejectionOf(items().read('i-2', ['t1', 'app-1']));
    await rejectionOf(documentsOn(cosmos.container('callbackRuns'), 'events').read('i-2', ['t1', 'app-1']));
    expect(meter.snapshot()).toEqual({ 'callbackRuns:read': 10, 'events/callbackRuns:read': 10, total: 10 });
  });

  it('refuses a stored document that does not match the schema, naming the container and id', async () => {
    await cosmos.container('callbackRuns').items.create({ id: 'bad-1', tenantId: 't1', applicationId: 'app-9', n: 'one' });
    const error = await rejectionOf(items().read('bad-1', ['t1', 'app-9']));
    expect(error).toBeInstanceOf(UnreadableDocumentError);
    expect(error).toMatchObject({ container: 'callbackRuns', id: 'bad-1', message: expect.stringContaining('Document bad-1 in callbackRuns is unreadable: n:') });
    expect(await rejectionOf(items().queryAll({ query: 'SELECT * FROM c' }, { partitionKey: ['t1', 'app-9'] }))).toBeInstanceOf(UnreadableDocumentError);
  });

  it('reports any other failure as a CosmosRequestError naming the container and operation, never as a domain error', async () => {
    const error = await rejectionOf(items().queryAll({ query: 'SELEKT nonsense' }, { partitionKey: ['t1', 'app-1'] }));
    expect(error).toBeInstanceOf(CosmosRequestError);
    expect(error).not.toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ container: 'callbackRuns', operation: 'query', status: 400 });
  });
});
