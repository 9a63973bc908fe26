import { afterEach, describe, expect, it } from 'vitest';
import { LocalBroker } from '../../local/broker/local-broker.ts';
import { queues, topics } from '../../shared/platform/messaging-entities.ts';
import { message, openTestBroker } from './broker-support/broker-fixtures.ts';

const ALL = 'events/Subscriptions/all';
const HIRED = 'events/Subscriptions/hired';
const HIRED_EU = 'events/Subscriptions/hired-eu';

describe('LocalBroker topics', () => {
  let broker: LocalBroker;
  afterEach(async () => broker?.close());

  it('fans one copy out to every subscription, each settled on its own', async () => {
    broker = await openTestBroker();
    const [seq] = await broker.send('events', [message('e-1', { stage: 'offer' }, { applicationProperties: { kind: 'hired', region: 'eu' } })]);

    const copies = await Promise.all([ALL, HIRED, HIRED_EU].map(async (path) => (await broker.receive(path))[0]));
    expect(copies.map((copy) => [copy?.messageId, copy?.sequenceNumber, copy?.body])).toEqual([
      ['e-1', seq, { stage: 'offer' }], ['e-1', seq, { stage: 'offer' }], ['e-1', seq, { stage: 'offer' }],
    ]);
    await broker.complete(copies[0]!.lockToken);
    await broker.abandon(copies[1]!.lockToken);
    expect(broker.counts(ALL)).toMatchObject({ active: 0, locked: 0 });
    expect(broker.counts(HIRED)).toMatchObject({ active: 1, locked: 0 });
    expect(broker.counts(HIRED_EU)).toMatchObject({ active: 0, locked: 1 });
  });

  it('applies correlation filters: every listed property must be present and equal', async () => {
    broker = await openTestBroker();
    await broker.send('events', [
      message('no-props'),
      message('rejected', {}, { applicationProperties: { kind: 'rejected' } }),
      message('hired-us', {}, { applicationProperties: { kind: 'hired', region: 'us' } }),
      message('hired-eu', {}, { applicationProperties: { kind: 'hired', region: 'eu', extra: 1 } }),
    ]);
    const ids = async (path: string) => (await broker.peek(path, 10)).map((m) => m.messageId);
    expect(await ids(ALL)).toEqual(['no-props', 'rejected', 'hired-us', 'hired-eu']);
    expect(await ids(HIRED)).toEqual(['hired-us', 'hired-eu']);
    expect(await ids(HIRED_EU)).toEqual(['hired-eu']);
  });

  it('accepts a message no subscription wants and drops it', async () => {
    broker = await LocalBroker.open({
      queues: [],
      topics: [{ name: 't', duplicateDetectionWindowMs: 60_000, subscriptions: [{ name: 'only-x', maxDeliveryCount: 1, lockDurationMs: 1000, filter: { applicationProperties: { x: true } } }] }],
    });
    expect(await broker.send('t', [message('m', {}, { applicationProperties: { x: 'true' } })])).toEqual([1]);
    expect(broker.counts('t/Subscriptions/only-x')).toEqual({ active: 0, scheduled: 0, locked: 0, deadLetter: 0 });
  });

  it('creates exactly the entities of messaging-entities.ts, each with a dead-letter sub-queue', async () => {
    broker = await LocalBroker.open({ queues, topics });
    expect(broker.paths().sort()).toEqual([
      'notification-deliveries', 'notification-deliveries/$deadletterqueue',
      'calendar-sync', 'calendar-sync/$deadletterqueue',
      'notifications', 'notifications/$deadletterqueue',
      'stage-events/Subscriptions/ats-sync', 'stage-events/Subscriptions/ats-sync/$deadletterqueue',
      'stage-events/Subscriptions/calendar-cancellations', 'stage-events/Subscriptions/calendar-cancellations/$deadletterqueue',
      'stage-events/Subscriptions/post-transition-callbacks', 'stage-events/Subscriptions/post-transition-callbacks/$deadletterqueue',
    ].sort());
    expect(broker.entityInfo('stage-events/Subscriptions/post-transition-callbacks')).toEqual({
      path: 'stage-events/Subscriptions/post-transition-callbacks', kind: 'subscription', lockDurationMs: 60_000, maxDeliveryCount: 5,
    });
  });
});
