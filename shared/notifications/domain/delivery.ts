import { createHash } from 'node:crypto';
import { z } from 'zod';
import { notificationEvents, serviceEvents } from './notification-event.ts';

/** Where a notification goes: a user's in-app inbox, a generic (Standard Webhooks) endpoint, a Google Chat space. */
export const channels = ['inbox', 'webhook', 'google_chat'] as const;
export type Channel = (typeof channels)[number];

const id = z.string().min(1).max(256);
const isoDateTime = z.iso.datetime({ offset: true });

export const deliveryTargetSchema = z.discriminatedUnion('channel', [
  z.object({ channel: z.literal('inbox'), userId: id, role: z.enum(['candidate', 'recruiter', 'interviewer', 'admin']), audience: z.enum(['candidate', 'staff']) }),
  z.object({ channel: z.literal('webhook'), webhookId: id }),
  z.object({ channel: z.literal('google_chat'), webhookId: id }),
]);
export type DeliveryTarget = z.infer<typeof deliveryTargetSchema>;

/** One attempt as the dead-letter log keeps it: when, how long, what came back. */
export const attemptRecordSchema = z.object({
  attempt: z.number().int().min(1),
  at: isoDateTime,
  durationMs: z.number().min(0),
  status: z.number().int().optional(),
  error: z.string().max(500).optional(),
  outcome: z.enum(['delivered', 'retry', 'permanent', 'skipped']),
});
export type AttemptRecord = z.infer<typeof attemptRecordSchema>;

export const deliveryContentSchema = z.object({
  title: z.string().max(500),
  body: z.string().max(4000),
  link: z.string().max(2048).optional(),
  payload: z.record(z.string(), z.unknown()),
  threadKey: z.string().max(512).optional(),
});
export type DeliveryContent = z.infer<typeof deliveryContentSchema>;

/**
 * One message on the `notification-deliveries` queue: one attempt of one delivery (one event to
 * one target). A retry is a new scheduled message with `attempt + 1` and the attempts so far; a
 * replay starts again at attempt 1 with `replay + 1`. `deliveryId` never changes: it is the
 * `webhook-id` a receiver deduplicates on and the inbox item's identity.
 */
export const deliveryMessageSchema = z.object({
  v: z.literal(1),
  deliveryId: id,
  eventId: id,
  tenantId: id,
  event: z.enum([...notificationEvents, ...serviceEvents]),
  applicationId: id.optional(),
  jobId: id.optional(),
  occurredAt: isoDateTime,
  target: deliveryTargetSchema,
  content: deliveryContentSchema,
  attempt: z.number().int().min(1).max(100),
  attempts: z.array(attemptRecordSchema).max(100),
  replay: z.number().int().min(0).default(0),
  /** Google Chat: the rate-limit slot already reserved for this attempt (it waited as a scheduled message). */
  chatSlotAt: isoDateTime.optional(),
});
export type DeliveryMessage = z.infer<typeof deliveryMessageSchema>;

/** `inbox:<user>` or `webhook:<id>`: what a delivery is for, within its event. */
export function targetKey(target: DeliveryTarget): string {
  return target.channel === 'inbox' ? `inbox:${target.userId}` : `${target.channel}:${target.webhookId}`;
}

/** A stable id per (event, target): the same event fanned out twice yields the same deliveries. */
export function deliveryIdOf(eventId: string, target: DeliveryTarget): string {
  return `msg_${createHash('sha256').update(`${eventId}\n${targetKey(target)}`).digest('hex').slice(0, 32)}`;
}

/**
 * The Service Bus `messageId` of one attempt: unique per (delivery, replay, attempt), so a
 * crash after scheduling the next attempt and before settling this one sends it once.
 */
export function attemptMessageId(message: Pick<DeliveryMessage, 'deliveryId' | 'attempt' | 'replay'>): string {
  return message.attempt === 1 && message.replay === 0 ? message.deliveryId : `${message.deliveryId}.r${message.replay}.a${message.attempt}`;
}
