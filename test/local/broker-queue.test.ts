import { afterEach, describe, expect, it } from 'vitest';
import { isBrokerError } from '../../local/broker/broker-errors.ts';
import type { LocalBroker } from '../../local/broker/local-broker.ts';
import { manualClock, message, openTestBroker } from './broker-support/broker-fixtures.ts';

const DLQ = 'jobs/$deadletterqueue';

describe('LocalBroker queue: peek-lock delivery', () => {
  let broker: LocalBroker;
  afterEach(async () => broker?.close());

  it('delivers a sent message under a lock and removes it on complete', async () => {
    const clock = manualClock();
    broker = await openTestBroker({ now: clock.now });
    const seqs = await broker.send('jobs', [
      message('m-1', { candidate: 'ada' }, { subject: 'invite', correlationId: 'c-1', contentType: 'application/json', applicationProperties: { kind: 'invite' } }),
    ]);
    expect(seqs).toEqual([1]);

    const [received, ...rest] = await broker.receive('jobs', { maxMessages: 5 });
    expect(rest).toEqual([]);
    expect(received).toMatchObject({
      messageId: 'm-1', body: { candidate: 'ada' }, subject: 'invite', correlationId: 'c-1', contentType: 'application/json',
      applicationProperties: { kind: 'invite' }, sequenceNumber: 1, deliveryCount: 1, state: 'active',
      enqueuedTimeUtc: new Date(clock.now()), lockedUntilUtc: new Date(clock.now() + 30_000),
    });
    expect(received?.lockToken).toMatch(/^[0-9a-f-]{36}$/);
    expect(broker.counts('jobs')).toEqual({ active: 0, scheduled: 0, locked: 1, deadLetter: 0 });
    expect(await broker.receive('jobs')).toEqual([]);

    await broker.complete(received!.lockToken);
    expect(broker.counts('jobs')).toEqual({ active: 0, scheduled: 0, locked: 0, deadLetter: 0 });
    expect(await broker.peek('jobs', 10)).toEqual([]);
  });

  it('hands every receiver its own copy of the body', async () => {
    broker = await openTestBroker();
    await broker.send('jobs', [message('m-1', { list: [1] })]);
    const [first] = await broker.receive('jobs');
    (first!.body as { list: number[] }).list.push(2);
    await broker.abandon(first!.lockToken);
    const [second] = await broker.receive('jobs');
    expect(second!.body).toEqual({ list: [1] });
  });

  it('redelivers an abandoned message at once with deliveryCount + 1', async () => {
    broker = await openTestBroker();
    await broker.send('jobs', [message('m-1')]);
    const [first] = await broker.receive('jobs');
    await broker.abandon(first!.lockToken);
    expect(broker.counts('jobs')).toMatchObject({ active: 1, locked: 0 });

    const [second] = await broker.receive('jobs');
    expect(second).toMatchObject({ messageId: 'm-1', sequenceNumber: first!.sequenceNumber, deliveryCount: 2 });
    expect(second!.lockToken).not.toBe(first!.lockToken);
  });

  it('dead-letters with MaxDeliveryCountExceeded after maxDeliveryCount deliveries, readable from $deadletterqueue', async () => {
    broker = await openTestBroker();
    await broker.send('jobs', [message('m-1', 'payload')]);
    for (let delivery = 1; delivery <= 3; delivery++) {
      const [received] = await broker.receive('jobs');
      expect(received?.deliveryCount).toBe(delivery);
      await broker.abandon(received!.lockToken);
    }
    expect(await broker.receive('jobs')).toEqual([]);
    expect(broker.counts('jobs')).toEqual({ active: 0, scheduled: 0, locked: 0, deadLetter: 1 });

    const [dead] = await broker.peek(DLQ);
    expect(dead).toMatchObject({
      messageId: 'm-1', body: 'payload', deliveryCount: 3, deadLetterReason: 'MaxDeliveryCountExceeded',
      deadLetterErrorDescription: 'Message could not be consumed after 3 delivery attempts.',
    });
    expect(broker.counts(DLQ)).toEqual({ active: 1, scheduled: 0, locked: 0, deadLetter: 0 });
  });

  it('dead-letters explicitly with the given reason and description', async () => {
    broker = await openTestBroker();
    await broker.send('jobs', [message('m-1'), message('m-2')]);
    const [first] = await broker.receive('jobs');
    await broker.deadLetter(first!.lockToken, { reason: 'InvalidPayload', description: 'stage id missing' });

    expect(broker.counts('jobs')).toEqual({ active: 1, scheduled: 0, locked: 0, deadLetter: 1 });
    const dead = await broker.peek(DLQ, 10);
    expect(dead.map((m) => [m.messageId, m.deadLetterReason, m.deadLetterErrorDescription, m.deliveryCount])).toEqual([
      ['m-1', 'InvalidPayload', 'stage id missing', 1],
    ]);
  });

  it('lets a replay tool receive from the dead-letter queue and send the message back', async () => {
    broker = await openTestBroker();
    await broker.send('jobs', [message('m-1', { n: 1 }, { applicationProperties: { kind: 'x' } })]);
    const [first] = await broker.receive('jobs');
    await broker.deadLetter(first!.lockToken, { reason: 'Bug' });

    const [dead] = await broker.receive(DLQ);
    expect(dead).toMatchObject({ messageId: 'm-1', deadLetterReason: 'Bug', deliveryCount: 2 });
    await expect(broker.deadLetter(dead!.lockToken)).rejects.toSatisfy((error) => isBrokerError(error, 'InvalidOperation'));
    await broker.send('jobs', [{ messageId: 'm-1-replay', body: dead!.body, applicationProperties: dead!.applicationProperties }]);
    await broker.complete(dead!.lockToken);

    expect(broker.counts('jobs')).toEqual({ active: 1, scheduled: 0, locked: 0, deadLetter: 0 });
    const [replayed] = await broker.receive('jobs');
    expect(replayed).toMatchObject({ messageId: 'm-1-replay', body: { n: 1 }, applicationProperties: { kind: 'x' }, deliveryCount: 1 });
    expect(replayed!.deadLetterReason).toBeUndefined();
  });

  it('makes a message available again when its lock expires, and the stale lock is lost', async () => {
    const clock = manualClock();
    broker = await openTestBroker({ now: clock.now });
    await broker.send('jobs', [message('m-1')]);
    const [first] = await broker.receive('jobs');

    clock.advance(29_999);
    expect(await broker.receive('jobs')).toEqual([]);
    clock.advance(1);
    expect(broker.counts('jobs')).toMatchObject({ active: 1, locked: 0 });
    const [second] = await broker.receive('jobs');
    expect(second).toMatchObject({ messageId: 'm-1', deliveryCount: 2 });

    await expect(broker.complete(first!.lockToken)).rejects.toSatisfy((error) => isBrokerError(error, 'MessageLockLost'));
    await broker.complete(second!.lockToken);
    expect(broker.counts('jobs')).toMatchObject({ active: 0, locked: 0 });
  });

  it('dead-letters on lock expiry once the deliveries are used up', async () => {
    const clock = manualClock();
    broker = await openTestBroker({ now: clock.now });
    await broker.send('jobs', [message('m-1')]);
    for (let delivery = 1; delivery <= 3; delivery++) {
      expect(await broker.receive('jobs')).toHaveLength(1);
      clock.advance(30_000);
    }
    expect(broker.counts('jobs')).toEqual({ active: 0, scheduled: 0, locked: 0, deadLetter: 1 });
    expect((await broker.peek(DLQ))[0]?.deadLetterReason).toBe('MaxDeliveryCountExceeded');
  });

  it('renewLock keeps the message locked past its first expiry', async () => {
    const clock = manualClock();
    broker = await openTestBroker({ now: clock.now });
    await broker.send('jobs', [message('m-1')]);
    const [received] = await broker.receive('jobs');
    clock.advance(20_000);
    expect(await broker.renewLock(received!.lockToken)).toEqual(new Date(clock.now() + 30_000));
    clock.advance(20_000);
    expect(await broker.receive('jobs')).toEqual([]);
    await broker.complete(received!.lockToken);
    expect(broker.counts('jobs')).toMatchObject({ active: 0, locked: 0 });
  });

  it('rejects unknown lock tokens and unknown entities with Service Bus error codes', async () => {
    broker = await openTestBroker();
    await expect(broker.complete('00000000-0000-0000-0000-000000000000')).rejects.toSatisfy((error) => isBrokerError(error, 'MessageLockLost'));
    await expect(broker.send('nope', [message('m-1')])).rejects.toSatisfy((error) => isBrokerError(error, 'MessagingEntityNotFound'));
    await expect(broker.send('events/Subscriptions/all', [message('m-1')])).rejects.toSatisfy((error) => isBrokerError(error, 'MessagingEntityNotFound'));
    await expect(broker.receive('nope')).rejects.toThrow(/MessagingEntityNotFound: .*"nope"/);
    expect(broker.counts('jobs')).toEqual({ active: 0, scheduled: 0, locked: 0, deadLetter: 0 });
  });

  it('settles once: a completed message cannot be completed or abandoned again', async () => {
    broker = await openTestBroker();
    await broker.send('jobs', [message('m-1')]);
    const [received] = await broker.receive('jobs');
    await broker.complete(received!.lockToken);
    await expect(broker.complete(received!.lockToken)).rejects.toSatisfy((error) => isBrokerError(error, 'MessageLockLost'));
    await expect(broker.abandon(received!.lockToken)).rejects.toSatisfy((error) => isBrokerError(error, 'MessageLockLost'));
    expect(broker.counts('jobs')).toEqual({ active: 0, scheduled: 0, locked: 0, deadLetter: 0 });
  });

  it('peeks without locking or counting a delivery, in sequence order', async () => {
    broker = await openTestBroker();
    await broker.send('jobs', [message('a'), message('b'), message('c')]);
    const peeked = await broker.peek('jobs', 2);
    expect(peeked.map((m) => [m.messageId, m.sequenceNumber, m.deliveryCount])).toEqual([['a', 1, 0], ['b', 2, 0]]);
    expect(broker.counts('jobs')).toEqual({ active: 3, scheduled: 0, locked: 0, deadLetter: 0 });
    const received = await broker.receive('jobs', { maxMessages: 3 });
    expect(received.map((m) => [m.messageId, m.deliveryCount])).toEqual([['a', 1], ['b', 1], ['c', 1]]);
  });

  it('a waiting receive wakes when a message is sent', async () => {
    broker = await openTestBroker();
    const waiting = broker.receive('jobs', { maxWaitTimeMs: 5_000 });
    await broker.send('jobs', [message('late')]);
    expect((await waiting).map((m) => m.messageId)).toEqual(['late']);
    expect(broker.counts('jobs')).toMatchObject({ locked: 1 });
  });

  it('a waiting receive gives up after maxWaitTimeMs with nothing', async () => {
    broker = await openTestBroker();
    expect(await broker.receive('jobs', { maxWaitTimeMs: 20 })).toEqual([]);
    const controller = new AbortController();
    const aborted = broker.receive('jobs', { maxWaitTimeMs: Infinity, abortSignal: controller.signal });
    controller.abort();
    expect(await aborted).toEqual([]);
  });
});
