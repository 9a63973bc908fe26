import { deliveryIdOf, type DeliveryMessage } from '../domain/delivery.ts';
import { serviceNoticeContent } from '../domain/notification-content.ts';
import { recipientKey } from '../domain/inbox-item.ts';
import type { Verdict } from '../domain/retry-policy.ts';
import { afterAttempt, type HealthChange, type Webhook } from '../domain/webhook.ts';
import type { NotificationDeps } from './notification-deps.ts';

/**
 * Writes what one attempt means for its endpoint (first failure, recovery, disabled after a day
 * of failures) with a conditional replace; a lost race re-reads and decides again. The one call
 * that disables the endpoint tells the tenant's known admins in their inbox.
 */
export async function recordEndpointHealth(deps: NotificationDeps, webhook: Webhook, etag: string, verdict: Verdict, now: string): Promise<HealthChange> {
  let current = webhook;
  let currentEtag = etag;
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const { change, webhook: next } = afterAttempt(current, verdict, now);
    if (change === 'none') return 'none';
    const replaced = await deps.webhooks.replace(next, currentEtag);
    if (replaced === undefined) return 'none';
    if (replaced !== 'conflict') {
      if (change === 'disabled') await notifyAdmins(deps, next, now);
      return change;
    }
    const again = await deps.webhooks.get(webhook.tenantId, webhook.id);
    if (again === undefined) return 'none';
    current = again.webhook;
    currentEtag = again.etag;
  }
  return 'none';
}

async function notifyAdmins(deps: NotificationDeps, webhook: Webhook, now: string): Promise<void> {
  const eventId = `webhook.disabled:${webhook.tenantId}:${webhook.id}:${now}`;
  const content = serviceNoticeContent(
    'webhook.disabled',
    { webhookId: webhook.id, urlHint: webhook.urlHint, at: now, eventId, ...(webhook.failingSince === undefined ? {} : { failingSince: webhook.failingSince }) },
    deps.settings.publicUrl,
  );
  const admins = await deps.roster.admins(webhook.tenantId);
  deps.log(`notifications: webhook ${webhook.id} (${webhook.urlHint}) disabled after failing since ${webhook.failingSince}; telling ${admins.length} admin(s)`);
  const messages: DeliveryMessage[] = admins.map((userId) => {
    const target = { channel: 'inbox' as const, userId, role: 'admin' as const, audience: 'staff' as const };
    return { v: 1, deliveryId: deliveryIdOf(eventId, target), eventId, tenantId: webhook.tenantId, event: 'webhook.disabled', occurredAt: now, target, content: { ...content }, attempt: 1, attempts: [], replay: 0 };
  });
  // Straight into the inboxes (idempotent by delivery id); the deliveries queue is the fallback when the store refuses.
  for (const message of messages) {
    try {
      await deps.inbox.add({
        id: message.deliveryId,
        recipient: recipientKey(message.tenantId, (message.target as { userId: string }).userId),
        tenantId: message.tenantId,
        userId: (message.target as { userId: string }).userId,
        eventId,
        event: 'webhook.disabled',
        title: content.title,
        body: content.body,
        ...(content.link === undefined ? {} : { link: content.link }),
        payload: content.payload,
        occurredAt: now,
        deliveredAt: now,
      });
    } catch {
      await deps.queues.sendDeliveries([message]);
    }
  }
}
