import type { NotificationsQueueBody } from '../../events/api/notification-message.schema.ts';

/**
 * What a notification is about, in the words recipients and webhook filters use. Every message
 * on the `notifications` queue maps to one of these or to none (a stage event nobody is told
 * about, such as an assignment artifact being added).
 */
export const notificationEvents = [
  'stage.created',
  'interview.scheduled',
  'interview.reschedule_requested',
  'interview.reschedule_approved',
  'interview.reschedule_denied',
  'offer.sent',
  'offer.accepted',
  'offer.declined',
  'offer.revoked',
  'offer.expired',
  'candidate.disqualified',
  'feedback.submitted',
  'upload.rejected',
  'calendar.connection_invalid',
] as const;
export type NotificationEvent = (typeof notificationEvents)[number];

/** Events the notification service raises itself (never from the queue, never filtered by webhooks). */
export const serviceEvents = ['webhook.disabled', 'webhook.ping'] as const;
export type ServiceEvent = (typeof serviceEvents)[number];

/** A stage or notice event (what webhooks filter on), not a service notice. */
export function isNotificationEvent(event: string): event is NotificationEvent {
  return (notificationEvents as readonly string[]).includes(event);
}

/** Events that reach webhooks and Google Chat (personal notices stay in the inbox). */
export const broadcastEvents: readonly NotificationEvent[] = notificationEvents.filter(
  (event) => event !== 'upload.rejected' && event !== 'calendar.connection_invalid',
);

const byAction: Readonly<Record<string, NotificationEvent>> = {
  schedule: 'interview.scheduled',
  request_reschedule: 'interview.reschedule_requested',
  approve_reschedule: 'interview.reschedule_approved',
  deny_reschedule: 'interview.reschedule_denied',
  accept: 'offer.accepted',
  decline: 'offer.declined',
  revoke: 'offer.revoked',
  expire: 'offer.expired',
};

/** The notification a queue message stands for; `undefined` when nobody is told. */
export function notificationEventOf(body: NotificationsQueueBody): NotificationEvent | undefined {
  switch (body.kind) {
    case 'upload.rejected':
      return 'upload.rejected';
    case 'calendar.connection_invalid':
      return 'calendar.connection_invalid';
    case 'stage.created':
      if (body.stageType === 'offer') return 'offer.sent';
      if (body.stageType === 'disqualified') return 'candidate.disqualified';
      return 'stage.created';
    case 'stage.feedback_submitted':
      return 'feedback.submitted';
    case 'stage.transitioned':
      return body.action === undefined ? undefined : byAction[body.action];
  }
}
