import type { QueueDefinition, TopicDefinition } from '../../shared/platform/messaging-entities.ts';

export type ApplicationProperties = Readonly<Record<string, string | number | boolean>>;

export interface LocalBrokerOptions {
  /** Append-only journal file. Omit for a memory-only broker. */
  readonly journalPath?: string;
  readonly queues: readonly QueueDefinition[];
  readonly topics: readonly TopicDefinition[];
  /** Clock in epoch ms (tests pass a controllable one). Defaults to `Date.now`. */
  readonly now?: () => number;
  /** Journal size in bytes past which it is compacted while running (default 8 MiB). */
  readonly compactThresholdBytes?: number;
  /**
   * `fsync` after every journal write. Off by default: a synchronous write already survives
   * `kill -9` of this process (the data is in the OS page cache); fsync adds survival of an OS
   * crash or power loss at a large cost per call.
   */
  readonly fsyncEveryWrite?: boolean;
}

/** A message as a receiver sees it (peeked or received), shaped like `ServiceBusReceivedMessage`. */
export interface BrokerMessage {
  readonly messageId: string;
  /** A fresh copy on every delivery: JSON values as values, bytes as a `Buffer`. */
  readonly body: unknown;
  readonly contentType: string | undefined;
  readonly subject: string | undefined;
  readonly correlationId: string | undefined;
  /** As sent; `{}` when none were sent. */
  readonly applicationProperties: ApplicationProperties;
  readonly sequenceNumber: number;
  /** When the message became (or becomes) active: send time, or its scheduled time. */
  readonly enqueuedTimeUtc: Date;
  readonly scheduledEnqueueTimeUtc?: Date;
  /** Times the message was handed out under a lock (1 on the first delivery). */
  readonly deliveryCount: number;
  /** `scheduled` until its scheduled time has come, `active` afterwards (locked or not). */
  readonly state: 'active' | 'scheduled';
  readonly deadLetterReason?: string;
  readonly deadLetterErrorDescription?: string;
  /** Azure sets this only on dead-lettered messages auto-forwarded elsewhere; never set here. */
  readonly deadLetterSource?: string;
}

/** A message received in peek-lock mode: the lock token settles it. */
export interface ReceivedMessage extends BrokerMessage {
  readonly lockToken: string;
  readonly lockedUntilUtc: Date;
}

export interface ReceiveOptions {
  /** Most messages to lock in this call (default 1). */
  readonly maxMessages?: number;
  /**
   * How long to wait for a first message when none is available (default 0: answer at once;
   * `Infinity`: until one arrives or `abortSignal` fires). Waiting wakes on send, on abandon,
   * at the next scheduled time and at the next lock expiry; it never polls in a loop.
   */
  readonly maxWaitTimeMs?: number;
  readonly abortSignal?: AbortSignal;
}

export interface DeadLetterOptions {
  readonly reason?: string;
  readonly description?: string;
}

export interface EntityCounts {
  /** Visible and not locked: what the next receive could take. */
  readonly active: number;
  /** Waiting for their scheduled time. */
  readonly scheduled: number;
  /** Currently locked by a receiver. */
  readonly locked: number;
  /** Messages in this path's dead-letter sub-queue (0 when the path is itself one). */
  readonly deadLetter: number;
}

export interface EntityInfo {
  readonly path: string;
  readonly kind: 'queue' | 'subscription' | 'deadLetterQueue';
  readonly lockDurationMs: number;
  /** `Infinity` for a dead-letter sub-queue: nothing is dead-lettered out of it. */
  readonly maxDeliveryCount: number;
}

/** Settlement calls bound to one message, handed to a pump handler. */
export interface MessageActions {
  complete(): Promise<void>;
  abandon(): Promise<void>;
  deadLetter(options?: DeadLetterOptions): Promise<void>;
}

export type MessageHandler = (message: ReceivedMessage, actions: MessageActions) => unknown;

/**
 * The peek-lock calls a message pump makes on its broker. `LocalBroker` implements it; the pump
 * depends on this interface rather than on the broker class, which creates the pumps.
 */
export interface PeekLockReceiver {
  /** The broker's clock (epoch ms). */
  now(): number;
  entityInfo(path: string): EntityInfo;
  receive(path: string, options?: ReceiveOptions): Promise<ReceivedMessage[]>;
  complete(lockToken: string): Promise<void>;
  abandon(lockToken: string): Promise<void>;
  deadLetter(lockToken: string, options?: DeadLetterOptions): Promise<void>;
  renewLock(lockToken: string): Promise<Date>;
}

export interface SubscribeOptions {
  /** Handlers running at once (default 16, the Functions host's per-core default). */
  readonly maxConcurrentCalls?: number;
  /** Complete on success and abandon on a throw (default true, like `autoCompleteMessages`). */
  readonly autoComplete?: boolean;
  /** Keep renewing the lock while the handler runs, up to this long (default 5 min). */
  readonly maxAutoLockRenewalMs?: number;
  /** Told about handler errors and failed settlements (default: `console.error`). */
  readonly onError?: (error: unknown, message: ReceivedMessage | undefined) => void;
}

export interface Subscription {
  /** Stops taking messages and resolves once every running handler has finished and settled. */
  close(): Promise<void>;
}
