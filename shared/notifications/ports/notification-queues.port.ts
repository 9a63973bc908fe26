import type { DeliveryMessage } from '../domain/delivery.ts';

/** The two queues the service works from: `notifications` (events) and `notification-deliveries` (one message per attempt). */
export interface NotificationQueues {
  /**
   * Sends delivery attempts; `at` makes them scheduled messages (retries, Chat rate-limit waits).
   * Each message's id is its `attemptMessageId` (+ `suffix`), so a repeat is dropped by duplicate detection.
   */
  sendDeliveries(messages: readonly DeliveryMessage[], options?: { readonly at?: Date; readonly idSuffix?: string }): Promise<void>;
  /** Puts an event back on `notifications` for a later fan-out attempt (its dependencies were unavailable). */
  requeueEvent(body: unknown, eventId: string, fanOutAttempt: number, at: Date): Promise<void>;
}

/** Deliveries waiting as scheduled messages (retries and Chat rate-limit waits): the retry backlog. */
export interface DeliveryBacklog {
  scheduledDeliveries(): Promise<number>;
}
