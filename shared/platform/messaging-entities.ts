/**
 * The one definition of every Service Bus entity Stageline uses: the local broker creates
 * exactly these at start, and `infra/modules/service-bus.bicep` declares the same names and limits
 * (`test/infra/infra-declarations.test.ts` compares them).
 */
export interface QueueDefinition {
  readonly name: string;
  /** Deliveries before a message moves to the dead-letter sub-queue (Azure default 10). */
  readonly maxDeliveryCount: number;
  /** Peek-lock duration in ms (Azure default 60 s, max 5 min). */
  readonly lockDurationMs: number;
  /** Duplicate detection window by messageId in ms (Azure: 20 s – 7 days; default 10 min). */
  readonly duplicateDetectionWindowMs: number;
  /** Azure: an expired message goes to the dead-letter sub-queue instead of being dropped (default false). */
  readonly deadLetteringOnMessageExpiration?: boolean;
  /** How long a message waits to be received before it expires, in ms (Azure default: unlimited). */
  readonly defaultMessageTimeToLiveMs?: number;
}

export interface SubscriptionDefinition {
  readonly name: string;
  readonly maxDeliveryCount: number;
  readonly lockDurationMs: number;
  /** Azure: an expired message goes to the dead-letter sub-queue instead of being dropped (default false). */
  readonly deadLetteringOnMessageExpiration?: boolean;
  /** How long a message waits to be received before it expires, in ms (Azure default: unlimited). */
  readonly defaultMessageTimeToLiveMs?: number;
  /** Correlation filter on application properties: every listed property must match. */
  readonly filter?: { readonly applicationProperties: Readonly<Record<string, string | number | boolean>> };
}

export interface TopicDefinition {
  readonly name: string;
  readonly duplicateDetectionWindowMs: number;
  readonly subscriptions: readonly SubscriptionDefinition[];
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export const queues = [
  { name: 'notifications', maxDeliveryCount: 10, lockDurationMs: MINUTE, duplicateDetectionWindowMs: 10 * MINUTE, deadLetteringOnMessageExpiration: true },
  // One message per notification delivery attempt (fan-out of `notifications`); retries are scheduled messages here.
  // A day of duplicate detection: a fan-out retried later than 10 minutes still sends each delivery once.
  { name: 'notification-deliveries', maxDeliveryCount: 10, lockDurationMs: MINUTE, duplicateDetectionWindowMs: 24 * 60 * MINUTE, deadLetteringOnMessageExpiration: true },
  // Incremental calendar syncs asked for by Google's push notifications (bursts coalesce by messageId).
  { name: 'calendar-sync', maxDeliveryCount: 5, lockDurationMs: MINUTE, duplicateDetectionWindowMs: 10 * MINUTE, deadLetteringOnMessageExpiration: true },
] as const satisfies readonly QueueDefinition[];

export const topics = [
  {
    name: 'stage-events',
    duplicateDetectionWindowMs: 10 * MINUTE,
    subscriptions: [
      // For an external ATS: nothing in Stageline receives these. Copies it has not taken within 14
      // days are dropped (not dead-lettered): with no ATS connected they would otherwise fill the
      // topic's quota (1 GB on Standard) within weeks, and then every send to the topic would fail.
      { name: 'ats-sync', maxDeliveryCount: 10, lockDurationMs: MINUTE, deadLetteringOnMessageExpiration: false, defaultMessageTimeToLiveMs: 14 * DAY },
      { name: 'post-transition-callbacks', maxDeliveryCount: 5, lockDurationMs: MINUTE, deadLetteringOnMessageExpiration: true },
      // A cancelled live interview cancels its Google Calendar event.
      { name: 'calendar-cancellations', maxDeliveryCount: 10, lockDurationMs: MINUTE, deadLetteringOnMessageExpiration: true, filter: { applicationProperties: { stageType: 'live_interview', action: 'cancel' } } },
    ],
  },
] as const satisfies readonly TopicDefinition[];

export type QueueName = (typeof queues)[number]['name'];
export type TopicName = (typeof topics)[number]['name'];
