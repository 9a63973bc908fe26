import type { Access } from '../../auth/domain/permissions.ts';
import { DomainError } from '../../platform/errors.ts';
import type { NotificationDeps } from './notification-deps.ts';

/** Removes an endpoint; deliveries still queued for it are dropped. */
export async function deleteWebhook(deps: Pick<NotificationDeps, 'webhooks' | 'roster'>, access: Access, id: string): Promise<void> {
  if (!(await deps.webhooks.delete(access.tenantId, id))) throw new DomainError('WEBHOOK.NOT_FOUND', { details: { id } });
  await deps.roster.remember(access.tenantId, access.actor.id);
}
