import type { Access } from '../../auth/domain/permissions.ts';
import { recipientKey } from '../domain/inbox-item.ts';
import type { NotificationDeps } from './notification-deps.ts';

/** Marks every unread notification of the caller read. */
export async function markAllNotificationsRead(deps: Pick<NotificationDeps, 'inbox' | 'clock'>, access: Access): Promise<{ marked: number }> {
  return { marked: await deps.inbox.markAllRead(recipientKey(access.tenantId, access.actor.id), deps.clock.now()) };
}
