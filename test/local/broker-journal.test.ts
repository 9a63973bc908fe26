import { appendFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BrokerJournal } from '../../local/broker/broker-journal.ts';
import type { LocalBroker } from '../../local/broker/local-broker.ts';
import { MINUTE, manualClock, message, openTestBroker, tempDirectory } from './broker-support/broker-fixtures.ts';

const PATHS = ['jobs', 'jobs/$deadletterqueue', 'events/Subscriptions/all', 'events/Subscriptions/hired', 'events/Subscriptions/hired-eu'];

async function everything(broker: LocalBroker) {
  return Object.fromEntries(await Promise.all(PATHS.map(async (path) => [path, await broker.peek(path, 1000)] as const)));
}

describe('LocalBroker journal', () => {
  let temp: ReturnType<typeof tempDirectory>;
  let journalPath: string;
  let broker: LocalBroker | undefined;
  beforeEach(() => {
    temp = tempDirectory();
    journalPath = join(temp.dir, 'broker', 'journal.ndjson');
  });
  afterEach(async () => {
    await broker?.close();
    broker = undefined;
    temp.remove();
  });

  it('restores every message, settlement, schedule, sequence number and duplicate id on reopen', async () => {
    const clock = manualClock();
    broker = await openTestBroker({ journalPath, now: clock.now });
    await broker.send('jobs', ['done', 'dead', 'abandoned', 'locked', 'untouched'].map((id) => message(id, { id }, { applicationProperties: { id } })));
    await broker.send('jobs', [message('bytes', Buffer.from([0, 1, 2, 255]))]);
    await broker.scheduleMessages('jobs', [message('scheduled')], new Date(clock.now() + MINUTE));
    await broker.send('events', [message('e-1', 'event', { applicationProperties: { kind: 'hired', region: 'eu' } })]);
    const [done, dead, abandoned, locked] = await broker.receive('jobs', { maxMessages: 4 });
    await broker.complete(done!.lockToken);
    await broker.deadLetter(dead!.lockToken, { reason: 'Bad', description: 'no stage' });
    await broker.abandon(abandoned!.lockToken);
    expect(locked?.messageId).toBe('locked');
    const before = await everything(broker);
    await broker.close();

    broker = await openTestBroker({ journalPath, now: clock.now });
    expect(await everything(broker)).toEqual(before);
    expect(before.jobs!.map((m) => [m.messageId, m.deliveryCount])).toEqual([
      ['abandoned', 1], ['locked', 1], ['untouched', 0], ['bytes', 0], ['scheduled', 0],
    ]);
    expect(before.jobs![3]!.body).toEqual(Buffer.from([0, 1, 2, 255]));
    expect(before['jobs/$deadletterqueue']!.map((m) => [m.messageId, m.deadLetterReason, m.deadLetterErrorDescription])).toEqual([['dead', 'Bad', 'no stage']]);
    expect(broker.counts('jobs')).toEqual({ active: 4, scheduled: 1, locked: 0, deadLetter: 1 });

    expect(await broker.send('jobs', [message('untouched'), message('new')])).toEqual([5, 8]);
    expect(broker.counts('jobs').active).toBe(5);
    clock.advance(MINUTE);
    const received = await broker.receive('jobs', { maxMessages: 10 });
    expect(received.map((m) => [m.messageId, m.deliveryCount])).toEqual([
      ['abandoned', 2], ['locked', 2], ['untouched', 1], ['bytes', 1], ['scheduled', 1], ['new', 1],
    ]);
  });

  it('a message locked at every crash keeps its deliveryCount and is dead-lettered once it is used up', async () => {
    broker = await openTestBroker({ journalPath });
    await broker.send('jobs', [message('crashes-the-host')]);
    for (let run = 1; run <= 3; run++) {
      const [received] = await broker.receive('jobs');
      expect(received?.deliveryCount).toBe(run);
      await broker.close(); // the lock is not persisted: as if the process died mid-handler
      broker = await openTestBroker({ journalPath });
    }
    expect(broker.counts('jobs')).toEqual({ active: 0, scheduled: 0, locked: 0, deadLetter: 1 });
    expect((await broker.peek('jobs/$deadletterqueue'))[0]).toMatchObject({ messageId: 'crashes-the-host', deliveryCount: 3, deadLetterReason: 'MaxDeliveryCountExceeded' });
  });

  it('ignores a torn last line left by a crash mid-write, and removes it', async () => {
    broker = await openTestBroker({ journalPath });
    await broker.send('jobs', [message('a'), message('b')]);
    await broker.close();
    appendFileSync(journalPath, '{"op":"send","entity":"jobs","at":1,"items":[{"m":{"seq":3,"messageId":"c"');

    broker = await openTestBroker({ journalPath });
    expect((await broker.peek('jobs', 10)).map((m) => m.messageId)).toEqual(['a', 'b']);
    expect(BrokerJournal.read(journalPath).tornTail).toBe(false);
    expect(await broker.send('jobs', [message('c')])).toEqual([3]);
    await broker.close();

    broker = await openTestBroker({ journalPath });
    expect((await broker.peek('jobs', 10)).map((m) => m.messageId)).toEqual(['a', 'b', 'c']);
  });

  it('reports a torn tail when reading, and refuses a corrupt line in the middle', async () => {
    broker = await openTestBroker({ journalPath });
    await broker.send('jobs', [message('a')]);
    await broker.close();
    broker = undefined;
    const clean = readFileSync(journalPath, 'utf8');

    writeFileSync(journalPath, `${clean}{"op":"comp`);
    expect(BrokerJournal.read(journalPath)).toMatchObject({ tornTail: true });
    writeFileSync(journalPath, `not json\n${clean}`);
    await expect(openTestBroker({ journalPath })).rejects.toThrow(/corrupt at line 1/);
  });

  it('compaction on open keeps exactly the live state', async () => {
    const clock = manualClock();
    broker = await openTestBroker({ journalPath, now: clock.now });
    await broker.send('jobs', Array.from({ length: 30 }, (_, i) => message(`m-${i}`, { i, pad: 'x'.repeat(200) })));
    const received = await broker.receive('jobs', { maxMessages: 30 });
    for (const m of received.slice(0, 24)) await broker.complete(m.lockToken);
    for (const m of received.slice(24, 27)) await broker.deadLetter(m.lockToken, { reason: 'Bad' });
    for (const m of received.slice(27)) await broker.abandon(m.lockToken);
    const sizeBefore = statSync(journalPath).size;
    await broker.close();

    clock.advance(10 * MINUTE); // past the duplicate-detection window: the ids need not be kept
    broker = await openTestBroker({ journalPath, now: clock.now });
    const { records, tornTail } = BrokerJournal.read(journalPath);
    expect(tornTail).toBe(false);
    expect(records.filter((r) => r.op !== 'put')).toEqual([
      { op: 'sequence', entity: 'jobs', next: 31 },
      { op: 'sequence', entity: 'events', next: 1 },
    ]);
    const puts = records.flatMap((r) => (r.op === 'put' ? [[r.path, r.m.messageId, r.m.deliveryCount]] : []));
    expect(puts).toEqual([
      ['jobs', 'm-27', 1], ['jobs', 'm-28', 1], ['jobs', 'm-29', 1],
      ['jobs/$deadletterqueue', 'm-24', 1], ['jobs/$deadletterqueue', 'm-25', 1], ['jobs/$deadletterqueue', 'm-26', 1],
    ]);
    expect(statSync(journalPath).size).toBeLessThan(sizeBefore);
    expect(broker.journalSizeBytes).toBe(statSync(journalPath).size);
  });

  it('keeps duplicate ids that are still inside their window across compaction', async () => {
    const clock = manualClock();
    broker = await openTestBroker({ journalPath, now: clock.now });
    await broker.send('jobs', [message('once')]);
    const [received] = await broker.receive('jobs');
    await broker.complete(received!.lockToken);
    await broker.close();

    clock.advance(5 * MINUTE);
    broker = await openTestBroker({ journalPath, now: clock.now });
    expect(BrokerJournal.read(journalPath).records).toContainEqual({ op: 'dedupe', entity: 'jobs', id: 'once', at: clock.now() - 5 * MINUTE, seq: 1 });
    expect(await broker.send('jobs', [message('once')])).toEqual([1]);
    expect(broker.counts('jobs').active).toBe(0);
  });

  it('compacts while running once the journal passes the threshold', async () => {
    const clock = manualClock();
    broker = await openTestBroker({ journalPath, now: clock.now, compactThresholdBytes: 16_384 });
    let compactions = 0;
    let previousSize = broker.journalSizeBytes;
    for (let i = 0; i < 300; i++) {
      clock.advance(MINUTE);
      await broker.send('jobs', [message(`m-${i}`, { i, pad: 'y'.repeat(100) })]);
      if (i % 30 !== 0) {
        const [received] = await broker.receive('jobs');
        await broker.complete(received!.lockToken);
      }
      expect(broker.journalSizeBytes).toBeLessThanOrEqual(16_384);
      if (broker.journalSizeBytes < previousSize) compactions++;
      previousSize = broker.journalSizeBytes;
    }
    expect(compactions).toBeGreaterThan(3);
    expect(statSync(journalPath).size).toBe(broker.journalSizeBytes);
    const live = await broker.peek('jobs', 1000);
    expect(live.map((m) => m.messageId)).toEqual(Array.from({ length: 10 }, (_, k) => `m-${290 + k}`));
    await broker.close();

    broker = await openTestBroker({ journalPath, now: clock.now });
    expect(await broker.peek('jobs', 1000)).toEqual(live);
  });

  it('does not compact on every write when the live state alone is past the threshold', async () => {
    broker = await openTestBroker({ journalPath, compactThresholdBytes: 1024 });
    await broker.send('jobs', Array.from({ length: 20 }, (_, i) => message(`big-${i}`, 'z'.repeat(200))));
    const snapshotSize = broker.journalSizeBytes;
    await broker.send('jobs', [message('small')]);
    expect(broker.journalSizeBytes).toBeGreaterThan(snapshotSize);
    expect(broker.counts('jobs').active).toBe(21);
  });

  it('removes the temp file of a compaction a crash interrupted, keeping the journal', async () => {
    broker = await openTestBroker({ journalPath });
    await broker.send('jobs', [message('kept')]);
    await broker.close();
    const leftover = `${journalPath}.12345.compact.tmp`;
    writeFileSync(leftover, '{"op":"put","path":"jobs","m":{"seq":9,"messageId":"half-written"');

    broker = await openTestBroker({ journalPath });
    expect(existsSync(leftover)).toBe(false);
    expect((await broker.peek('jobs', 10)).map((m) => m.messageId)).toEqual(['kept']);
  });

  it('a memory-only broker writes nothing', async () => {
    broker = await openTestBroker();
    await broker.send('jobs', [message('a')]);
    expect(broker.journalSizeBytes).toBe(0);
    expect(existsSync(journalPath)).toBe(false);
  });
});
