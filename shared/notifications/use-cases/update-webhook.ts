import type { Access } from '../../auth/domain/permissions.ts';
import { DomainError } from '../../platform/errors.ts';
import type { UpdateWebhookBody, WebhookView } from '../api/notifications-api.schema.ts';
import { webhookView } from '../api/notification-views.ts';
import type { Webhook } from '../domain/webhook.ts';
import type { NotificationDeps } from './notification-deps.ts';
import { allowedUrl, tenantWebhook } from './webhook-access.ts';

/**
 * Changes an endpoint's URL (checked like a new one), filters or state. `enabled: true` on a
 * disabled endpoint enables it with a clean failure record; its dead letters stay in the log
 * until replayed.
 */
export async function updateWebhook(deps: NotificationDeps, access: Access, id: string, body: UpdateWebhookBody): Promise<WebhookView> {
  const checkedUrl = body.url === undefined ? undefined : await allowedUrl(deps, access.tenantId, (await tenantWebhook(deps, access, id)).webhook.kind, body.url);
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const { webhook, etag } = await tenantWebhook(deps, access, id);
    const next = changed(webhook, body, checkedUrl, deps.clock.now());
    const replaced = await deps.webhooks.replace(next, etag);
    if (replaced === undefined) break;
    if (replaced !== 'conflict') {
      await deps.roster.remember(access.tenantId, access.actor.id);
      return webhookView(replaced.webhook);
    }
  }
  throw new DomainError('WEBHOOK.NOT_FOUND', { details: { id } });
}

function changed(webhook: Webhook, body: UpdateWebhookBody, url: Awaited<ReturnType<typeof allowedUrl>> | undefined, now: string): Webhook {
  const { events: _events, jobId: _jobId, disabledAt: _disabledAt, disabledReason: _disabledReason, failingSince: _failingSince, spaceKey: _spaceKey, ...rest } = webhook;
  const events = body.events === undefined ? webhook.events : body.events ?? undefined;
  const jobId = body.jobId === undefined ? webhook.jobId : body.jobId ?? undefined;
  const enabled = body.enabled ?? webhook.enabled;
  const reEnabled = enabled && !webhook.enabled;
  const spaceKey = url === undefined ? webhook.spaceKey : url.spaceKey;
  return {
    ...rest,
    ...(url === undefined ? {} : { url: url.url, urlHint: url.urlHint }),
    ...(events === undefined ? {} : { events }),
    ...(jobId === undefined ? {} : { jobId }),
    ...(spaceKey === undefined ? {} : { spaceKey }),
    enabled,
    ...(enabled ? {} : { disabledAt: webhook.disabledAt ?? now, disabledReason: webhook.disabledReason ?? 'disabled by an admin' }),
    ...(reEnabled || url !== undefined || webhook.failingSince === undefined ? {} : { failingSince: webhook.failingSince }),
    updatedAt: now,
  };
}
