import type { NotificationPayload } from './notification-content.ts';

/**
 * One notification in a user's in-app inbox. `recipient` = `<tenantId>/<userId>` (the partition);
 * `id` = the delivery id, so a delivery written twice is one item. Items expire after 90 days.
 */
export interface InboxItem {
  readonly id: string;
  readonly recipient: string;
  readonly tenantId: string;
  readonly userId: string;
  readonly eventId: string;
  readonly event: string;
  readonly title: string;
  readonly body: string;
  readonly link?: string;
  readonly payload: NotificationPayload;
  /** When the event happened: the inbox is ordered by it, newest first. */
  readonly occurredAt: string;
  readonly deliveredAt: string;
  readonly readAt?: string;
}

export function recipientKey(tenantId: string, userId: string): string {
  return `${tenantId}/${userId}`;
}
