import { notificationsQueueBodySchema, type NotificationsQueueBody } from '../../events/api/notification-message.schema.ts';
import { isDomainError } from '../../platform/errors.ts';
import { applicationFactsOf, type ApplicationFacts } from '../../events/domain/notification-facts.ts';
import { deliveryIdOf, type DeliveryMessage, type DeliveryTarget } from '../domain/delivery.ts';
import { chatThreadKey, notificationContent, type EventFacts, type NotificationContent } from '../domain/notification-content.ts';
import { broadcastEvents, notificationEventOf, type NotificationEvent } from '../domain/notification-event.ts';
import { recipientsFor, type RecipientFacts } from '../domain/recipients.ts';
import { retryDelayMs } from '../domain/retry-policy.ts';
import { acceptsEvent } from '../domain/webhook.ts';
import type { NotificationDeps } from './notification-deps.ts';
import { storeInboxItem } from './deliver-notification.ts';
import { unreadable } from './unreadable-message.ts';
import { ensureInstruments } from './notification-metrics.ts';

/** One delivery of a `notifications` message: its body, which fan-out attempt it is, and which Service Bus delivery. */
export interface FanOutInput {
  readonly body: unknown;
  readonly fanOutAttempt: number;
  readonly deliveryCount: number;
  readonly maxDeliveryCount: number;
}

export type FanOutOutcome =
  | { readonly kind: 'fanned_out'; readonly event: NotificationEvent; readonly deliveries: number }
  | { readonly kind: 'ignored'; readonly reason: string }
  | { readonly kind: 'requeued'; readonly attempt: number; readonly at: string };

/**
 * One event from the `notifications` queue becomes one delivery per (recipient, channel,
 * target): an inbox item for each person the recipient table names, and one delivery per
 * webhook of the tenant whose filters take the event (a disabled one too: its delivery goes to
 * the dead-letter log, to be replayed once it is enabled again). Each delivery is its own
 * message on `notification-deliveries` with a deterministic id (event id + target), so an event
 * fanned out twice sends each delivery once.
 *
 * An unreadable message throws `UnreadableMessageError`. When the application store is
 * unavailable, the event is put back on the queue as a scheduled message (the retry schedule)
 * instead of failing: Service Bus triggers have no retry policy, and redelivery is immediate.
 */
export async function fanOutEvent(deps: NotificationDeps, input: FanOutInput): Promise<FanOutOutcome> {
  ensureInstruments();
  const parsed = notificationsQueueBodySchema.safeParse(input.body);
  if (!parsed.success) throw unreadable('notifications', parsed.error, input);
  const body = parsed.data;
  const event = notificationEventOf(body);
  if (event === undefined) return { kind: 'ignored', reason: 'no one is told about this event' };
  try {
    const messages = await deliveriesFor(deps, body, event);
    if (messages === undefined) return { kind: 'ignored', reason: 'the application is gone or belongs to another tenant' };
    // Inbox items are stored here (one write each, idempotent by delivery id); only endpoints, which
    // need their own retries, go on as delivery messages. An inbox outage postpones the whole
    // event before any endpoint delivery is sent; a fan-out run again stores nothing twice.
    const endpoints = messages.filter((message) => message.target.channel !== 'inbox');
    await Promise.all(messages.filter((message) => message.target.channel === 'inbox').map((message) => storeInboxItem(deps, message)));
    if (endpoints.length > 0) await deps.queues.sendDeliveries(endpoints);
    return { kind: 'fanned_out', event, deliveries: messages.length };
  } catch (error) {
    if (!isDomainError(error) || error.code !== 'DEPENDENCY.UNAVAILABLE') throw error;
    const delay = retryDelayMs(input.fanOutAttempt, { kind: 'retry', reason: 'dependency unavailable' }, deps.settings.retryScheduleMs, deps.settings.retryAfterMaxMs, deps.random);
    if (delay === undefined) throw error;
    const at = new Date(Date.parse(deps.clock.now()) + delay);
    await deps.queues.requeueEvent(input.body, body.eventId, input.fanOutAttempt + 1, at);
    deps.log(`notifications: event ${body.eventId} fan-out postponed to ${at.toISOString()} (attempt ${input.fanOutAttempt + 1}): ${error.message}`);
    return { kind: 'requeued', attempt: input.fanOutAttempt + 1, at: at.toISOString() };
  }
}

async function deliveriesFor(deps: NotificationDeps, body: NotificationsQueueBody, event: NotificationEvent): Promise<DeliveryMessage[] | undefined> {
  const gathered = await gather(deps, body, event);
  if (gathered === undefined) return undefined;
  const { facts, recipients } = gathered;
  const occurredAt = facts.timestamp;
  const message = (target: DeliveryTarget, content: NotificationContent): DeliveryMessage => ({
    v: 1,
    deliveryId: deliveryIdOf(facts.eventId, target),
    eventId: facts.eventId,
    tenantId: facts.tenantId,
    event,
    ...(facts.applicationId === undefined ? {} : { applicationId: facts.applicationId }),
    ...(facts.jobId === undefined ? {} : { jobId: facts.jobId }),
    occurredAt,
    target,
    content: { ...content, payload: { ...content.payload } },
    attempt: 1,
    attempts: [],
    replay: 0,
  });

  const messages: DeliveryMessage[] = [];
  const byAudience = new Map<string, NotificationContent>();
  const contentFor = (audience: 'candidate' | 'staff') => {
    if (!byAudience.has(audience)) byAudience.set(audience, notificationContent(facts, audience, deps.settings.publicUrl));
    return byAudience.get(audience)!;
  };
  for (const recipient of recipientsFor(event, recipients)) {
    messages.push(message({ channel: 'inbox', userId: recipient.userId, role: recipient.role, audience: recipient.audience }, contentFor(recipient.audience)));
  }
  if (broadcastEvents.includes(event)) {
    const threadKey = chatThreadKey(facts.applicationId);
    for (const webhook of await deps.routes.forTenant(facts.tenantId)) {
      if (!acceptsEvent(webhook, event, facts.jobId)) continue;
      const staff = contentFor('staff');
      messages.push(
        webhook.kind === 'google_chat'
          ? message({ channel: 'google_chat', webhookId: webhook.id }, { ...staff, ...(threadKey === undefined ? {} : { threadKey }) })
          : message({ channel: 'webhook', webhookId: webhook.id }, staff),
      );
    }
  }
  return messages;
}

/** The facts of the event and who may be told, from the message and (for stage events) the application's facts: in the message, or read. */
async function gather(
  deps: NotificationDeps,
  body: NotificationsQueueBody,
  event: NotificationEvent,
): Promise<{ readonly facts: EventFacts; readonly recipients: RecipientFacts } | undefined> {
  const none: RecipientFacts = { recruiterIds: [], interviewerIds: [], stageVisibleToCandidate: false, actionableByCandidate: false, notifyCandidate: false };
  switch (body.kind) {
    case 'calendar.connection_invalid':
      return {
        facts: commonFacts(event, body),
        recipients: { ...none, recruiterId: body.recruiterId },
      };
    case 'upload.rejected':
      return {
        facts: {
          ...commonFacts(event, body),
          applicationId: body.applicationId,
          notice: { uploadId: body.uploadId, purpose: body.purpose, reason: body.reason, ...(body.stageId === undefined ? {} : { stageId: body.stageId }) },
        },
        recipients: { ...none, uploader: body.uploader },
      };
    default: {
      const application = body.application ?? (await readApplicationFacts(deps, body.tenantId, body.applicationId, body.stageId));
      if (application === undefined) return undefined;
      const { stage } = application;
      return {
        facts: {
          ...commonFacts(event, body),
          applicationId: body.applicationId,
          jobId: application.jobId,
          stage: { id: body.stageId, type: body.stageType, status: body.stageStatus, ...(stage === undefined ? {} : { title: stage.title }) },
          actor: body.actor,
          ...(stage?.candidateMessage === undefined ? {} : { candidateMessage: stage.candidateMessage }),
        },
        recipients: {
          candidateId: application.candidateId,
          recruiterIds: application.recruiterIds,
          interviewerIds: stage?.interviewerIds ?? [],
          stageVisibleToCandidate: body.visibleToCandidate && (stage?.visibleToCandidate ?? false),
          actionableByCandidate: body.actionableBy === 'candidate',
          notifyCandidate: stage?.notifyCandidate ?? false,
        },
      };
    }
  }
}

/** The application's facts read from the store: for messages published without them. */
async function readApplicationFacts(deps: NotificationDeps, tenantId: string, applicationId: string, stageId: string): Promise<ApplicationFacts | undefined> {
  const stored = await deps.applications.get(tenantId, applicationId);
  return stored === undefined ? undefined : applicationFactsOf(stored.document, stageId);
}

/** What every notification's facts carry, whatever its kind. */
function commonFacts(event: NotificationEvent, body: NotificationsQueueBody): Pick<EventFacts, 'event' | 'eventId' | 'tenantId' | 'timestamp'> {
  return { event, eventId: body.eventId, tenantId: body.tenantId, timestamp: body.timestamp };
}
