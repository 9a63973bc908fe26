import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalBroker } from '../../local/broker/local-broker.ts';
import { BrokerJournal } from '../../local/broker/broker-journal.ts';
import { topics } from '../../shared/platform/messaging-entities.ts';
import type { QueueDefinition, TopicDefinition } from '../../shared/platform/messaging-entities.ts';
import { MINUTE, manualClock, message, openTestBroker, tempDirectory } from './broker-support/broker-fixtures.ts';

const HOUR = 60 * MINUTE;

/** A queue that drops expired messages and a topic whose subscriptions drop / dead-letter them. */
const queues: QueueDefinition[] = [{ name: 'short', maxDeliveryCount: 3, lockDurationMs: 30_000, duplicateDetectionWindowMs: 10 * MINUTE, defaultMessageTimeToLiveMs: HOUR }];
const expiringTopics: TopicDefinition[] = [
  {
    name: 'events',
    duplicateDetectionWindowMs: 10 * MINUTE,
    subscriptions: [
      { name: 'dropped', maxDeliveryCount: 5, lockDurationMs: 30_000, defaultMessageTimeToLiveMs: HOUR },
      { name: 'kept', maxDeliveryCount: 5, lockDurationMs: 30_000, defaultMessageTimeToLiveMs: HOUR, deadLetteringOnMessageExpiration: true },
      { name: 'forever', maxDeliveryCount: 5, lockDurationMs: 30_000 },
    ],
  },
];

describe('LocalBroker message expiry (defaultMessageTimeToLive)', () => {
  let broker: LocalBroker | undefined;
  let temp: ReturnType<typeof tempDirectory> | undefined;
  afterEach(async () => {
    await broker?.close();
    broker = undefined;
    temp?.remove();
    temp = undefined;
  });

  /** A broker on a manual clock with a journal in a fresh directory. */
  async function openJournaled(): Promise<{ clock: ReturnType<typeof manualClock>; journalPath: string; journaled: LocalBroker }> {
    temp = tempDirectory();
    const journalPath = join(temp.dir, 'broker', 'journal.ndjson');
    const clock = manualClock();
    const journaled = await openTestBroker({ queues, topics: expiringTopics, now: clock.now, journalPath });
    broker = journaled;
    return { clock, journalPath, journaled };
  }

  it('drops a message nobody received within its time to live, or dead-letters it (TTLExpiredException) where the entity says so; no TTL keeps it', async () => {
    const clock = manualClock();
    broker = await openTestBroker({ queues, topics: expiringTopics, now: clock.now });
    await broker.send('events', [message('e-1')]);
    clock.advance(HOUR - 1);
    expect(broker.counts('events/Subscriptions/dropped')).toMatchObject({ active: 1, deadLetter: 0 });

    clock.advance(1);
    expect(broker.counts('events/Subscriptions/dropped')).toEqual({ active: 0, scheduled: 0, locked: 0, deadLetter: 0 });
    expect(await broker.receive('events/Subscriptions/dropped')).toEqual([]);
    expect(broker.counts('events/Subscriptions/kept')).toEqual({ active: 0, scheduled: 0, locked: 0, deadLetter: 1 });
    expect(await broker.peek('events/Subscriptions/kept/$deadletterqueue')).toMatchObject([
      { messageId: 'e-1', deadLetterReason: 'TTLExpiredException', deadLetterErrorDescription: 'The message expired and was dead lettered.' },
    ]);
    expect((await broker.peek('events/Subscriptions/forever')).map((m) => m.messageId)).toEqual(['e-1']);
  });

  it('lets go of expired messages on a send, so an entity nobody receives from holds at most its time to live', async () => {
    const { clock, journalPath, journaled } = await openJournaled();
    for (let n = 0; n < 5; n += 1) {
      await journaled.send('events', [message(`e-${n}`)]);
      clock.advance(HOUR / 2);
    }
    // Sends alone (nothing received, peeked or counted yet): 5 sent half an hour apart, e-0 to e-2 let go.
    const expired = BrokerJournal.read(journalPath).records.flatMap((record) => (record.op === 'expire' && record.path === 'events/Subscriptions/dropped' ? record.seqs : []));
    expect(expired).toEqual([1, 2, 3]);
    // Half an hour after the last send, e-3 has lived an hour too: the peek lets it go.
    expect((await journaled.peek('events/Subscriptions/dropped', 100)).map((m) => m.messageId)).toEqual(['e-4']);
    expect((await journaled.peek('events/Subscriptions/forever', 100)).map((m) => m.messageId)).toEqual(['e-0', 'e-1', 'e-2', 'e-3', 'e-4']);
  });

  it('does not expire a locked message until its lock is released; counts from the scheduled time for a scheduled one', async () => {
    const clock = manualClock();
    broker = await openTestBroker({ queues, topics: expiringTopics, now: clock.now });
    await broker.send('short', [message('held')]);
    await broker.scheduleMessages('short', [message('later')], new Date(clock.now() + 2 * HOUR));
    const [held] = await broker.receive('short');
    // The handler holds it past its time to live, renewing the lock (30 s) as a trigger does.
    for (let heldFor = 0; heldFor <= HOUR; heldFor += 20_000) {
      clock.advance(20_000);
      await broker.renewLock(held!.lockToken);
    }
    expect(broker.counts('short')).toMatchObject({ locked: 1, scheduled: 1 });
    await broker.abandon(held!.lockToken);
    expect(broker.counts('short')).toEqual({ active: 0, scheduled: 1, locked: 0, deadLetter: 0 });

    clock.advance(HOUR); // now 2 h 20 s: the scheduled one became receivable at 2 h and lives until 3 h
    expect((await broker.receive('short')).map((m) => m.messageId)).toEqual(['later']);
  });

  it('journals an expiry: a reopened broker does not bring the message back', async () => {
    const { clock, journalPath, journaled } = await openJournaled();
    await journaled.send('short', [message('gone')]);
    clock.advance(HOUR);
    await journaled.send('short', [message('new')]);
    await journaled.close();
    expect(BrokerJournal.read(journalPath).records.map((record) => record.op)).toContain('expire');

    const reopened = await openTestBroker({ queues, topics: expiringTopics, now: clock.now, journalPath });
    broker = reopened;
    expect((await reopened.peek('short', 10)).map((m) => m.messageId)).toEqual(['new']);
  });

  it('gives ats-sync (nothing in Stageline receives it) 14 days and drops what an ATS did not take', () => {
    const atsSync = topics.flatMap((topic) => topic.subscriptions).find((subscription) => subscription.name === 'ats-sync')!;
    expect(atsSync).toMatchObject({ defaultMessageTimeToLiveMs: 14 * 24 * HOUR, deadLetteringOnMessageExpiration: false });
  });
});
