import { afterEach, describe, expect, it } from 'vitest';
import { isBrokerError } from '../../local/broker/broker-errors.ts';
import type { LocalBroker } from '../../local/broker/local-broker.ts';
import { MINUTE, manualClock, message, openTestBroker } from './broker-support/broker-fixtures.ts';

describe('LocalBroker scheduling', () => {
  let broker: LocalBroker;
  afterEach(async () => broker?.close());

  it('hides a scheduled message until its time, then delivers it with its schedule', async () => {
    const clock = manualClock();
    broker = await openTestBroker({ now: clock.now });
    const at = new Date(clock.now() + 5 * MINUTE);
    const [seq] = await broker.send('jobs', [message('later', 'hello', { scheduledEnqueueTimeUtc: at })]);

    expect(await broker.receive('jobs')).toEqual([]);
    expect(broker.counts('jobs')).toEqual({ active: 0, scheduled: 1, locked: 0, deadLetter: 0 });
    expect((await broker.peek('jobs'))[0]).toMatchObject({ messageId: 'later', state: 'scheduled', sequenceNumber: seq });

    clock.advance(5 * MINUTE - 1);
    expect(await broker.receive('jobs')).toEqual([]);
    clock.advance(1);
    const [received] = await broker.receive('jobs');
    expect(received).toMatchObject({
      messageId: 'later', body: 'hello', sequenceNumber: seq, state: 'active', deliveryCount: 1,
      scheduledEnqueueTimeUtc: at, enqueuedTimeUtc: at,
    });
    expect(broker.counts('jobs')).toEqual({ active: 0, scheduled: 0, locked: 1, deadLetter: 0 });
  });

  it('delivers a message scheduled in the past at once', async () => {
    const clock = manualClock();
    broker = await openTestBroker({ now: clock.now });
    await broker.send('jobs', [message('past', 1, { scheduledEnqueueTimeUtc: new Date(clock.now() - 1000) })]);
    expect((await broker.receive('jobs')).map((m) => m.messageId)).toEqual(['past']);
  });

  it('scheduleMessages returns sequence numbers that cancelScheduledMessages cancels', async () => {
    const clock = manualClock();
    broker = await openTestBroker({ now: clock.now });
    const seqs = await broker.scheduleMessages('jobs', [message('s-1'), message('s-2')], new Date(clock.now() + MINUTE));
    expect(seqs).toEqual([1, 2]);

    await broker.cancelScheduledMessages('jobs', [seqs[0]!]);
    expect(broker.counts('jobs')).toMatchObject({ scheduled: 1 });
    clock.advance(MINUTE);
    expect((await broker.receive('jobs', { maxMessages: 10 })).map((m) => m.messageId)).toEqual(['s-2']);
    await expect(broker.cancelScheduledMessages('jobs', [seqs[1]!])).rejects.toSatisfy((error) => isBrokerError(error, 'MessageNotFound'));
    await expect(broker.cancelScheduledMessages('jobs', [99])).rejects.toSatisfy((error) => isBrokerError(error, 'MessageNotFound'));
  });

  it('cancels every subscription copy of a message scheduled on a topic', async () => {
    const clock = manualClock();
    broker = await openTestBroker({ now: clock.now });
    const [seq] = await broker.scheduleMessages('events', [message('e-1', {}, { applicationProperties: { kind: 'hired' } })], new Date(clock.now() + MINUTE));
    expect(broker.counts('events/Subscriptions/all').scheduled).toBe(1);
    expect(broker.counts('events/Subscriptions/hired').scheduled).toBe(1);

    await broker.cancelScheduledMessages('events', [seq!]);
    clock.advance(MINUTE);
    for (const path of ['events/Subscriptions/all', 'events/Subscriptions/hired']) {
      expect(broker.counts(path)).toEqual({ active: 0, scheduled: 0, locked: 0, deadLetter: 0 });
    }
  });
  it.each([10, 11, 12, 13])('a waiting receive still wakes when the clock passes the scheduled time between its checks (+%i)', async (offset) => {
    let time = Date.UTC(2025, 0, 6);
    broker = await openTestBroker({ now: () => (time += 1) }); // every reading of the clock moves it on
    await broker.send('jobs', [message('tick', 1, { scheduledEnqueueTimeUtc: new Date(time + offset) })]);
    // Unbounded wait: only the scheduled-time wake-up can end it before the abort.
    const received = await broker.receive('jobs', { maxWaitTimeMs: Infinity, abortSignal: AbortSignal.timeout(3_000) });
    expect(received.map((m) => m.messageId)).toEqual(['tick']);
    expect(broker.counts('jobs')).toMatchObject({ locked: 1, scheduled: 0 });
  });

  it('a waiting receive wakes at the scheduled time without a send', async () => {
    broker = await openTestBroker();
    await broker.send('jobs', [message('soon', 1, { scheduledEnqueueTimeUtc: new Date(Date.now() + 50) })]);
    const received = await broker.receive('jobs', { maxWaitTimeMs: 5_000 });
    expect(received.map((m) => m.messageId)).toEqual(['soon']);
    expect(received[0]!.enqueuedTimeUtc.getTime()).toBeLessThanOrEqual(Date.now());
  });
});

describe('LocalBroker duplicate detection', () => {
  let broker: LocalBroker;
  afterEach(async () => broker?.close());

  it('accepts and drops a messageId seen within the window, and accepts it after the window', async () => {
    const clock = manualClock();
    broker = await openTestBroker({ now: clock.now });
    const [original] = await broker.send('jobs', [message('dup', 'first')]);
    clock.advance(10 * MINUTE - 1);
    expect(await broker.send('jobs', [message('dup', 'second')])).toEqual([original]);
    expect((await broker.peek('jobs', 10)).map((m) => m.body)).toEqual(['first']);

    clock.advance(1);
    const [again] = await broker.send('jobs', [message('dup', 'third')]);
    expect(again).toBe(original! + 1);
    expect((await broker.peek('jobs', 10)).map((m) => m.body)).toEqual(['first', 'third']);
  });

  it('drops duplicates inside one batch and after the original was completed', async () => {
    broker = await openTestBroker();
    expect(await broker.send('jobs', [message('a'), message('a'), message('b')])).toEqual([1, 1, 2]);
    const received = await broker.receive('jobs', { maxMessages: 10 });
    for (const m of received) await broker.complete(m.lockToken);
    expect(await broker.send('jobs', [message('a')])).toEqual([1]);
    expect(broker.counts('jobs')).toEqual({ active: 0, scheduled: 0, locked: 0, deadLetter: 0 });
  });

  it('counts scheduled messages for duplicate detection', async () => {
    const clock = manualClock();
    broker = await openTestBroker({ now: clock.now });
    await broker.scheduleMessages('jobs', [message('s', 'scheduled')], new Date(clock.now() + MINUTE));
    await broker.send('jobs', [message('s', 'immediate')]);
    expect(broker.counts('jobs')).toEqual({ active: 0, scheduled: 1, locked: 0, deadLetter: 0 });
  });

  it('keeps a window per entity: the same id on another entity is a new message', async () => {
    broker = await openTestBroker();
    await broker.send('jobs', [message('x')]);
    await broker.send('events', [message('x')]);
    expect(broker.counts('jobs').active).toBe(1);
    expect(broker.counts('events/Subscriptions/all').active).toBe(1);
  });
});
