import type { QueueDefinition, TopicDefinition } from '../../shared/platform/messaging-entities.ts';
import type { ApplicationProperties } from './broker-types.ts';
import { deadLetterQueuePath, subscriptionPath } from './entity-paths.ts';
import { EntityStore, toStored } from './entity-store.ts';
import type { JournalRecord } from './journal-records.ts';

/** Where a queue or topic delivers: the queue itself, or each subscription with its filter. */
export interface Route {
  readonly store: EntityStore;
  readonly filter?: ApplicationProperties;
}

/** A path senders address: a queue or a topic. */
export interface SendTarget {
  readonly name: string;
  readonly kind: 'queue' | 'topic';
  readonly duplicateDetectionWindowMs: number;
  readonly routes: readonly Route[];
  nextSeq: number;
  /** Duplicate-detection history: messageId → when it was accepted and under which sequence number. */
  readonly dedupe: Map<string, { at: number; seq: number }>;
}

export const MAX_DELIVERY_COUNT_EXCEEDED = 'MaxDeliveryCountExceeded';

/**
 * The broker's whole durable state, and the one place that changes it: `apply` runs a journal
 * record, live or on replay. No I/O and no clock here.
 */
export class BrokerState {
  readonly targets = new Map<string, SendTarget>();
  /** Every receivable path, dead-letter sub-queues included. */
  readonly stores = new Map<string, EntityStore>();

  constructor(queues: readonly QueueDefinition[], topics: readonly TopicDefinition[]) {
    for (const queue of queues) {
      this.#addTarget(queue.name, 'queue', queue.duplicateDetectionWindowMs, [{ store: this.#addStore(queue.name, 'queue', queue) }]);
    }
    for (const topic of topics) {
      const routes = topic.subscriptions.map((subscription) => ({
        store: this.#addStore(subscriptionPath(topic.name, subscription.name), 'subscription', subscription),
        ...(subscription.filter ? { filter: subscription.filter.applicationProperties } : {}),
      }));
      this.#addTarget(topic.name, 'topic', topic.duplicateDetectionWindowMs, routes);
    }
  }

  apply(record: JournalRecord): void {
    switch (record.op) {
      case 'send': {
        const target = this.targets.get(record.entity);
        if (!target) return;
        for (const { m, to } of record.items) {
          target.nextSeq = Math.max(target.nextSeq, m.seq + 1);
          target.dedupe.set(m.messageId, { at: record.at, seq: m.seq });
          for (const path of to) this.stores.get(path)?.add({ ...m, deliveryCount: 0 });
        }
        return;
      }
      case 'deliver': {
        const store = this.stores.get(record.path);
        for (const seq of record.seqs) {
          const message = store?.messages.get(seq);
          if (message) message.deliveryCount += 1;
        }
        return;
      }
      case 'complete':
        this.stores.get(record.path)?.remove(record.seq);
        return;
      case 'deadLetter': {
        const store = this.stores.get(record.path);
        const message = store?.remove(record.seq);
        if (!message || !store?.deadLetterQueue) return;
        store.deadLetterQueue.add({
          ...toStored(message),
          ...(record.reason !== undefined ? { deadLetterReason: record.reason } : {}),
          ...(record.description !== undefined ? { deadLetterErrorDescription: record.description } : {}),
        });
        return;
      }
      case 'expire': {
        const store = this.stores.get(record.path);
        for (const seq of record.seqs) store?.remove(seq);
        return;
      }
      case 'cancel': {
        const target = this.targets.get(record.entity);
        for (const route of target?.routes ?? []) for (const seq of record.seqs) route.store.remove(seq);
        return;
      }
      case 'sequence': {
        const target = this.targets.get(record.entity);
        if (target) target.nextSeq = Math.max(target.nextSeq, record.next);
        return;
      }
      case 'dedupe':
        this.targets.get(record.entity)?.dedupe.set(record.id, { at: record.at, seq: record.seq });
        return;
      case 'put':
        this.stores.get(record.path)?.add(record.m);
        return;
    }
  }

  /** The live state as journal records: what a compaction writes. Locks are not included. */
  *snapshot(now: number): Generator<JournalRecord> {
    for (const target of this.targets.values()) {
      yield { op: 'sequence', entity: target.name, next: target.nextSeq };
      for (const [id, entry] of target.dedupe) {
        if (now - entry.at < target.duplicateDetectionWindowMs) yield { op: 'dedupe', entity: target.name, id, at: entry.at, seq: entry.seq };
      }
    }
    for (const store of this.stores.values()) {
      for (const message of store.messages.values()) yield { op: 'put', path: store.path, m: toStored(message) };
    }
  }

  /** Forgets duplicate-detection entries whose window has passed. */
  pruneDedupe(now: number): void {
    for (const target of this.targets.values()) {
      for (const [id, entry] of target.dedupe) if (now - entry.at >= target.duplicateDetectionWindowMs) target.dedupe.delete(id);
    }
  }

  #addStore(path: string, kind: 'queue' | 'subscription', limits: { maxDeliveryCount: number; lockDurationMs: number; defaultMessageTimeToLiveMs?: number; deadLetteringOnMessageExpiration?: boolean }): EntityStore {
    if (this.stores.has(path)) throw new Error(`Messaging entity "${path}" is defined twice.`);
    const dlqPath = deadLetterQueuePath(path);
    const deadLetterQueue = new EntityStore({ path: dlqPath, kind: 'deadLetterQueue', lockDurationMs: limits.lockDurationMs, maxDeliveryCount: Infinity }, undefined);
    const expiry = { timeToLiveMs: limits.defaultMessageTimeToLiveMs ?? Infinity, deadLetter: limits.deadLetteringOnMessageExpiration ?? false };
    const store = new EntityStore({ path, kind, lockDurationMs: limits.lockDurationMs, maxDeliveryCount: limits.maxDeliveryCount }, deadLetterQueue, expiry);
    this.stores.set(path, store);
    this.stores.set(dlqPath, deadLetterQueue);
    return store;
  }

  #addTarget(name: string, kind: 'queue' | 'topic', duplicateDetectionWindowMs: number, routes: Route[]): void {
    if (this.targets.has(name)) throw new Error(`Messaging entity "${name}" is defined twice.`);
    this.targets.set(name, { name, kind, duplicateDetectionWindowMs, routes, nextSeq: 1, dedupe: new Map() });
  }
}

/** Correlation filter: every listed application property must be present and equal. */
export function matchesFilter(filter: ApplicationProperties | undefined, properties: ApplicationProperties | undefined): boolean {
  if (!filter) return true;
  return Object.entries(filter).every(([key, value]) => properties !== undefined && Object.hasOwn(properties, key) && properties[key] === value);
}

/** The sequence number `messageId` was accepted under, if that was within the target's duplicate-detection window. */
export function duplicateOf(target: SendTarget, messageId: string, at: number): number | undefined {
  const seen = target.dedupe.get(messageId);
  return seen !== undefined && at - seen.at < target.duplicateDetectionWindowMs ? seen.seq : undefined;
}
