import type { CosmosClient, ErrorResponse } from '@azure/cosmos';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allDocuments, clientWithoutRetries, localCosmosForEachTest } from './cosmos-support/cosmos-fixtures.ts';

/** The error an SDK call failed with (fails the test when it succeeds). */
async function failureOf(call: Promise<unknown>): Promise<ErrorResponse> {
  try {
    await call;
  } catch (error) {
    return error as ErrorResponse;
  }
  throw new Error('expected the call to fail');
}

describe('local Cosmos DB fault injection', () => {
  const cosmos = localCosmosForEachTest();
  let bare: CosmosClient;
  beforeEach(() => {
    bare = clientWithoutRetries(cosmos.server);
  });
  afterEach(() => bare.dispose());

  const sla = () => bare.database('stageline').container('stageSla');

  it('answers a throttled request as Azure does: 429, sub-status 3200, x-ms-retry-after-ms and a TooManyRequests body', async () => {
    const fault = cosmos.server.faults.inject({ status: 429, container: 'stageSla', operation: 'create', retryAfterMs: 2500 });
    const error = await failureOf(sla().items.create({ id: 's-1', tenantId: 't1', applicationId: 'app-1' }));
    expect(error).toMatchObject({ code: 429, substatus: 3200, retryAfterInMs: 2500 });
    expect(error.headers).toMatchObject({ 'x-ms-retry-after-ms': '2500', 'x-ms-substatus': '3200', 'x-ms-activity-id': expect.any(String) });
    expect(error.body).toMatchObject({ code: 'TooManyRequests', message: expect.stringContaining('Request rate is large') });
    expect(fault.hits).toBe(1);
    expect(await allDocuments(cosmos.container('stageSla'))).toEqual(new Map());
  });

  it('answers 503, 408 and 449 with their Azure codes, sub-status 0 and no retry-after unless asked for', async () => {
    const expected = { 503: 'ServiceUnavailable', 408: 'RequestTimeout', 449: 'RetryWith' } as const;
    for (const status of [503, 408, 449] as const) {
      cosmos.server.faults.inject({ status, container: 'stageSla', times: 1 });
      const error = await failureOf(sla().items.create({ id: `s-${status}`, tenantId: 't1', applicationId: 'app-1' }));
      expect(error).toMatchObject({ code: status, substatus: 0, body: { code: expected[status] } });
      expect(error.headers?.['x-ms-retry-after-ms']).toBeUndefined();
    }
    cosmos.server.faults.inject({ status: 503, container: 'stageSla', retryAfterMs: 1200, times: 1 });
    expect(await failureOf(sla().item('s-1', ['t1', 'app-1']).read())).toMatchObject({ code: 503, retryAfterInMs: 1200 });
    expect(await allDocuments(cosmos.container('stageSla'))).toEqual(new Map());
  });

  it('hits only the container and operation asked for, `times` requests, until removed or cleared', async () => {
    await sla().items.create({ id: 's-1', tenantId: 't1', applicationId: 'app-1' });
    const reads = cosmos.server.faults.inject({ status: 503, container: 'stageSla', operation: 'read' });
    expect((await sla().items.upsert({ id: 's-1', tenantId: 't1', applicationId: 'app-1', n: 1 })).statusCode).toBe(200);
    expect((await bare.database('stageline').container('callbackRuns').item('x', ['t1', 'app-1']).read()).statusCode).toBe(404);
    expect((await sla().items.query('SELECT * FROM c').fetchAll()).resources).toHaveLength(1);
    expect(await failureOf(sla().item('s-1', ['t1', 'app-1']).read())).toMatchObject({ code: 503 });
    expect(await failureOf(sla().item('s-1', ['t1', 'app-1']).read())).toMatchObject({ code: 503 });
    expect(reads.hits).toBe(2);
    reads.remove();
    expect((await sla().item('s-1', ['t1', 'app-1']).read()).resource).toMatchObject({ n: 1 });

    // A query is two requests: the SDK's query plan, then the query itself (a failed plan alone is not fatal to it).
    const queries = cosmos.server.faults.inject({ status: 429, container: 'stageSla', operation: 'query', times: 2 });
    expect(await failureOf(sla().items.query('SELECT * FROM c', { partitionKey: ['t1', 'app-1'] }).fetchAll())).toMatchObject({ code: 429 });
    expect(queries.hits).toBe(2);
    expect((await sla().items.query('SELECT * FROM c', { partitionKey: ['t1', 'app-1'] }).fetchAll()).resources).toHaveLength(1);

    cosmos.server.faults.inject({ status: 503 });
    expect(await failureOf(sla().item('s-1', ['t1', 'app-1']).delete())).toMatchObject({ code: 503 });
    cosmos.server.faults.clear();
    expect((await sla().item('s-1', ['t1', 'app-1']).delete()).statusCode).toBe(204);
  });

  it('lets the app client retry throttling itself: 9 retries honouring retry-after, then the 429; fewer injected, the write succeeds once', async () => {
    const container = cosmos.container('stageSla');
    const exhausted = cosmos.server.faults.inject({ status: 429, container: 'stageSla', operation: 'create', retryAfterMs: 5 });
    const started = Date.now();
    expect(await failureOf(container.items.create({ id: 's-1', tenantId: 't1', applicationId: 'app-1' }))).toMatchObject({ code: 429, retryAfterInMs: 5 });
    expect(exhausted.hits).toBe(10);
    expect(Date.now() - started).toBeGreaterThanOrEqual(9 * 5);
    cosmos.server.faults.clear();

    const brief = cosmos.server.faults.inject({ status: 429, container: 'stageSla', operation: 'create', retryAfterMs: 5, times: 3 });
    expect((await container.items.create({ id: 's-2', tenantId: 't1', applicationId: 'app-1' })).statusCode).toBe(201);
    expect(brief.hits).toBe(3);
    expect([...(await allDocuments(container)).keys()]).toEqual(['s-2']);
  });

  it('drops the connection without an answer: the client sees ECONNRESET and nothing is written', async () => {
    const dropped = cosmos.server.faults.dropConnections({ container: 'stageSla', operation: 'create', times: 1 });
    expect(await failureOf(sla().items.create({ id: 's-1', tenantId: 't1', applicationId: 'app-1' }))).toMatchObject({ code: 'ECONNRESET' });
    expect(dropped.hits).toBe(1);
    expect(await allDocuments(cosmos.container('stageSla'))).toEqual(new Map());
    expect((await sla().items.create({ id: 's-1', tenantId: 't1', applicationId: 'app-1' })).statusCode).toBe(201);
  });

  it('refuses a non-positive `times`', () => {
    expect(() => cosmos.server.faults.inject({ status: 429, times: 0 })).toThrow('times must be a positive integer');
  });
});
