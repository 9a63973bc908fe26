import type { Access } from '../../auth/domain/permissions.ts';
import type { WebhookView } from '../api/notifications-api.schema.ts';
import { webhookView } from '../api/notification-views.ts';
import type { NotificationDeps } from './notification-deps.ts';
import { tenantWebhook } from './webhook-access.ts';

export async function getWebhook(deps: Pick<NotificationDeps, 'webhooks'>, access: Access, id: string): Promise<WebhookView> {
  return webhookView((await tenantWebhook(deps, access, id)).webhook);
}
