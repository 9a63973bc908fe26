import type { Access } from '../../auth/domain/permissions.ts';
import type { WebhookView } from '../api/notifications-api.schema.ts';
import { webhookView } from '../api/notification-views.ts';
import type { NotificationDeps } from './notification-deps.ts';

/** The caller's tenant's endpoints, oldest first. */
export async function listWebhooks(deps: Pick<NotificationDeps, 'webhooks'>, access: Access): Promise<{ items: WebhookView[] }> {
  return { items: (await deps.webhooks.list(access.tenantId)).map(({ webhook }) => webhookView(webhook)) };
}
