import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allDocuments, DATABASE, startLocalCosmos, tempDirectory, waitFor, type LocalCosmos, type TempDirectory } from './cosmos-support/cosmos-fixtures.ts';

describe('local Cosmos DB container behaviour', () => {
  let temp: TempDirectory;
  let cosmos: LocalCosmos;
  beforeEach(async () => {
    temp = tempDirectory();
    cosmos = await startLocalCosmos(temp.dir, { ttlSweepIntervalMs: 50 });
  });
  afterEach(async () => {
    await cosmos.stop();
    temp.remove();
  });

  it('expires documents by time to live where the container enables it, durably and without a change-feed entry', async () => {
    const idempotency = cosmos.container('idempotency');
    await idempotency.items.create({ id: 'short', key: 'k1', ttl: 1 });
    await idempotency.items.create({ id: 'default', key: 'k2' });
    await idempotency.items.create({ id: 'forever', key: 'k3', ttl: -1 });
    // A container without defaultTtl ignores an item's ttl, as in Azure.
    await cosmos.container('applications').items.create({ id: 'kept', tenantId: 't1', applicationId: 'app-1', ttl: 1 });

    await waitFor(async () => (await idempotency.item('short', 'k1').read()).statusCode === 404, 'the short-lived document to expire');
    expect([...(await allDocuments(idempotency)).keys()].sort()).toEqual(['default', 'forever']);
    expect((await cosmos.container('applications').item('kept', ['t1', 'app-1']).read()).statusCode).toBe(200);
    expect(cosmos.server.changeFeed.read(DATABASE, 'idempotency').changes.map((c) => c.id)).toEqual(['default', 'forever']);

    await cosmos.stop();
    cosmos = await startLocalCosmos(temp.dir, { ttlSweepIntervalMs: 60_000 });
    expect([...(await allDocuments(cosmos.container('idempotency'))).keys()].sort()).toEqual(['default', 'forever']);
  });

  it('keeps a container’s documents when the container definition is replaced', async () => {
    const webhooks = cosmos.container('webhooks');
    await webhooks.items.create({ id: 'w1', tenantId: 't1' });
    const { resource: definition } = await webhooks.read();
    const replaced = await webhooks.replace({ ...definition!, defaultTtl: 3600 });
    expect(replaced.resource?.defaultTtl).toBe(3600);
    expect([...(await allDocuments(webhooks)).keys()]).toEqual(['w1']);

    await cosmos.stop();
    cosmos = await startLocalCosmos(temp.dir);
    expect((await cosmos.container('webhooks').read()).resource?.defaultTtl).toBe(3600);
    expect([...(await allDocuments(cosmos.container('webhooks'))).keys()]).toEqual(['w1']);
  });
});
