import type { Access } from '../../auth/domain/permissions.ts';
import type { InboxPageView, InboxQueryInput } from '../api/notifications-api.schema.ts';
import { inboxItemView } from '../api/notification-views.ts';
import { recipientKey } from '../domain/inbox-item.ts';
import type { NotificationDeps } from './notification-deps.ts';

/** The caller's own inbox, newest first, with their unread count. */
export async function readInbox(deps: Pick<NotificationDeps, 'inbox'>, access: Access, query: InboxQueryInput): Promise<InboxPageView> {
  const recipient = recipientKey(access.tenantId, access.actor.id);
  const [page, unreadCount] = await Promise.all([
    deps.inbox.page(recipient, { unreadOnly: query.unread, limit: query.limit, ...(query.continuationToken === undefined ? {} : { continuationToken: query.continuationToken }) }),
    deps.inbox.unreadCount(recipient),
  ]);
  return { items: page.items.map(inboxItemView), unreadCount, ...(page.continuationToken === undefined ? {} : { continuationToken: page.continuationToken }) };
}
