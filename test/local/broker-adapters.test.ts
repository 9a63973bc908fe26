import { afterEach, describe, expect, it } from 'vitest';
import { isBrokerError } from '../../local/broker/broker-errors.ts';
import { LocalBroker } from '../../local/broker/local-broker.ts';
import { LocalBrokerMessageBus } from '../../local/broker/local-message-bus.adapter.ts';
import { toServiceBusTriggerInput } from '../../local/broker/service-bus-trigger-input.ts';
import { queues, topics } from '../../shared/platform/messaging-entities.ts';
import { manualClock, message, openTestBroker } from './broker-support/broker-fixtures.ts';

describe('LocalBrokerMessageBus', () => {
  let broker: LocalBroker;
  afterEach(async () => broker?.close());

  it('sends through the broker to the app entities and checks while the broker is open', async () => {
    broker = await LocalBroker.open({ queues, topics });
    const bus = new LocalBrokerMessageBus(broker);
    await expect(bus.check()).resolves.toBeUndefined();
    await bus.send('stage-events', [message('evt-1', { type: 'stage.completed' }, { applicationProperties: { type: 'stage.completed' } })]);
    await bus.send('notifications', [message('n-1', { to: 'ada@example.test' })]);

    expect((await broker.peek('stage-events/Subscriptions/ats-sync')).map((m) => m.body)).toEqual([{ type: 'stage.completed' }]);
    expect((await broker.peek('notifications')).map((m) => m.messageId)).toEqual(['n-1']);

    await broker.close();
    await expect(bus.check()).rejects.toSatisfy((error) => isBrokerError(error, 'BrokerClosed'));
    await expect(bus.send('notifications', [message('n-2')])).rejects.toSatisfy((error) => isBrokerError(error, 'BrokerClosed'));
  });

  it('close() retires the adapter but leaves the broker to its owner', async () => {
    broker = await LocalBroker.open({ queues, topics });
    const bus = new LocalBrokerMessageBus(broker);
    await bus.close();
    await expect(bus.check()).rejects.toThrow(/closed/);
    await expect(bus.send('notifications', [message('n-1')])).rejects.toThrow(/closed/);
    expect(broker.isOpen).toBe(true);
    expect(broker.counts('notifications').active).toBe(0);
  });
});

describe('toServiceBusTriggerInput', () => {
  let broker: LocalBroker;
  afterEach(async () => broker?.close());

  async function receiveOne(body: unknown, extra: Parameters<typeof message>[2] = {}) {
    await broker.send('jobs', [message(`m-${Math.random()}`, body, extra)]);
    const [received] = await broker.receive('jobs');
    return received!;
  }

  it('hands the body as the runtime does: JSON parsed, strings as strings, bytes as a Buffer', async () => {
    broker = await openTestBroker();
    expect(toServiceBusTriggerInput(await receiveOne({ a: [1, { b: true }] })).input).toEqual({ a: [1, { b: true }] });
    expect(toServiceBusTriggerInput(await receiveOne('plain text')).input).toBe('plain text');
    expect(toServiceBusTriggerInput(await receiveOne('{"still":"a string"}')).input).toBe('{"still":"a string"}');
    expect(toServiceBusTriggerInput(await receiveOne(42)).input).toBe(42);
    const bytes = toServiceBusTriggerInput(await receiveOne(Buffer.from('hi'))).input;
    expect(Buffer.isBuffer(bytes) && bytes.toString()).toBe('hi');
  });

  it('builds triggerMetadata with the runtime keys, first letters lower-cased recursively', async () => {
    const clock = manualClock();
    broker = await openTestBroker({ now: clock.now });
    await broker.send('jobs', [message('m-1', { x: 1 }, {
      subject: 'stage.completed', correlationId: 'corr-1', contentType: 'application/json',
      applicationProperties: { Tenant: 'acme', retryAfter: 3, Urgent: true },
    })]);
    const [received] = await broker.receive('jobs');
    const { triggerMetadata } = toServiceBusTriggerInput(received!);

    expect(triggerMetadata).toEqual({
      messageId: 'm-1',
      deliveryCount: 1,
      deadLetterSource: undefined,
      lockToken: received!.lockToken,
      expiresAtUtc: '9999-12-31T23:59:59.999Z',
      enqueuedTimeUtc: new Date(clock.now()).toISOString(),
      contentType: 'application/json',
      replyTo: undefined,
      sequenceNumber: 1,
      to: undefined,
      subject: 'stage.completed',
      label: 'stage.completed',
      correlationId: 'corr-1',
      applicationProperties: { tenant: 'acme', retryAfter: 3, urgent: true },
      userProperties: { tenant: 'acme', retryAfter: 3, urgent: true },
    });
  });

  it('carries the dead-letter reason in applicationProperties for a dead-letter trigger', async () => {
    broker = await openTestBroker();
    const first = await receiveOne('x');
    await broker.deadLetter(first.lockToken, { reason: 'Bad', description: 'why' });
    const [dead] = await broker.receive('jobs/$deadletterqueue');
    const { triggerMetadata } = toServiceBusTriggerInput(dead!);
    expect(triggerMetadata).toMatchObject({ deliveryCount: 2, applicationProperties: { deadLetterReason: 'Bad', deadLetterErrorDescription: 'why' } });
    expect(broker.counts('jobs/$deadletterqueue')).toMatchObject({ locked: 1 });
  });
});
