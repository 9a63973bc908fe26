import type { InboxItem } from '../domain/inbox-item.ts';

export interface InboxPage {
  readonly items: readonly InboxItem[];
  readonly continuationToken?: string;
}

export interface InboxQuery {
  readonly unreadOnly: boolean;
  readonly limit: number;
  readonly continuationToken?: string;
}

/** Per-user in-app inboxes; every call names the recipient (`<tenantId>/<userId>`), so reads stay in one user's items. */
export interface InboxStore {
  /** Stores the item unless one with its id is there already; `true` when this call stored it. */
  add(item: InboxItem): Promise<boolean>;
  /** Newest first (by when the event happened). */
  page(recipient: string, query: InboxQuery): Promise<InboxPage>;
  unreadCount(recipient: string): Promise<number>;
  /** The item, read (`readAt` kept if it was already read); `undefined` when the recipient has no such item. */
  markRead(recipient: string, id: string, at: string): Promise<InboxItem | undefined>;
  /** Marks every unread item read; how many changed. */
  markAllRead(recipient: string, at: string): Promise<number>;
}
