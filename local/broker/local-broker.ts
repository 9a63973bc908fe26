import { randomUUID } from 'node:crypto';
import type { OutgoingMessage } from '../../shared/events/ports/message-bus.port.ts';
import { BrokerError } from './broker-errors.ts';
import { BrokerJournal } from './broker-journal.ts';
import { BrokerState, MAX_DELIVERY_COUNT_EXCEEDED, duplicateOf, matchesFilter, type SendTarget } from './broker-state.ts';
import type {
  BrokerMessage, DeadLetterOptions, EntityCounts, EntityInfo, LocalBrokerOptions, MessageHandler,
  PeekLockReceiver, ReceivedMessage, ReceiveOptions, SubscribeOptions, Subscription,
} from './broker-types.ts';
import { type EntityStore, type LiveMessage, toBrokerMessage } from './entity-store.ts';
import type { JournalRecord, StoredMessage } from './journal-records.ts';
import { MessagePump } from './message-pump.ts';
import { toStoredMessage, validateOutgoing } from './outgoing-message.ts';

const DEFAULT_COMPACT_THRESHOLD_BYTES = 8 * 1024 * 1024;
/** Service Bus's dead-letter reason for a message whose time to live ran out. */
const TTL_EXPIRED = 'TTLExpiredException';

/**
 * The local host's in-process Service Bus: the queues, topics and subscriptions it is given,
 * with peek-lock delivery, dead-letter sub-queues, scheduling, duplicate detection and message
 * expiry (an entity's `defaultMessageTimeToLive`: an unlocked message past it is dropped, or
 * dead-lettered with `TTLExpiredException` where the entity says so).
 *
 * Durability: every accepted change is appended to the journal with a synchronous write before
 * the call returns, and the journal is replayed by `open`. Locks are not persisted: after a
 * restart every message that was locked is available again, and it KEEPS the deliveryCount it
 * had (its delivery was journaled), so a handler that crashes the process still works towards
 * `MaxDeliveryCountExceeded`.
 */
export class LocalBroker implements PeekLockReceiver {
  readonly #state: BrokerState;
  readonly #now: () => number;
  readonly #compactThresholdBytes: number;
  readonly #pumps = new Set<MessagePump>();
  #journal: BrokerJournal | undefined;
  #closing = false;
  #closed = false;
  #sendsSincePrune = 0;

  private constructor(options: LocalBrokerOptions) {
    this.#state = new BrokerState(options.queues, options.topics);
    this.#now = options.now ?? Date.now;
    this.#compactThresholdBytes = options.compactThresholdBytes ?? DEFAULT_COMPACT_THRESHOLD_BYTES;
  }

  /** Creates the entities, replays the journal (if any) and compacts it to the live state. */
  static async open(options: LocalBrokerOptions): Promise<LocalBroker> {
    const broker = new LocalBroker(options);
    if (options.journalPath !== undefined) {
      for (const record of BrokerJournal.read(options.journalPath).records) broker.#state.apply(record);
      broker.#deadLetterOverLimit();
      broker.#journal = BrokerJournal.create(options.journalPath, broker.#state.snapshot(broker.#now()), { fsync: options.fsyncEveryWrite ?? false });
    }
    return broker;
  }

  /** The broker's clock (epoch ms). */
  now(): number {
    return this.#now();
  }

  get isOpen(): boolean {
    return !this.#closed;
  }

  /** Journal size in bytes (0 for a memory-only broker). */
  get journalSizeBytes(): number {
    return this.#journal?.sizeBytes ?? 0;
  }

  /** Every receivable path (queues, subscriptions and their dead-letter sub-queues). */
  paths(): string[] {
    return [...this.#state.stores.keys()];
  }

  entityInfo(path: string): EntityInfo {
    return this.#store(path).info;
  }

  /**
   * Sends to a queue or topic; resolves to one sequence number per message. A message whose
   * `scheduledEnqueueTimeUtc` is in the future stays hidden until then. A `messageId` already
   * accepted within the duplicate-detection window is accepted and dropped (its number is the
   * original's). A topic hands one copy to every subscription whose filter matches.
   */
  async send(entity: string, messages: readonly OutgoingMessage[]): Promise<number[]> {
    this.#assertOpen();
    const target = this.#target(entity);
    const at = this.#now();
    const items: { m: StoredMessage; to: string[] }[] = [];
    const seqs: number[] = [];
    const inBatch = new Map<string, number>();
    for (const message of messages) {
      validateOutgoing(entity, message);
      const known = inBatch.get(message.messageId) ?? duplicateOf(target, message.messageId, at);
      if (known !== undefined) {
        seqs.push(known);
        continue;
      }
      const stored = toStoredMessage(message, target.nextSeq + items.length, at);
      const to = target.routes.filter((route) => matchesFilter(route.filter, message.applicationProperties)).map((route) => route.store.path);
      items.push({ m: stored, to });
      inBatch.set(message.messageId, stored.seq);
      seqs.push(stored.seq);
    }
    // Expired copies are let go here too, so an entity nobody receives from (ats-sync without an
    // ATS) holds at most its time to live of messages.
    for (const route of target.routes) this.#expire(route.store, at, true);
    if (items.length > 0) this.#commit({ op: 'send', entity, at, items });
    if ((this.#sendsSincePrune += items.length) >= 1000) {
      this.#sendsSincePrune = 0;
      this.#state.pruneDedupe(at);
    }
    return seqs;
  }

  /** Schedules the messages for `at`; the sequence numbers cancel them. */
  async scheduleMessages(entity: string, messages: readonly OutgoingMessage[], at: Date): Promise<number[]> {
    return this.send(entity, messages.map((message) => ({ ...message, scheduledEnqueueTimeUtc: at })));
  }

  /** Cancels scheduled messages (all subscription copies, for a topic). Throws MessageNotFound if one is not scheduled. */
  async cancelScheduledMessages(entity: string, sequenceNumbers: readonly number[]): Promise<void> {
    this.#assertOpen();
    const target = this.#target(entity);
    const now = this.#now();
    for (const seq of sequenceNumbers) {
      const scheduled = target.routes.some((route) => {
        const message = route.store.messages.get(seq);
        return message?.scheduledAt !== undefined && message.scheduledAt > now;
      });
      if (!scheduled) throw new BrokerError('MessageNotFound', `No scheduled message with sequence number ${seq} in "${entity}".`);
    }
    if (sequenceNumbers.length > 0) this.#commit({ op: 'cancel', entity, seqs: [...sequenceNumbers] });
  }

  /**
   * Peek-lock receive: locks up to `maxMessages` for the entity's lock duration and adds one to
   * each one's deliveryCount. A message that would go past `maxDeliveryCount` is dead-lettered
   * instead (`MaxDeliveryCountExceeded`). Works on dead-letter paths too.
   */
  async receive(path: string, options: ReceiveOptions = {}): Promise<ReceivedMessage[]> {
    const store = this.#store(path);
    const maxMessages = Math.max(1, options.maxMessages ?? 1);
    const maxWait = options.maxWaitTimeMs ?? 0;
    const giveUpAt = performance.now() + maxWait;
    for (;;) {
      this.#assertOpen();
      if (options.abortSignal?.aborted) return [];
      // One reading of the clock for both: whatever `take` left behind is then either locked
      // until after `now` or scheduled after `now`, so the wait below always has its wake-up.
      const now = this.#now();
      const received = this.#take(store, maxMessages, now);
      if (received.length > 0) return received;
      const remaining = giveUpAt - performance.now();
      if (remaining <= 0) return [];
      await store.waitForChange(now, remaining, options.abortSignal);
    }
  }

  /** Settles a locked message for good. */
  async complete(lockToken: string): Promise<void> {
    const { store, message } = this.#locked(lockToken);
    this.#commit({ op: 'complete', path: store.path, seq: message.seq });
  }

  /** Releases the lock: available again at once (or dead-lettered when out of deliveries). */
  async abandon(lockToken: string): Promise<void> {
    const { store, message } = this.#locked(lockToken);
    store.unlock(message);
    if (!this.#deadLetterIfExhausted(store, message)) store.notify();
  }

  /** Moves a locked message to its dead-letter sub-queue. */
  async deadLetter(lockToken: string, options: DeadLetterOptions = {}): Promise<void> {
    const { store, message } = this.#locked(lockToken);
    if (store.kind === 'deadLetterQueue') throw new BrokerError('InvalidOperation', `"${store.path}" is a dead-letter queue; its messages cannot be dead-lettered again.`);
    this.#commit({
      op: 'deadLetter', path: store.path, seq: message.seq,
      ...(options.reason !== undefined ? { reason: options.reason } : {}),
      ...(options.description !== undefined ? { description: options.description } : {}),
    });
  }

  /** Extends the lock by the entity's lock duration; resolves to the new expiry. */
  async renewLock(lockToken: string): Promise<Date> {
    const { store, message } = this.#locked(lockToken);
    message.lockedUntil = this.#now() + store.lockDurationMs;
    return new Date(message.lockedUntil);
  }

  /** Browses messages (scheduled and locked ones included) without locking them. */
  async peek(path: string, maxMessages = 1): Promise<BrokerMessage[]> {
    this.#assertOpen();
    const store = this.#store(path);
    this.#releaseExpiredLocks(store);
    const now = this.#now();
    this.#expire(store, now);
    return [...store.messages.values()].slice(0, maxMessages).map((message) => toBrokerMessage(message, now));
  }

  counts(path: string): EntityCounts {
    this.#assertOpen();
    const store = this.#store(path);
    this.#releaseExpiredLocks(store);
    const now = this.#now();
    this.#expire(store, now);
    return store.counts(now);
  }

  /** Starts a message pump on `path` (see `SubscribeOptions`). */
  subscribe(path: string, handler: MessageHandler, options: SubscribeOptions = {}): Subscription {
    this.#assertOpen();
    if (this.#closing) throw new BrokerError('BrokerClosed', 'The broker is closing.');
    this.#store(path);
    const pump = new MessagePump(this, path, handler, options, () => this.#pumps.delete(pump));
    this.#pumps.add(pump);
    return pump;
  }

  /** Closes every pump (waiting for running handlers), then flushes and closes the journal. */
  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    await Promise.all([...this.#pumps].map((pump) => pump.close()));
    this.#closed = true;
    for (const store of this.#state.stores.values()) store.notify();
    this.#journal?.close();
    this.#journal = undefined;
  }

  #commit(record: JournalRecord): void {
    this.#journal?.append(record);
    this.#state.apply(record);
    if (this.#journal?.shouldCompact(this.#compactThresholdBytes)) this.compact();
  }

  /** Rewrites the journal as a snapshot of the live state (done on open and past the size threshold). */
  compact(): void {
    this.#assertOpen();
    const now = this.#now();
    this.#state.pruneDedupe(now);
    this.#journal?.compact(this.#state.snapshot(now));
  }

  #take(store: EntityStore, maxMessages: number, now: number): ReceivedMessage[] {
    this.#releaseExpiredLocks(store, now);
    this.#expire(store, now);
    const picked: LiveMessage[] = [];
    const exhausted: LiveMessage[] = [];
    for (const message of store.available(now)) {
      if (picked.length >= maxMessages) break;
      (message.deliveryCount >= store.maxDeliveryCount ? exhausted : picked).push(message);
    }
    for (const message of exhausted) this.#deadLetterIfExhausted(store, message);
    if (picked.length === 0) return [];
    this.#commit({ op: 'deliver', path: store.path, seqs: picked.map((message) => message.seq) });
    return picked.map((message) => {
      const lockToken = randomUUID();
      store.lock(message, lockToken, now + store.lockDurationMs);
      return { ...toBrokerMessage(message, now), lockToken, lockedUntilUtc: new Date(now + store.lockDurationMs) };
    });
  }

  #deadLetterIfExhausted(store: EntityStore, message: LiveMessage): boolean {
    if (message.deliveryCount < store.maxDeliveryCount) return false;
    this.#commit({
      op: 'deadLetter', path: store.path, seq: message.seq, reason: MAX_DELIVERY_COUNT_EXCEEDED,
      description: `Message could not be consumed after ${store.maxDeliveryCount} delivery attempts.`,
    });
    return true;
  }

  /** Lets go of the store's expired messages: dropped, or dead-lettered (`TTLExpiredException`) where the entity says so. */
  #expire(store: EntityStore, now: number, fromHead = false): void {
    const expired = store.expired(now, fromHead);
    if (expired.length === 0) return;
    if (!store.expiry.deadLetter || store.deadLetterQueue === undefined) {
      this.#commit({ op: 'expire', path: store.path, seqs: expired.map((message) => message.seq) });
      return;
    }
    for (const message of expired) {
      this.#commit({ op: 'deadLetter', path: store.path, seq: message.seq, reason: TTL_EXPIRED, description: 'The message expired and was dead lettered.' });
    }
  }

  #releaseExpiredLocks(store: EntityStore, now = this.#now()): void {
    const expired = store.expiredLocks(now);
    for (const message of expired) {
      store.unlock(message);
      this.#deadLetterIfExhausted(store, message);
    }
    if (expired.length > 0) store.notify();
  }

  /** After replay: messages already delivered `maxDeliveryCount` times (their locks are gone) are dead-lettered. */
  #deadLetterOverLimit(): void {
    for (const store of this.#state.stores.values()) {
      for (const message of [...store.messages.values()]) this.#deadLetterIfExhausted(store, message);
    }
  }

  #locked(lockToken: string): { store: EntityStore; message: LiveMessage } {
    this.#assertOpen();
    for (const store of this.#state.stores.values()) {
      const message = store.locks.get(lockToken);
      if (!message) continue;
      if ((message.lockedUntil ?? 0) > this.#now()) return { store, message };
      this.#releaseExpiredLocks(store);
      break;
    }
    throw new BrokerError('MessageLockLost', `The lock ${lockToken} is unknown, already settled or expired.`);
  }

  #target(entity: string): SendTarget {
    const target = this.#state.targets.get(entity);
    if (!target) throw new BrokerError('MessagingEntityNotFound', `No queue or topic named "${entity}" (send to a queue or topic, not a subscription).`);
    return target;
  }

  #store(path: string): EntityStore {
    const store = this.#state.stores.get(path);
    if (!store) throw new BrokerError('MessagingEntityNotFound', `No queue, subscription or dead-letter queue at "${path}".`);
    return store;
  }

  #assertOpen(): void {
    if (this.#closed) throw new BrokerError('BrokerClosed', 'The broker is closed.');
  }
}
