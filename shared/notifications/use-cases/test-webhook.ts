import type { Access } from '../../auth/domain/permissions.ts';
import type { WebhookTestResult } from '../api/notifications-api.schema.ts';
import { serviceNoticeContent } from '../domain/notification-content.ts';
import { classifyAttempt } from '../domain/retry-policy.ts';
import type { NotificationDeps } from './notification-deps.ts';
import { tenantWebhook } from './webhook-access.ts';

/**
 * Sends one signed ping (`event: "webhook.ping"`) to the endpoint now and answers what came back.
 * Not retried, not dead-lettered, and it does not change the endpoint's failure record; a
 * disabled endpoint can be pinged (to see that it works again before enabling it).
 */
export async function testWebhook(deps: NotificationDeps, access: Access, id: string): Promise<WebhookTestResult> {
  const { webhook } = await tenantWebhook(deps, access, id);
  await deps.roster.remember(access.tenantId, access.actor.id);
  const now = deps.clock.now();
  const deliveryId = `ping_${deps.newId().replaceAll('-', '')}`;
  const content = serviceNoticeContent('webhook.ping', { webhookId: webhook.id, urlHint: webhook.urlHint, at: now, eventId: deliveryId }, deps.settings.publicUrl);
  const report = await deps.sender.deliver(webhook, { deliveryId, content: { ...content, payload: { ...content.payload, type: 'PING' } } }, new Date(now));
  return {
    delivered: classifyAttempt(report.result).kind === 'delivered',
    webhookMessageId: deliveryId,
    ...(report.result.kind === 'response' ? { status: report.result.status } : {}),
    durationMs: report.durationMs,
    ...(report.error === undefined ? {} : { error: report.error }),
  };
}
