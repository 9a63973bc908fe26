import type { DeadLetter } from '../domain/dead-letter.ts';
import type { InboxItem } from '../domain/inbox-item.ts';
import type { Webhook } from '../domain/webhook.ts';
import type { DeadLetterView, InboxItemView, WebhookView } from './notifications-api.schema.ts';

export function inboxItemView(item: InboxItem): InboxItemView {
  return {
    id: item.id,
    event: item.event,
    title: item.title,
    body: item.body,
    ...(item.link === undefined ? {} : { link: item.link }),
    payload: { ...item.payload },
    occurredAt: item.occurredAt,
    deliveredAt: item.deliveredAt,
    read: item.readAt !== undefined,
    ...(item.readAt === undefined ? {} : { readAt: item.readAt }),
  };
}

/** An endpoint as admins see it: never its URL or a secret. */
export function webhookView(webhook: Webhook): WebhookView {
  const [current, previous] = webhook.secrets;
  return {
    id: webhook.id,
    kind: webhook.kind,
    urlHint: webhook.urlHint,
    events: webhook.events === undefined ? null : [...webhook.events],
    jobId: webhook.jobId ?? null,
    enabled: webhook.enabled,
    ...(webhook.disabledAt === undefined ? {} : { disabledAt: webhook.disabledAt }),
    ...(webhook.disabledReason === undefined ? {} : { disabledReason: webhook.disabledReason }),
    ...(webhook.failingSince === undefined ? {} : { failingSince: webhook.failingSince }),
    ...(webhook.recoveredAt === undefined ? {} : { recoveredAt: webhook.recoveredAt }),
    ...(current !== undefined && current.createdAt !== webhook.createdAt ? { secretRotatedAt: current.createdAt } : {}),
    ...(previous?.expiresAt === undefined ? {} : { previousSecretExpiresAt: previous.expiresAt }),
    createdAt: webhook.createdAt,
    updatedAt: webhook.updatedAt,
  };
}

export function deadLetterView(entry: DeadLetter): DeadLetterView {
  const target = entry.message.target;
  return {
    id: entry.id,
    eventId: entry.eventId,
    event: entry.event,
    channel: entry.channel,
    ...(entry.webhookId === undefined ? {} : { webhookId: entry.webhookId }),
    ...(target.channel === 'inbox' ? { recipient: target.userId } : {}),
    reason: entry.reason,
    attempts: entry.attempts.map((attempt) => ({ ...attempt })),
    deadLetteredAt: entry.deadLetteredAt,
    status: entry.status,
    replays: entry.replays,
    ...(entry.lastReplayedAt === undefined ? {} : { lastReplayedAt: entry.lastReplayedAt }),
  };
}
