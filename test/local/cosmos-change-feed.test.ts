import { ChangeFeedStartFrom } from '@azure/cosmos';
import { describe, expect, it } from 'vitest';
import { DATABASE, localCosmosForEachTest } from './cosmos-support/cosmos-fixtures.ts';

describe('local Cosmos DB change feed', () => {
  const cosmos = localCosmosForEachTest();

  const read = (options: { afterLsn?: number; maxItems?: number } = {}) => cosmos.server.changeFeed.read(DATABASE, 'applications', options);

  it('lists the latest version of each live document in LSN order, without deletes', async () => {
    const applications = cosmos.container('applications');
    await applications.items.create({ id: 'a', tenantId: 't1', applicationId: 'app-1' });
    await applications.items.create({ id: 'b', tenantId: 't1', applicationId: 'app-2' });
    await applications.items.create({ id: 'c', tenantId: 't1', applicationId: 'app-1' });
    await cosmos.container('slots').items.create({ id: 'elsewhere', tenantId: 't1', recruiterId: 'r' });
    await applications.item('a', ['t1', 'app-1']).replace({ id: 'a', tenantId: 't1', applicationId: 'app-1', stage: 'screening' });
    await applications.item('b', ['t1', 'app-2']).delete();

    const page = read();
    expect(page.changes.map((c) => [c.id, c.partitionKey])).toEqual([['c', ['t1', 'app-1']], ['a', ['t1', 'app-1']]]);
    const lsns = page.changes.map((c) => c.lsn);
    expect(lsns[0]).toBeLessThan(lsns[1]!);
    expect(page.lastLsn).toBe(cosmos.server.changeFeed.currentLsn());

    // Continuation: only what changed after it, page by page.
    expect(read({ afterLsn: lsns[0] }).changes.map((c) => c.id)).toEqual(['a']);
    const first = read({ maxItems: 1 });
    expect(first).toEqual({ changes: [page.changes[0]], lastLsn: lsns[0] });
    expect(read({ afterLsn: first.lastLsn, maxItems: 1 }).changes.map((c) => c.id)).toEqual(['a']);
    expect(read({ afterLsn: page.lastLsn }).changes).toEqual([]);
  });

  it('keeps LSNs across a restart: an old continuation still means the same point, new writes come after it', async () => {
    const applications = cosmos.container('applications');
    await applications.items.create({ id: 'a', tenantId: 't1', applicationId: 'app-1' });
    await applications.items.create({ id: 'b', tenantId: 't1', applicationId: 'app-1' });
    await applications.items.create({ id: 'highest', tenantId: 't1', applicationId: 'app-1' });
    await applications.item('highest', ['t1', 'app-1']).delete();
    const before = read();
    const continuation = cosmos.server.changeFeed.currentLsn();
    await cosmos.restart();
    expect(read()).toEqual(before);
    expect(read({ afterLsn: continuation }).changes).toEqual([]);
    await cosmos.container('applications').items.create({ id: 'c', tenantId: 't1', applicationId: 'app-1' });
    const after = read({ afterLsn: continuation });
    expect(after.changes.map((c) => c.id)).toEqual(['c']);
    expect(after.changes[0]!.lsn).toBeGreaterThan(continuation);
  });

  it('lets the SDK change-feed iterator resume from its continuation token, even after a restart', async () => {
    const applications = cosmos.container('applications');
    await applications.items.create({ id: 'a', tenantId: 't1', applicationId: 'app-1' });
    await applications.items.create({ id: 'b', tenantId: 't1', applicationId: 'app-2' });
    const iterator = applications.items.getChangeFeedIterator<{ id: string }>({ changeFeedStartFrom: ChangeFeedStartFrom.Beginning() });
    const first = await iterator.readNext();
    expect(first.result.map((d) => d.id)).toEqual(['a', 'b']);
    const token = first.continuationToken;
    expect((await iterator.readNext()).statusCode).toBe(304);
    await cosmos.restart();
    const container = cosmos.container('applications');
    await container.items.upsert({ id: 'a', tenantId: 't1', applicationId: 'app-1', stage: 'offer' });
    await container.items.create({ id: 'c', tenantId: 't1', applicationId: 'app-1' });
    const resumed = container.items.getChangeFeedIterator<{ id: string; stage?: string }>({ changeFeedStartFrom: ChangeFeedStartFrom.Continuation(token) });
    const next = await resumed.readNext();
    expect(next.result.map((d) => [d.id, d.stage])).toEqual([['a', 'offer'], ['c', undefined]]);
  });
});
