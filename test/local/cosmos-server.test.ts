import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { get } from 'node:https';
import { describe, expect, it } from 'vitest';
import { startCosmosServer } from '../../local/cosmos/cosmos-server.ts';
import { containers, partitionKeyPaths } from '../../shared/platform/cosmos-containers.ts';
import { allDocuments, DATABASE, localCosmosForEachTest, tempDirectory } from './cosmos-support/cosmos-fixtures.ts';

describe('local Cosmos DB server', () => {
  const cosmos = localCosmosForEachTest();

  it('creates, reads, replaces and deletes documents through the real client', async () => {
    const applications = cosmos.container('applications');
    const created = await applications.items.create({ id: 'a1', tenantId: 't1', applicationId: 'app-1', stage: 'applied' });
    expect(created.statusCode).toBe(201);
    expect(created.resource?._etag).toEqual(expect.any(String));

    const read = await applications.item('a1', ['t1', 'app-1']).read();
    expect(read.resource).toMatchObject({ id: 'a1', tenantId: 't1', applicationId: 'app-1', stage: 'applied' });

    const replaced = await applications.item('a1', ['t1', 'app-1']).replace({ id: 'a1', tenantId: 't1', applicationId: 'app-1', stage: 'screening' });
    expect(replaced.statusCode).toBe(200);
    expect(replaced.resource?._etag).not.toBe(created.resource?._etag);
    expect((await applications.item('a1', ['t1', 'app-1']).read()).resource).toMatchObject({ stage: 'screening' });

    const deleted = await applications.item('a1', ['t1', 'app-1']).delete();
    expect(deleted.statusCode).toBe(204);
    expect((await applications.item('a1', ['t1', 'app-1']).read()).statusCode).toBe(404);
    expect((await allDocuments(applications)).size).toBe(0);
  });

  it('refuses an item over 2 MB with Azure\'s 413 RequestEntityTooLarge on create, replace and upsert, storing nothing', async () => {
    const applications = cosmos.container('applications');
    const big = 'x'.repeat(2 * 1024 * 1024);
    const refused = async (write: Promise<unknown>) => {
      const error = await write.then(() => undefined, (e: unknown) => e as { code?: unknown; body?: { code?: string; message?: string } });
      expect(error?.code).toBe(413);
      expect(error?.body?.code).toBe('RequestEntityTooLarge');
      expect(error?.body?.message).toContain('Request size is too large');
    };
    const key = ['t1', 'app-big'];
    await refused(applications.items.create({ id: 'big-1', tenantId: 't1', applicationId: 'app-big', blob: big }));
    await refused(applications.items.upsert({ id: 'big-1', tenantId: 't1', applicationId: 'app-big', blob: big }));
    await applications.items.create({ id: 'big-2', tenantId: 't1', applicationId: 'app-big', blob: 'small' });
    await refused(applications.item('big-2', key).replace({ id: 'big-2', tenantId: 't1', applicationId: 'app-big', blob: big }));
    expect((await applications.item('big-1', key).read()).statusCode).toBe(404);
    expect((await applications.item('big-2', key).read()).resource).toMatchObject({ blob: 'small' });
    // Just under the limit is fine.
    await applications.items.create({ id: 'big-3', tenantId: 't1', applicationId: 'app-big', blob: 'y'.repeat(2 * 1024 * 1024 - 200) });
  });

  it('answers queries with parameters, and a partition key narrows a query to that partition', async () => {
    const timeline = cosmos.container('timeline');
    const entries = [
      ['t1', 'acme', 'app-1', 3],
      ['t2', 'acme', 'app-1', 1],
      ['t3', 'acme', 'app-2', 2],
      // Another tenant holding the same application id: never part of acme's partitions.
      ['t4', 'globex', 'app-1', 0],
    ] as const;
    for (const [id, tenantId, applicationId, seq] of entries) {
      await timeline.items.create({ id, tenantId, applicationId, seq });
    }
    const { resources } = await timeline.items
      .query<{ id: string }>({
        query: 'SELECT * FROM c WHERE c.tenantId = @tenant AND c.applicationId = @app ORDER BY c.seq',
        parameters: [
          { name: '@tenant', value: 'acme' },
          { name: '@app', value: 'app-1' },
        ],
      })
      .fetchAll();
    expect(resources.map((doc) => doc.id)).toEqual(['t2', 't1']);

    const scoped = await timeline.items.query<{ id: string }>('SELECT * FROM c', { partitionKey: ['acme', 'app-2'] }).fetchAll();
    expect(scoped.resources.map((doc) => doc.id)).toEqual(['t3']);
    const sameApplication = await timeline.items.query<{ id: string }>('SELECT * FROM c ORDER BY c.seq', { partitionKey: ['acme', 'app-1'] }).fetchAll();
    expect(sameApplication.resources.map((doc) => doc.id)).toEqual(['t2', 't1']);

    // A prefix of the hierarchical key: every application of that tenant, nothing of another tenant.
    const tenant = await timeline.items.query<{ id: string; tenantId: string }>('SELECT * FROM c ORDER BY c.seq', { partitionKey: ['acme'] }).fetchAll();
    expect(tenant.resources.map((doc) => doc.id)).toEqual(['t2', 't3', 't1']);
    expect(tenant.resources.every((doc) => doc.tenantId === 'acme')).toBe(true);
    const other = await timeline.items.query<{ id: string }>('SELECT * FROM c', { partitionKey: ['globex'] }).fetchAll();
    expect(other.resources.map((doc) => doc.id)).toEqual(['t4']);
    expect((await allDocuments(timeline)).size).toBe(4);
  });

  it('refuses a replace whose IfMatch is not the current _etag with 412 and keeps the document', async () => {
    const slots = cosmos.container('slots');
    const { resource } = await slots.items.create({ id: 's1', tenantId: 't1', recruiterId: 'r1', held: false });
    await slots.item('s1', ['t1', 'r1']).replace({ id: 's1', tenantId: 't1', recruiterId: 'r1', held: true });

    const stale = slots.item('s1', ['t1', 'r1']).replace({ id: 's1', tenantId: 't1', recruiterId: 'r1', held: false }, { accessCondition: { type: 'IfMatch', condition: resource!._etag } });
    await expect(stale).rejects.toMatchObject({ code: 412 });
    expect((await slots.item('s1', ['t1', 'r1']).read()).resource).toMatchObject({ held: true });
  });

  it('creates every container of the definition with its partition key and default TTL', async () => {
    const { resources } = await cosmos.database.containers.readAll().fetchAll();
    const actual = resources
      .map((c) => ({ id: c.id, partitionKey: { paths: c.partitionKey?.paths, kind: c.partitionKey?.kind, version: c.partitionKey?.version }, defaultTtl: c.defaultTtl }))
      .sort((a, b) => a.id.localeCompare(b.id));
    const expected = containers
      .map((c) => {
        const paths = partitionKeyPaths(c);
        return { id: c.id, partitionKey: { paths: [...paths], kind: paths.length > 1 ? 'MultiHash' : 'Hash', version: 2 }, defaultTtl: 'defaultTtl' in c ? c.defaultTtl : undefined };
      })
      .sort((a, b) => a.id.localeCompare(b.id));
    expect(actual).toEqual(expected);
    expect(actual.find((c) => c.id === 'applications')?.partitionKey).toEqual({ paths: ['/tenantId', '/applicationId'], kind: 'MultiHash', version: 2 });
  });

  it('runs a transactional batch atomically: one failing operation undoes the others', async () => {
    const calls = cosmos.container('scheduledCalls');
    const key = ['t1', 'app-1'];
    await calls.items.create({ id: 'existing', tenantId: 't1', applicationId: 'app-1' });
    const failed = await calls.items.batch(
      [
        { operationType: 'Create', resourceBody: { id: 'new-1', tenantId: 't1', applicationId: 'app-1' } },
        { operationType: 'Create', resourceBody: { id: 'existing', tenantId: 't1', applicationId: 'app-1' } },
      ],
      key,
    );
    expect(failed.code).toBe(207);
    expect(failed.result?.map((r) => r.statusCode)).toEqual([424, 409]);
    expect([...(await allDocuments(calls)).keys()]).toEqual(['existing']);

    const succeeded = await calls.items.batch(
      [
        { operationType: 'Create', resourceBody: { id: 'new-1', tenantId: 't1', applicationId: 'app-1' } },
        { operationType: 'Delete', id: 'existing' },
      ],
      key,
    );
    expect(succeeded.result?.map((r) => r.statusCode)).toEqual([201, 204]);
    expect([...(await allDocuments(calls)).keys()]).toEqual(['new-1']);
  });

  it('keeps connections alive: 300 sequential read+replace pairs use a handful of TLS handshakes', async () => {
    let handshakes = 0;
    cosmos.server.httpsServer.on('secureConnection', () => (handshakes += 1));
    const applications = cosmos.container('applications');
    await applications.items.create({ id: 'hot', tenantId: 't1', applicationId: 'app-hot', version: 0, padding: 'x'.repeat(1500) });
    for (let i = 0; i < 300; i += 1) {
      const { resource } = await applications.item('hot', ['t1', 'app-hot']).read<{ id: string; tenantId: string; applicationId: string; version: number; padding: string; _etag: string }>();
      await applications.item('hot', ['t1', 'app-hot']).replace({ ...resource!, version: resource!.version + 1 }, { accessCondition: { type: 'IfMatch', condition: resource!._etag } });
    }
    expect((await applications.item('hot', ['t1', 'app-hot']).read()).resource).toMatchObject({ version: 300 });
    console.info(`TLS handshakes for 300 read+replace pairs: ${handshakes}`);
    expect(handshakes).toBeLessThanOrEqual(5);
  });

  it('serves its own certificate for 127.0.0.1 and localhost, trusted only by clients given it', async () => {
    const certificate = new X509Certificate(readFileSync(cosmos.server.caCertificatePath));
    expect(certificate.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(certificate.checkHost('localhost')).toBe('localhost');
    expect(Date.parse(certificate.validTo)).toBeGreaterThan(Date.now());
    expect(cosmos.server.caCertificatePem).toBe(readFileSync(cosmos.server.caCertificatePath, 'utf8'));

    const withoutCa = await new Promise<string>((resolve) => {
      get(cosmos.server.endpoint, (res) => resolve(`status ${res.statusCode}`)).on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    });
    expect(withoutCa).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY|CERT/);
    const withCa = await new Promise<number | undefined>((resolve, reject) => {
      get(cosmos.server.endpoint, { ca: cosmos.server.caCertificatePem }, (res) => {
        res.resume();
        resolve(res.statusCode);
      }).on('error', reject);
    });
    expect(withCa).toBe(200);
  });

  it('names the port when it is taken, and refuses a second server on the same data folder', async () => {
    const port = Number(new URL(cosmos.server.endpoint).port);
    const other = tempDirectory();
    try {
      await expect(startCosmosServer({ dataDir: other.dir, port, containers, databaseName: DATABASE, log: () => undefined })).rejects.toThrow(`port ${port}`);
      await expect(startCosmosServer({ dataDir: cosmos.dataDir, containers, databaseName: DATABASE, log: () => undefined })).rejects.toThrow(/in use by process/);
    } finally {
      other.remove();
    }
    expect((await cosmos.database.read()).statusCode).toBe(200);
  });

  it('reuses its certificate across restarts', async () => {
    const before = cosmos.server.caCertificatePem;
    await cosmos.restart();
    expect(cosmos.server.caCertificatePem).toBe(before);
    expect(new URL(cosmos.server.endpoint).port).not.toBe('');
  });
});
