import { isDomainError } from '../../platform/errors.ts';
import { deliveryMessageSchema, type AttemptRecord, type DeliveryMessage } from '../domain/delivery.ts';
import { recipientKey } from '../domain/inbox-item.ts';
import { classifyAttempt, retryDelayMs, type Verdict } from '../domain/retry-policy.ts';
import { acceptsEvent } from '../domain/webhook.ts';
import { isNotificationEvent } from '../domain/notification-event.ts';
import type { AttemptReport } from '../ports/webhook-sender.port.ts';
import { recordEndpointHealth } from './endpoint-health.ts';
import { ensureInstruments, recordAttempt } from './notification-metrics.ts';
import type { NotificationDeps } from './notification-deps.ts';
import { unreadable } from './unreadable-message.ts';
import { recordDeadLetter } from './record-dead-letter.ts';

export type DeliveryResult =
  | { readonly kind: 'delivered' }
  | { readonly kind: 'retry_scheduled'; readonly attempt: number; readonly at: string }
  | { readonly kind: 'dead_lettered'; readonly reason: string }
  | { readonly kind: 'waiting_for_chat_slot'; readonly at: string }
  | { readonly kind: 'dropped'; readonly reason: string };

/** Chat slots this close to now are taken at once rather than waited for. */
const SLOT_TOLERANCE_MS = 50;

/**
 * One attempt of one delivery (one message of `notification-deliveries`):
 * - inbox: store the item (once per delivery id);
 * - webhook / Google Chat: load the endpoint, wait for a Chat slot if the space is busy, POST,
 *   then decide with the retry policy: delivered; retry later as a new scheduled message
 *   (full-jitter backoff, or `Retry-After`); or dead-letter (permanent answer, last attempt,
 *   or the endpoint is disabled). The endpoint's health is updated on the way.
 * Throws `UnreadableMessageError` for a message that is not a delivery.
 */
export async function deliverNotification(deps: NotificationDeps, input: { readonly body: unknown; readonly deliveryCount: number; readonly maxDeliveryCount: number }): Promise<DeliveryResult> {
  ensureInstruments();
  const parsed = deliveryMessageSchema.safeParse(input.body);
  if (!parsed.success) throw unreadable('notification-deliveries', parsed.error, input);
  const message = parsed.data;
  return message.target.channel === 'inbox' ? deliverToInbox(deps, message) : deliverToEndpoint(deps, message);
}

async function deliverToInbox(deps: NotificationDeps, message: DeliveryMessage): Promise<DeliveryResult> {
  const now = deps.clock.now();
  const started = performance.now();
  try {
    await storeInboxItem(deps, message);
  } catch (error) {
    if (!isDomainError(error) || error.code !== 'DEPENDENCY.UNAVAILABLE') throw error;
    return afterFailure(deps, message, { kind: 'retry', reason: 'inbox store unavailable' }, { at: now, durationMs: elapsed(started), error: 'inbox store unavailable' });
  }
  return { kind: 'delivered' };
}

/**
 * Stores one inbox delivery (once per delivery id: storing it again changes nothing) and counts
 * it delivered. The fan-out calls this itself; an outage of the inbox store throws
 * `DEPENDENCY.UNAVAILABLE` to the caller.
 */
export async function storeInboxItem(deps: NotificationDeps, message: DeliveryMessage): Promise<void> {
  const target = message.target as Extract<DeliveryMessage['target'], { channel: 'inbox' }>;
  const started = performance.now();
  await deps.inbox.add({
    id: message.deliveryId,
    recipient: recipientKey(message.tenantId, target.userId),
    tenantId: message.tenantId,
    userId: target.userId,
    eventId: message.eventId,
    event: message.event,
    title: message.content.title,
    body: message.content.body,
    ...(message.content.link === undefined ? {} : { link: message.content.link }),
    payload: message.content.payload,
    occurredAt: message.occurredAt,
    deliveredAt: deps.clock.now(),
  });
  recordAttempt('inbox', 'delivered', elapsed(started));
}

async function deliverToEndpoint(deps: NotificationDeps, message: DeliveryMessage): Promise<DeliveryResult> {
  const target = message.target as Extract<DeliveryMessage['target'], { channel: 'webhook' | 'google_chat' }>;
  const stored = await deps.webhooks.get(message.tenantId, target.webhookId);
  if (stored === undefined) {
    recordAttempt(target.channel, 'dropped', undefined);
    deps.log(`notifications: delivery ${message.deliveryId} dropped: webhook ${target.webhookId} was deleted`);
    return { kind: 'dropped', reason: 'the webhook was deleted' };
  }
  const { webhook, etag } = stored;
  // The fan-out's webhook list may be a few seconds old: a first delivery the endpoint no longer takes is not sent (a replay is the admin's call).
  if (message.replay === 0 && isNotificationEvent(message.event) && !acceptsEvent(webhook, message.event, message.jobId)) {
    recordAttempt(target.channel, 'dropped', undefined);
    deps.log(`notifications: delivery ${message.deliveryId} dropped: webhook ${target.webhookId} no longer takes ${message.event}${message.jobId === undefined ? '' : ` for job ${message.jobId}`}`);
    return { kind: 'dropped', reason: 'the webhook no longer takes this event' };
  }
  const now = deps.clock.now();
  if (!webhook.enabled) {
    const skipped: AttemptRecord = { attempt: message.attempt, at: now, durationMs: 0, error: 'endpoint disabled', outcome: 'skipped' };
    await recordDeadLetter(deps, message, skipped, 'endpoint disabled', 'endpoint_disabled');
    return { kind: 'dead_lettered', reason: 'endpoint disabled' };
  }
  if (webhook.kind === 'google_chat' && message.chatSlotAt === undefined && webhook.spaceKey !== undefined) {
    const nowMs = Date.parse(now);
    const slotAt = await deps.chatRate.reserve(webhook.tenantId, webhook.spaceKey, nowMs);
    if (slotAt - nowMs > SLOT_TOLERANCE_MS) {
      const at = new Date(slotAt);
      await deps.queues.sendDeliveries([{ ...message, chatSlotAt: at.toISOString() }], { at, idSuffix: '.slot' });
      return { kind: 'waiting_for_chat_slot', at: at.toISOString() };
    }
  }

  const report = await deps.sender.deliver(webhook, { deliveryId: message.deliveryId, content: message.content }, new Date(now));
  const verdict = classifyAttempt(report.result);
  await recordEndpointHealth(deps, webhook, etag, verdict, now);
  if (verdict.kind === 'delivered') {
    recordAttempt(target.channel, 'delivered', report.durationMs);
    return { kind: 'delivered' };
  }
  return afterFailure(deps, message, verdict, { at: now, durationMs: report.durationMs, ...statusAndError(report) });
}

/** Schedules the next attempt, or writes the dead letter when there is none. */
async function afterFailure(
  deps: NotificationDeps,
  message: DeliveryMessage,
  verdict: Exclude<Verdict, { kind: 'delivered' }>,
  attempt: Omit<AttemptRecord, 'attempt' | 'outcome'>,
): Promise<DeliveryResult> {
  const record: AttemptRecord = { attempt: message.attempt, ...attempt, outcome: verdict.kind };
  if (verdict.kind === 'retry') {
    const delay = retryDelayMs(message.attempt, verdict, deps.settings.retryScheduleMs, deps.settings.retryAfterMaxMs, deps.random);
    if (delay !== undefined) {
      const at = new Date(Date.parse(attempt.at) + delay);
      const { chatSlotAt: _slot, ...rest } = message;
      await deps.queues.sendDeliveries([{ ...rest, attempt: message.attempt + 1, attempts: [...message.attempts, record] }], { at });
      recordAttempt(message.target.channel, 'retried', attempt.durationMs);
      return { kind: 'retry_scheduled', attempt: message.attempt + 1, at: at.toISOString() };
    }
    const reason = `gave up after ${message.attempt} attempts (last: ${verdict.reason})`;
    await recordDeadLetter(deps, message, record, reason, 'exhausted');
    return { kind: 'dead_lettered', reason };
  }
  await recordDeadLetter(deps, message, record, verdict.reason, 'permanent');
  return { kind: 'dead_lettered', reason: verdict.reason };
}

function statusAndError(report: AttemptReport): { status?: number; error?: string } {
  return {
    ...(report.result.kind === 'response' ? { status: report.result.status } : {}),
    ...(report.error === undefined ? {} : { error: report.error.slice(0, 500) }),
  };
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}
