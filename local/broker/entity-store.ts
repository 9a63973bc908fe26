import type { BrokerMessage, EntityCounts, EntityInfo } from './broker-types.ts';
import type { StoredMessage } from './journal-records.ts';
import { decodeBody } from './message-body-codec.ts';

/** A stored message plus its lock, which lives in memory only. */
export interface LiveMessage extends StoredMessage {
  lockToken?: string;
  lockedUntil?: number;
}

/** What happens to a message nobody received in time (Service Bus `defaultMessageTimeToLive`). */
export interface Expiry {
  /** Ms after a message became receivable (sent, or its scheduled time) that it expires; Infinity: never (Azure's default). */
  readonly timeToLiveMs: number;
  /** `deadLetteringOnMessageExpiration`: to the dead-letter sub-queue instead of dropped. */
  readonly deadLetter: boolean;
}

const NEVER: Expiry = { timeToLiveMs: Infinity, deadLetter: false };

/**
 * The messages of one receivable path: a queue, a subscription, or a dead-letter sub-queue.
 * Pure in-memory state; the broker decides what to journal.
 */
export class EntityStore {
  readonly path: string;
  readonly kind: EntityInfo['kind'];
  readonly lockDurationMs: number;
  readonly maxDeliveryCount: number;
  readonly deadLetterQueue: EntityStore | undefined;
  readonly expiry: Expiry;
  /** By sequence number, in arrival order. */
  readonly messages = new Map<number, LiveMessage>();
  /** Locked messages by lock token. */
  readonly locks = new Map<string, LiveMessage>();
  readonly #waiters = new Set<() => void>();

  constructor(info: EntityInfo, deadLetterQueue: EntityStore | undefined, expiry: Expiry = NEVER) {
    this.path = info.path;
    this.kind = info.kind;
    this.lockDurationMs = info.lockDurationMs;
    this.maxDeliveryCount = info.maxDeliveryCount;
    this.deadLetterQueue = deadLetterQueue;
    this.expiry = expiry;
  }

  get info(): EntityInfo {
    return { path: this.path, kind: this.kind, lockDurationMs: this.lockDurationMs, maxDeliveryCount: this.maxDeliveryCount };
  }

  add(message: StoredMessage): void {
    this.messages.set(message.seq, { ...message });
    this.notify();
  }

  remove(seq: number): LiveMessage | undefined {
    const message = this.messages.get(seq);
    if (!message) return undefined;
    this.unlock(message);
    this.messages.delete(seq);
    return message;
  }

  lock(message: LiveMessage, lockToken: string, lockedUntil: number): void {
    message.lockToken = lockToken;
    message.lockedUntil = lockedUntil;
    this.locks.set(lockToken, message);
  }

  unlock(message: LiveMessage): void {
    if (message.lockToken !== undefined) this.locks.delete(message.lockToken);
    delete message.lockToken;
    delete message.lockedUntil;
  }

  /** Locked messages whose lock ran out by `now`. */
  expiredLocks(now: number): LiveMessage[] {
    return [...this.locks.values()].filter((message) => (message.lockedUntil ?? 0) <= now);
  }

  /**
   * Unlocked messages whose time to live ran out by `now` (a locked one does not expire until
   * released, as in Service Bus). `fromHead` looks only at the oldest messages, up to the first
   * one still alive: enough on a send (they expire in the order they arrived, scheduled ones
   * aside), where a full pass would make every send cost the whole backlog.
   */
  expired(now: number, fromHead = false): LiveMessage[] {
    if (!Number.isFinite(this.expiry.timeToLiveMs)) return [];
    const expired: LiveMessage[] = [];
    for (const message of this.messages.values()) {
      if (message.lockToken === undefined && expiresAt(message, this.expiry.timeToLiveMs) <= now) expired.push(message);
      else if (fromHead && message.lockToken === undefined && message.scheduledAt === undefined) break;
    }
    return expired;
  }

  /** Unlocked messages whose time has come, in sequence order. */
  *available(now: number): Generator<LiveMessage> {
    for (const message of this.messages.values()) {
      if (message.lockToken === undefined && !isScheduled(message, now)) yield message;
    }
  }

  /** The next moment something may become receivable without a call: a scheduled time or a lock expiry. */
  nextWakeAt(now: number): number | undefined {
    let next: number | undefined;
    for (const message of this.messages.values()) {
      // A lock that ran out but was not yet released counts too: wake at once for it.
      const at = message.lockedUntil ?? (isScheduled(message, now) ? message.scheduledAt : undefined);
      if (at !== undefined && (next === undefined || at < next)) next = at;
    }
    return next;
  }

  counts(now: number): EntityCounts {
    let active = 0;
    let scheduled = 0;
    for (const message of this.messages.values()) {
      if (message.lockToken !== undefined) continue;
      if (isScheduled(message, now)) scheduled++;
      else active++;
    }
    return { active, scheduled, locked: this.locks.size, deadLetter: this.deadLetterQueue?.messages.size ?? 0 };
  }

  /**
   * Resolves at the next `notify` (a send, an abandon, a close), at the next scheduled time or
   * lock expiry measured from `now`, after `remainingMs`, or when `signal` aborts.
   */
  waitForChange(now: number, remainingMs: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const wakeAt = this.nextWakeAt(now);
      const delay = Math.min(remainingMs, wakeAt === undefined ? Infinity : Math.max(1, wakeAt - now));
      const timer = Number.isFinite(delay) ? setTimeout(done, Math.min(delay, 2 ** 31 - 1)) : undefined;
      const waiters = this.#waiters;
      waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
      function done(): void {
        clearTimeout(timer);
        waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      }
    });
  }

  /** Wakes everyone waiting for messages on this path. */
  notify(): void {
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const waiter of waiters) waiter();
  }
}

/** When a message expires: its time to live after it became receivable (sent, or its scheduled time). */
export function expiresAt(message: StoredMessage, timeToLiveMs: number): number {
  return Math.max(message.sentAt, message.scheduledAt ?? 0) + timeToLiveMs;
}

export function isScheduled(message: StoredMessage, now: number): boolean {
  return message.scheduledAt !== undefined && message.scheduledAt > now;
}

/** A plain copy of the persistent part of a message (no lock fields). */
export function toStored(message: LiveMessage): StoredMessage {
  const { lockToken: _token, lockedUntil: _until, ...stored } = message;
  return { ...stored };
}

/** What a receiver sees of a stored message. */
export function toBrokerMessage(message: StoredMessage, now: number): BrokerMessage {
  return {
    messageId: message.messageId,
    body: decodeBody(message.body),
    contentType: message.contentType,
    subject: message.subject,
    correlationId: message.correlationId,
    applicationProperties: { ...message.applicationProperties },
    sequenceNumber: message.seq,
    enqueuedTimeUtc: new Date(Math.max(message.sentAt, message.scheduledAt ?? 0)),
    ...(message.scheduledAt !== undefined ? { scheduledEnqueueTimeUtc: new Date(message.scheduledAt) } : {}),
    deliveryCount: message.deliveryCount,
    state: isScheduled(message, now) ? 'scheduled' : 'active',
    ...(message.deadLetterReason !== undefined ? { deadLetterReason: message.deadLetterReason } : {}),
    ...(message.deadLetterErrorDescription !== undefined ? { deadLetterErrorDescription: message.deadLetterErrorDescription } : {}),
  };
}
