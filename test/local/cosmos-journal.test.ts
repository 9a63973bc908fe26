import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCosmosServer } from '../../local/cosmos/cosmos-server.ts';
import { containers } from '../../shared/platform/cosmos-containers.ts';
import { allDocuments, DATABASE, startLocalCosmos, tempDirectory, type LocalCosmos, type TempDirectory } from './cosmos-support/cosmos-fixtures.ts';

type Row = Record<string, unknown>;

function journalRecords(dataDir: string): Row[] {
  return readFileSync(join(dataDir, 'cosmos', 'journal.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Row);
}

async function writeMixedHistory(cosmos: LocalCosmos): Promise<void> {
  const applications = cosmos.container('applications');
  for (let i = 0; i < 12; i += 1) await applications.items.create({ id: `a${i}`, tenantId: 't1', applicationId: `app-${i % 3}`, version: 1 });
  for (let i = 0; i < 12; i += 2) await applications.item(`a${i}`, ['t1', `app-${i % 3}`]).replace({ id: `a${i}`, tenantId: 't1', applicationId: `app-${i % 3}`, version: 2 });
  for (const i of [3, 4, 9]) await applications.item(`a${i}`, ['t1', `app-${i % 3}`]).delete();
  await applications.items.upsert({ id: 'a4', tenantId: 't1', applicationId: 'app-1', version: 7 });
  await applications.item('a1', ['t1', 'app-1']).patch([{ op: 'set', path: '/version', value: 5 }]);
  await cosmos.container('slots').items.create({ id: 's1', tenantId: 't1', recruiterId: 'r1' });
}

function expectedApplications(): Map<string, number> {
  const expected = new Map<string, number>();
  for (let i = 0; i < 12; i += 1) expected.set(`a${i}`, i % 2 === 0 ? 2 : 1);
  for (const i of [3, 4, 9]) expected.delete(`a${i}`);
  expected.set('a4', 7);
  expected.set('a1', 5);
  return expected;
}

describe('local Cosmos DB journal', () => {
  let temp: TempDirectory;
  let cosmos: LocalCosmos | undefined;
  beforeEach(() => void (temp = tempDirectory()));
  afterEach(async () => {
    await cosmos?.stop();
    cosmos = undefined;
    temp.remove();
  });

  it('restores every document at its last state after stop/start, deletes included, with the same _etag and _ts', async () => {
    cosmos = await startLocalCosmos(temp.dir);
    await writeMixedHistory(cosmos);
    const before = await allDocuments(cosmos.container('applications'));
    await cosmos.stop();

    cosmos = await startLocalCosmos(temp.dir);
    const after = await allDocuments(cosmos.container('applications'));
    expect(new Map([...after].map(([id, doc]) => [id, doc['version']]))).toEqual(expectedApplications());
    for (const [id, doc] of before) {
      expect(after.get(id)).toMatchObject({ _etag: doc['_etag'], _ts: doc['_ts'], _rid: doc['_rid'] });
    }
    expect((await cosmos.container('slots').item('s1', ['t1', 'r1']).read()).statusCode).toBe(200);

    // A client holding an ETag from before the restart can still write conditionally.
    const a0 = before.get('a0')!;
    const replaced = await cosmos.container('applications').item('a0', ['t1', 'app-0']).replace({ id: 'a0', tenantId: 't1', applicationId: 'app-0', version: 3 }, { accessCondition: { type: 'IfMatch', condition: String(a0['_etag']) } });
    expect(replaced.statusCode).toBe(200);
  });

  it('replays concurrent writes in the order they were applied', async () => {
    cosmos = await startLocalCosmos(temp.dir);
    const applications = cosmos.container('applications');
    await Promise.all(Array.from({ length: 120 }, (_, n) => applications.items.upsert({ id: `c${n % 6}`, tenantId: 't1', applicationId: 'app-c', n })));
    const before = await allDocuments(applications);
    await cosmos.stop();

    cosmos = await startLocalCosmos(temp.dir);
    const after = await allDocuments(cosmos.container('applications'));
    expect(after.size).toBe(6);
    for (const [id, doc] of before) expect(after.get(id)).toMatchObject({ n: doc['n'], _etag: doc['_etag'] });
  });

  it('starts empty with reset, containers recreated', async () => {
    cosmos = await startLocalCosmos(temp.dir);
    await writeMixedHistory(cosmos);
    await cosmos.stop();
    cosmos = await startLocalCosmos(temp.dir, { reset: true });
    expect((await allDocuments(cosmos.container('applications'))).size).toBe(0);
    expect((await cosmos.database.containers.readAll().fetchAll()).resources).toHaveLength(containers.length);
  });

  it('drops a torn last line and keeps everything before it', async () => {
    cosmos = await startLocalCosmos(temp.dir);
    await writeMixedHistory(cosmos);
    await cosmos.stop();
    const journalPath = join(temp.dir, 'cosmos', 'journal.jsonl');
    appendFileSync(journalPath, '{"t":"req","m":"POST","p":"/dbs/stageline/colls/applications/docs","h":{},"b":{"id":"torn","tenantId":"t1","applicat');

    cosmos = await startLocalCosmos(temp.dir);
    const after = await allDocuments(cosmos.container('applications'));
    expect(new Map([...after].map(([id, doc]) => [id, doc['version']]))).toEqual(expectedApplications());
    expect(cosmos.logs.some((line) => line.includes('incomplete last line'))).toBe(true);
    expect(readFileSync(journalPath, 'utf8')).not.toContain('"torn"');
  });

  it('refuses to start on a damaged line in the middle, rather than losing what follows', async () => {
    cosmos = await startLocalCosmos(temp.dir);
    await writeMixedHistory(cosmos);
    await cosmos.stop();
    cosmos = undefined;
    const journalPath = join(temp.dir, 'cosmos', 'journal.jsonl');
    const lines = readFileSync(journalPath, 'utf8').split('\n');
    lines[2] = lines[2]!.slice(0, 10);
    writeFileSync(journalPath, lines.join('\n'));
    await expect(startCosmosServer({ dataDir: temp.dir, containers, databaseName: DATABASE, log: () => undefined })).rejects.toThrow(/line 3/);
  });

  it('compacts at start into a snapshot holding exactly the live state', async () => {
    cosmos = await startLocalCosmos(temp.dir);
    await writeMixedHistory(cosmos);
    const requestsBefore = journalRecords(temp.dir).filter((r) => r['t'] === 'req');
    expect(requestsBefore.length).toBeGreaterThan(30);
    await cosmos.stop();

    cosmos = await startLocalCosmos(temp.dir);
    const records = journalRecords(temp.dir);
    expect(records[0]).toMatchObject({ t: 'snapshot', v: 1 });
    expect(records.filter((r) => r['t'] === 'req')).toEqual([]);
    const documents = records.filter((r) => r['t'] === 'doc' && r['coll'] === 'applications').map((r) => r['data'] as Row);
    expect(new Map(documents.map((doc) => [doc['id'], doc['version']]))).toEqual(expectedApplications());
    expect(records.filter((r) => r['t'] === 'coll').map((r) => (r['data'] as Row)['id'])).toEqual(containers.map((c) => c.id));
    expect(records.filter((r) => r['t'] === 'doc' && r['coll'] === 'slots')).toHaveLength(1);
  });

  it('compacts when the journal passes its size threshold, and restores from that', async () => {
    cosmos = await startLocalCosmos(temp.dir, { compactAboveBytes: 4_000 });
    const applications = cosmos.container('applications');
    for (let i = 0; i < 40; i += 1) await applications.items.upsert({ id: `a${i % 10}`, tenantId: 't1', applicationId: 'app', version: i });
    const records = journalRecords(temp.dir);
    expect(records[0]).toMatchObject({ t: 'snapshot' });
    expect(records.filter((r) => r['t'] === 'req').length).toBeLessThan(40);
    await cosmos.stop();

    cosmos = await startLocalCosmos(temp.dir);
    const after = await allDocuments(cosmos.container('applications'));
    expect(new Map([...after].map(([id, doc]) => [id, doc['version']]))).toEqual(new Map(Array.from({ length: 10 }, (_, i) => [`a${i}`, 30 + i])));
  });

  it('journals a write before answering it: the journal holds the request without If-Match', async () => {
    cosmos = await startLocalCosmos(temp.dir);
    const slots = cosmos.container('slots');
    const { resource } = await slots.items.create({ id: 's9', tenantId: 't1', recruiterId: 'r9', held: false });
    await slots.item('s9', ['t1', 'r9']).replace({ id: 's9', tenantId: 't1', recruiterId: 'r9', held: true }, { accessCondition: { type: 'IfMatch', condition: resource!._etag } });
    const replace = journalRecords(temp.dir).find((r) => r['t'] === 'req' && r['m'] === 'PUT');
    expect(replace).toMatchObject({ p: expect.stringContaining('/docs/s9'), h: { 'x-ms-documentdb-partitionkey': '["t1","r9"]' }, b: { id: 's9', held: true } });
    expect(Object.keys(replace!['h'] as Row)).not.toContain('if-match');
  });
});
