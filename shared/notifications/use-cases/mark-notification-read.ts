import type { Access } from '../../auth/domain/permissions.ts';
import { DomainError } from '../../platform/errors.ts';
import type { InboxItemView } from '../api/notifications-api.schema.ts';
import { inboxItemView } from '../api/notification-views.ts';
import { recipientKey } from '../domain/inbox-item.ts';
import type { NotificationDeps } from './notification-deps.ts';

/** Marks one of the caller's notifications read; anyone else's (or none) is `NOTIFICATION.NOT_FOUND`. */
export async function markNotificationRead(deps: Pick<NotificationDeps, 'inbox' | 'clock'>, access: Access, id: string): Promise<InboxItemView> {
  const item = await deps.inbox.markRead(recipientKey(access.tenantId, access.actor.id), id, deps.clock.now());
  if (item === undefined) throw new DomainError('NOTIFICATION.NOT_FOUND', { details: { id } });
  return inboxItemView(item);
}
