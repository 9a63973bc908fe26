import { z } from 'zod';
import { broadcastEvents, type NotificationEvent } from '../domain/notification-event.ts';
import { channels } from '../domain/delivery.ts';
import { webhookKinds } from '../domain/webhook.ts';

const id = z.string().min(1).max(128);
const isoDateTime = z.iso.datetime({ offset: true });
const continuationToken = z.string().min(1).max(4000).optional().describe('From the previous page\'s `continuationToken`.');
const limit = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback).describe(`1–${max} (${fallback}).`);

/** Events a webhook can subscribe to (personal notices stay in the inbox). */
export const broadcastEventSchema = z.enum(broadcastEvents as [NotificationEvent, ...NotificationEvent[]]);

// ── Inbox ──────────────────────────────────────────────────────────────────────────────────

export const inboxQuerySchema = z.strictObject({
  unread: z.enum(['true', 'false']).optional().transform((value) => value === 'true').describe('`true`: unread items only.'),
  limit: limit(100, 20),
  continuationToken,
});
export type InboxQueryInput = z.output<typeof inboxQuerySchema>;

export const notificationPathSchema = z.object({ id });

export const inboxItemViewSchema = z.object({
  id: z.string().describe('The delivery id: one per event and recipient.'),
  event: z.string(),
  title: z.string(),
  body: z.string(),
  link: z.string().optional(),
  payload: z.record(z.string(), z.unknown()).describe('The seed payload (`type`, `stageType`, `stageStatus`, `applicationId`, `actor`, `timestamp`) plus `eventId` and `event`; notices carry `type: "NOTICE"`.'),
  occurredAt: z.string(),
  deliveredAt: z.string(),
  read: z.boolean(),
  readAt: z.string().optional(),
});
export type InboxItemView = z.infer<typeof inboxItemViewSchema>;

export const inboxPageSchema = z.object({
  items: z.array(inboxItemViewSchema),
  unreadCount: z.number().int().min(0),
  continuationToken: z.string().optional(),
});
export type InboxPageView = z.infer<typeof inboxPageSchema>;

export const markAllReadResultSchema = z.object({ marked: z.number().int().min(0) });

// ── Webhooks ───────────────────────────────────────────────────────────────────────────────

export const webhookPathSchema = z.object({ id });

export const createWebhookBodySchema = z.strictObject({
  kind: z.enum(webhookKinds),
  url: z.string().trim().min(1).max(2048).describe('https (http to a loopback host on the local host only). Stored encrypted; never shown again (`urlHint` shows the host).'),
  events: z.array(broadcastEventSchema).min(1).max(broadcastEvents.length).optional().describe('Absent: every event.'),
  jobId: id.optional().describe('Only applications of this job.'),
});
export type CreateWebhookBody = z.output<typeof createWebhookBodySchema>;

export const updateWebhookBodySchema = z
  .strictObject({
    url: z.string().trim().min(1).max(2048).optional(),
    events: z.array(broadcastEventSchema).min(1).max(broadcastEvents.length).nullable().optional().describe('`null`: every event.'),
    jobId: id.nullable().optional().describe('`null`: every job.'),
    enabled: z.boolean().optional().describe('`true` re-enables a disabled endpoint (and clears its failure record).'),
  })
  .refine((body) => Object.keys(body).length > 0, { message: 'Change at least one of url, events, jobId, enabled.' });
export type UpdateWebhookBody = z.output<typeof updateWebhookBodySchema>;

export const webhookViewSchema = z.object({
  id: z.string(),
  kind: z.enum(webhookKinds),
  urlHint: z.string().describe('The URL\'s host: the URL itself is never shown after creation.'),
  events: z.array(z.string()).nullable().describe('`null`: every event.'),
  jobId: z.string().nullable(),
  enabled: z.boolean(),
  disabledAt: z.string().optional(),
  disabledReason: z.string().optional(),
  failingSince: z.string().optional(),
  recoveredAt: z.string().optional().describe('The success that ended the last run of failures.'),
  secretRotatedAt: z.string().optional(),
  previousSecretExpiresAt: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type WebhookView = z.infer<typeof webhookViewSchema>;

export const createdWebhookSchema = webhookViewSchema.extend({
  secret: z.string().optional().describe('Generic webhooks: the signing secret (`whsec_…`), shown only in this answer.'),
});

export const webhookListSchema = z.object({ items: z.array(webhookViewSchema) });

export const rotatedSecretSchema = z.object({
  id: z.string(),
  secret: z.string().describe('The new signing secret, shown only in this answer.'),
  previousSecretExpiresAt: z.string().describe('Until then deliveries carry both signatures.'),
});

export const webhookTestResultSchema = z.object({
  delivered: z.boolean(),
  webhookMessageId: z.string().describe('The `webhook-id` the ping was sent with.'),
  status: z.number().int().optional(),
  durationMs: z.number(),
  error: z.string().optional(),
});
export type WebhookTestResult = z.infer<typeof webhookTestResultSchema>;

// ── Dead letters ───────────────────────────────────────────────────────────────────────────

export const deadLetterQuerySchema = z.strictObject({
  webhookId: id.optional(),
  since: isoDateTime.optional().describe('Dead-lettered at or after this time.'),
  status: z.enum(['dead_lettered', 'replayed']).optional(),
  limit: limit(200, 50),
  continuationToken,
});
export type DeadLetterQueryInput = z.output<typeof deadLetterQuerySchema>;

export const deadLetterPathSchema = z.object({ id });

export const deadLetterViewSchema = z.object({
  id: z.string().describe('The delivery id (the `webhook-id` a replay is sent with again).'),
  eventId: z.string(),
  event: z.string(),
  channel: z.enum(channels),
  webhookId: z.string().optional(),
  recipient: z.string().optional().describe('Inbox deliveries: the user.'),
  reason: z.string(),
  attempts: z.array(
    z.object({ attempt: z.number().int(), at: z.string(), durationMs: z.number(), status: z.number().int().optional(), error: z.string().optional(), outcome: z.string() }),
  ),
  deadLetteredAt: z.string(),
  status: z.enum(['dead_lettered', 'replayed']),
  replays: z.number().int(),
  lastReplayedAt: z.string().optional(),
});
export type DeadLetterView = z.infer<typeof deadLetterViewSchema>;

export const deadLetterPageSchema = z.object({ items: z.array(deadLetterViewSchema), continuationToken: z.string().optional() });

export const replayManyBodySchema = z.strictObject({
  webhookId: id.optional(),
  since: isoDateTime.optional(),
});
export type ReplayManyBody = z.output<typeof replayManyBodySchema>;

export const replayResultSchema = z.object({
  replayed: z.number().int().min(0),
  ids: z.array(z.string()),
  more: z.boolean().describe('More entries matched than one call replays (1000): call again.'),
});
export type ReplayResult = z.infer<typeof replayResultSchema>;
