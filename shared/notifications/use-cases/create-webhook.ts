import type { Access } from '../../auth/domain/permissions.ts';
import type { CreateWebhookBody, WebhookView } from '../api/notifications-api.schema.ts';
import { webhookView } from '../api/notification-views.ts';
import type { Webhook } from '../domain/webhook.ts';
import type { NotificationDeps } from './notification-deps.ts';
import { allowedUrl } from './webhook-access.ts';

/**
 * Registers an endpoint for the caller's tenant: the URL checked (scheme, host, where it
 * resolves), a signing secret made for a generic webhook, everything sealed by the store. The
 * secret is in this answer only.
 */
export async function createWebhook(deps: NotificationDeps, access: Access, body: CreateWebhookBody): Promise<WebhookView & { secret?: string }> {
  const { url, urlHint, spaceKey } = await allowedUrl(deps, access.tenantId, body.kind, body.url);
  const now = deps.clock.now();
  const secret = body.kind === 'generic' ? deps.newSecret() : undefined;
  const webhook: Webhook = {
    id: `wh_${deps.newId().replaceAll('-', '')}`,
    tenantId: access.tenantId,
    kind: body.kind,
    url,
    urlHint,
    ...(body.events === undefined ? {} : { events: body.events }),
    ...(body.jobId === undefined ? {} : { jobId: body.jobId }),
    secrets: secret === undefined ? [] : [{ secret, createdAt: now }],
    enabled: true,
    ...(spaceKey === undefined ? {} : { spaceKey }),
    createdAt: now,
    createdBy: access.actor.id,
    updatedAt: now,
  };
  await deps.webhooks.create(webhook);
  await deps.roster.remember(access.tenantId, access.actor.id);
  return { ...webhookView(webhook), ...(secret === undefined ? {} : { secret }) };
}
