import { afterEach, describe, expect, it, vi } from 'vitest';
import { LocalBroker } from '../../local/broker/local-broker.ts';
import type { ReceivedMessage } from '../../local/broker/broker-types.ts';
import { eventually, message } from './broker-support/broker-fixtures.ts';

const QUEUE = 'work';
const DLQ = 'work/$deadletterqueue';

function openPumpBroker(lockDurationMs = 30_000): Promise<LocalBroker> {
  return LocalBroker.open({ queues: [{ name: QUEUE, maxDeliveryCount: 3, lockDurationMs, duplicateDetectionWindowMs: 60_000 }], topics: [] });
}

/** Gates still shut when a test ends are opened, so a failed test cannot hang the close in afterEach. */
const openGates = new Set<() => void>();

function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  openGates.add(open);
  return { wait, open };
}

describe('LocalBroker.subscribe (message pump)', () => {
  let broker: LocalBroker;
  afterEach(async () => {
    for (const open of openGates) open();
    openGates.clear();
    await broker?.close();
  });

  it('completes each message whose handler succeeds', async () => {
    broker = await openPumpBroker();
    const seen: [string, number][] = [];
    broker.subscribe(QUEUE, (m) => void seen.push([m.messageId, m.deliveryCount]));
    await broker.send(QUEUE, [message('a'), message('b'), message('c')]);

    await eventually(() => seen.length === 3 && broker.counts(QUEUE).locked === 0);
    expect(seen.sort()).toEqual([['a', 1], ['b', 1], ['c', 1]]);
    expect(broker.counts(QUEUE)).toEqual({ active: 0, scheduled: 0, locked: 0, deadLetter: 0 });
  });

  it('abandons when the handler throws, so it is redelivered with deliveryCount + 1', async () => {
    broker = await openPumpBroker();
    const counts: number[] = [];
    const errors: unknown[] = [];
    broker.subscribe(QUEUE, (m) => {
      counts.push(m.deliveryCount);
      if (m.deliveryCount === 1) throw new Error('transient');
    }, { onError: (error) => errors.push(error) });
    await broker.send(QUEUE, [message('flaky')]);

    await eventually(() => counts.length === 2 && broker.counts(QUEUE).locked === 0);
    expect(counts).toEqual([1, 2]);
    expect(errors).toEqual([new Error('transient')]);
    expect(broker.counts(QUEUE)).toEqual({ active: 0, scheduled: 0, locked: 0, deadLetter: 0 });
  });

  it('dead-letters a message whose handler always throws after maxDeliveryCount tries', async () => {
    broker = await openPumpBroker();
    const counts: number[] = [];
    broker.subscribe(QUEUE, (m) => {
      counts.push(m.deliveryCount);
      throw new Error('poison');
    }, { onError: () => undefined });
    await broker.send(QUEUE, [message('poison', { bad: true })]);

    await eventually(() => broker.counts(QUEUE).deadLetter === 1);
    expect(counts).toEqual([1, 2, 3]);
    expect(broker.counts(QUEUE)).toEqual({ active: 0, scheduled: 0, locked: 0, deadLetter: 1 });
    expect((await broker.peek(DLQ))[0]).toMatchObject({ messageId: 'poison', body: { bad: true }, deadLetterReason: 'MaxDeliveryCountExceeded' });
  });

  it('close() stops taking messages and waits for running handlers to finish and settle', async () => {
    broker = await openPumpBroker();
    const release = gate();
    const started: string[] = [];
    const subscription = broker.subscribe(QUEUE, async (m) => {
      started.push(m.messageId);
      await release.wait;
    }, { maxConcurrentCalls: 1 });
    await broker.send(QUEUE, [message('running'), message('waiting')]);
    await eventually(() => started.length === 1);

    let closed = false;
    const closing = subscription.close().then(() => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(closed).toBe(false);
    expect(broker.counts(QUEUE)).toMatchObject({ locked: 1, active: 1 });

    release.open();
    await closing;
    expect(started).toEqual(['running']);
    expect(broker.counts(QUEUE)).toEqual({ active: 1, scheduled: 0, locked: 0, deadLetter: 0 });
    expect((await broker.peek(QUEUE)).map((m) => m.messageId)).toEqual(['waiting']);
  });

  it('runs at most maxConcurrentCalls handlers at once', async () => {
    broker = await openPumpBroker();
    const release = gate();
    let running = 0;
    let peak = 0;
    broker.subscribe(QUEUE, async () => {
      peak = Math.max(peak, ++running);
      await release.wait;
      running--;
    }, { maxConcurrentCalls: 2 });
    await broker.send(QUEUE, ['1', '2', '3', '4', '5'].map((id) => message(id)));

    await eventually(() => running === 2);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(broker.counts(QUEUE)).toMatchObject({ locked: 2, active: 3 });
    release.open();
    await eventually(() => broker.counts(QUEUE).active + broker.counts(QUEUE).locked === 0);
    expect(peak).toBe(2);
  });

  it('renews the lock while a handler outlives the lock duration', async () => {
    broker = await openPumpBroker(200);
    const deliveries: number[] = [];
    const release = gate();
    broker.subscribe(QUEUE, async (m) => {
      deliveries.push(m.deliveryCount);
      await release.wait;
    });
    await broker.send(QUEUE, [message('slow')]);
    await eventually(() => deliveries.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(broker.counts(QUEUE)).toMatchObject({ locked: 1, active: 0 });
    release.open();
    await eventually(() => broker.counts(QUEUE).locked === 0);
    expect(deliveries).toEqual([1]);
    expect(broker.counts(QUEUE)).toEqual({ active: 0, scheduled: 0, locked: 0, deadLetter: 0 });
  });

  it('stops renewing after maxAutoLockRenewalMs, so the message is redelivered', async () => {
    broker = await openPumpBroker(40);
    const deliveries: number[] = [];
    const release = gate();
    broker.subscribe(QUEUE, async (m) => {
      deliveries.push(m.deliveryCount);
      if (m.deliveryCount === 1) await release.wait;
    }, { maxAutoLockRenewalMs: 60, onError: () => undefined });
    await broker.send(QUEUE, [message('too-slow')]);
    await eventually(() => deliveries.length === 2);
    release.open();
    await eventually(() => broker.counts(QUEUE).locked === 0);
    expect(deliveries).toEqual([1, 2]);
    expect(broker.counts(QUEUE)).toEqual({ active: 0, scheduled: 0, locked: 0, deadLetter: 0 });
  });

  it('with autoComplete off, leaves settlement to the handler', async () => {
    broker = await openPumpBroker();
    const handled: string[] = [];
    broker.subscribe(QUEUE, async (m, actions) => {
      handled.push(m.messageId);
      if (m.messageId === 'reject') await actions.deadLetter({ reason: 'Rejected' });
    }, { autoComplete: false });
    await broker.send(QUEUE, [message('reject'), message('ignore')]);
    await eventually(() => handled.length === 2 && broker.counts(QUEUE).deadLetter === 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(broker.counts(QUEUE)).toEqual({ active: 0, scheduled: 0, locked: 1, deadLetter: 1 });
    expect((await broker.peek(DLQ))[0]).toMatchObject({ messageId: 'reject', deadLetterReason: 'Rejected' });
  });

  it('waits without polling and wakes on a send and at a scheduled time', async () => {
    broker = await openPumpBroker();
    const receive = vi.spyOn(broker, 'receive');
    const handled: ReceivedMessage[] = [];
    broker.subscribe(QUEUE, (m) => void handled.push(m));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(receive).toHaveBeenCalledTimes(1);

    await broker.send(QUEUE, [message('now'), message('later', 1, { scheduledEnqueueTimeUtc: new Date(Date.now() + 80) })]);
    await eventually(() => handled.length === 2);
    expect(handled.map((m) => m.messageId)).toEqual(['now', 'later']);
    expect(handled[1]!.enqueuedTimeUtc.getTime()).toBeLessThanOrEqual(Date.now());
    await eventually(() => broker.counts(QUEUE).locked === 0);
    expect(broker.counts(QUEUE)).toEqual({ active: 0, scheduled: 0, locked: 0, deadLetter: 0 });
  });

  it('broker.close() closes its pumps first, letting running handlers settle', async () => {
    broker = await openPumpBroker();
    const release = gate();
    let finished = false;
    broker.subscribe(QUEUE, async () => {
      await release.wait;
      finished = true;
    });
    await broker.send(QUEUE, [message('m')]);
    await eventually(() => broker.counts(QUEUE).locked === 1);
    const closing = broker.close();
    setTimeout(release.open, 20);
    await closing;
    expect(finished).toBe(true);
    expect(broker.isOpen).toBe(false);
    expect(() => broker.counts(QUEUE)).toThrow(/BrokerClosed/);
  });
});
