import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { get } from 'node:https';
import { describe, expect, it } from 'vitest';
import { startCosmosServer } from '../../local/cosmos/cosmos-server.ts';
import { containers } from '../../shared/platform/cosmos-containers.ts';
import { allDocuments, DATABASE, localCosmosForEachTest, tempDirectory } from './cosmos-support/cosmos-fixtures.ts';

describe('local Cosmos DB server', () => {
  const cosmos = localCosmosForEachTest();

  it('creates, reads, replaces and deletes documents through the real client', async () => {
    const applications = cosmos.container('applications');
    const created = await applications.items.create({ id: 'a1', applicationId: 'app-1', stage: 'applied' });
    expect(created.statusCode).toBe(201);
    expect(created.resource?._etag).toEqual(expect.any(String));

    const read = await applications.item('a1', 'app-1').read();
    expect(read.resource).toMatchObject({ id: 'a1', applicationId: 'app-1', stage: 'applied' });

    const replaced = await applications.item('a1', 'app-1').replace({ id: 'a1', applicationId: 'app-1', stage: 'screening' });
    expect(replaced.statusCode).toBe(200);
    expect(replaced.resource?._etag).not.toBe(created.resource?._etag);
    expect((await applications.item('a1', 'app-1').read()).resource).toMatchObject({ stage: 'screening' });

    const deleted = await applications.item('a1', 'app-1').delete();
    expect(deleted.statusCode).toBe(204);
    expect((await applications.item('a1', 'app-1').read()).statusCode).toBe(404);
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
    await refused(applications.items.create({ id: 'big-1', applicationId: 'app-big', blob: big }));
    await refused(applications.items.upsert({ id: 'big-1', applicationId: 'app-big', blob: big }));
    await applications.items.create({ id: 'big-2', applicationId: 'app-big', blob: 'small' });
    await refused(applications.item('big-2', 'app-big').replace({ id: 'big-2', applicationId: 'app-big', blob: big }));
    expect((await applications.item('big-1', 'app-big').read()).statusCode).toBe(404);
    expect((await applications.item('big-2', 'app-big').read()).resource).toMatchObject({ blob: 'small' });
    // Just under the limit is fine.
    await applications.items.create({ id: 'big-3', applicationId: 'app-big', blob: 'y'.repeat(2 * 1024 * 1024 - 200) });
  });

  it('answers queries with parameters, and a partition key narrows a query to that partition', async () => {
    const timeline = cosmos.container('timeline');
    for (const [id, applicationId, at] of [['t1', 'app-1', 3], ['t2', 'app-1', 1], ['t3', 'app-2', 2]] as const) {
      await timeline.items.create({ id, applicationId, at });
    }
    const { resources } = await timeline.items
      .query<{ id: string }>({ query: 'SELECT * FROM c WHERE c.applicationId = @app ORDER BY c.at', parameters: [{ name: '@app', value: 'app-1' }] })
      .fetchAll();
    expect(resources.map((doc) => doc.id)).toEqual(['t2', 't1']);

    const scoped = await timeline.items.query<{ id: string }>('SELECT * FROM c', { partitionKey: 'app-2' }).fetchAll();
    expect(scoped.resources.map((doc) => doc.id)).toEqual(['t3']);
    expect((await allDocuments(timeline)).size).toBe(3);
  });

  it('refuses a replace whose IfMatch is not the current _etag with 412 and keeps the document', async () => {
    const slots = cosmos.container('slots');
    const { resource } = await slots.items.create({ id: 's1', recruiterId: 'r1', held: false });
    await slots.item('s1', 'r1').replace({ id: 's1', recruiterId: 'r1', held: true });

    const stale = slots.item('s1', 'r1').replace({ id: 's1', recruiterId: 'r1', held: false }, { accessCondition: { type: 'IfMatch', condition: resource!._etag } });
    await expect(stale).rejects.toMatchObject({ code: 412 });
    expect((await slots.item('s1', 'r1').read()).resource).toMatchObject({ held: true });
  });

  it('creates every container of the definition with its partition key and default TTL', async () => {
    const { resources } = await cosmos.database.containers.readAll().fetchAll();
    const actual = resources.map((c) => ({ id: c.id, partitionKey: c.partitionKey?.paths?.[0], defaultTtl: c.defaultTtl })).sort((a, b) => a.id.localeCompare(b.id));
    const expected = containers.map((c) => ({ id: c.id, partitionKey: c.partitionKey, defaultTtl: 'defaultTtl' in c ? c.defaultTtl : undefined })).sort((a, b) => a.id.localeCompare(b.id));
    expect(actual).toEqual(expected);
  });

  it('runs a transactional batch atomically: one failing operation undoes the others', async () => {
    const calls = cosmos.container('scheduledCalls');
    await calls.items.create({ id: 'existing', applicationId: 'app-1' });
    const failed = await calls.items.batch(
      [
        { operationType: 'Create', resourceBody: { id: 'new-1', applicationId: 'app-1' } },
        { operationType: 'Create', resourceBody: { id: 'existing', applicationId: 'app-1' } },
      ],
      'app-1',
    );
    expect(failed.code).toBe(207);
    expect(failed.result?.map((r) => r.statusCode)).toEqual([424, 409]);
    expect([...(await allDocuments(calls)).keys()]).toEqual(['existing']);

    const succeeded = await calls.items.batch(
      [
        { operationType: 'Create', resourceBody: { id: 'new-1', applicationId: 'app-1' } },
        { operationType: 'Delete', id: 'existing' },
      ],
      'app-1',
    );
    expect(succeeded.result?.map((r) => r.statusCode)).toEqual([201, 204]);
    expect([...(await allDocuments(calls)).keys()]).toEqual(['new-1']);
  });

  it('keeps connections alive: 300 sequential read+replace pairs use a handful of TLS handshakes', async () => {
    let handshakes = 0;
    cosmos.server.httpsServer.on('secureConnection', () => (handshakes += 1));
    const applications = cosmos.container('applications');
    await applications.items.create({ id: 'hot', applicationId: 'app-hot', version: 0, padding: 'x'.repeat(1500) });
    for (let i = 0; i < 300; i += 1) {
      const { resource } = await applications.item('hot', 'app-hot').read<{ id: string; applicationId: string; version: number; padding: string; _etag: string }>();
      await applications.item('hot', 'app-hot').replace({ ...resource!, version: resource!.version + 1 }, { accessCondition: { type: 'IfMatch', condition: resource!._etag } });
    }
    expect((await applications.item('hot', 'app-hot').read()).resource).toMatchObject({ version: 300 });
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
