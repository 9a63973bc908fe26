import type { Container } from '@azure/cosmos';
import { z } from 'zod';
import { CosmosDocuments } from '../../platform/cosmos/cosmos-documents.ts';
import type { CosmosRequestMeter } from '../../platform/cosmos/cosmos-request-meter.ts';
import type { InboxItem } from '../domain/inbox-item.ts';
import type { InboxPage, InboxQuery, InboxStore } from '../ports/inbox-store.port.ts';

export interface CosmosInboxStoreOptions {
  readonly container: Container;
  readonly meter?: Pick<CosmosRequestMeter, 'record'>;
}

const inboxItemSchema = z.object({
  id: z.string().min(1),
  recipient: z.string().min(1),
  tenantId: z.string().min(1),
  userId: z.string().min(1),
  eventId: z.string().min(1),
  event: z.string().min(1),
  title: z.string(),
  body: z.string(),
  link: z.string().optional(),
  payload: z.record(z.string(), z.unknown()),
  occurredAt: z.string(),
  deliveredAt: z.string(),
  readAt: z.string().optional(),
});

/** The `inbox` container: partition `/recipient` (one user's items), items expire with the container's 90-day TTL. */
export class CosmosInboxStore implements InboxStore {
  readonly #items: CosmosDocuments<InboxItem>;

  constructor(options: CosmosInboxStoreOptions) {
    this.#items = new CosmosDocuments<InboxItem>({
      container: options.container,
      schema: inboxItemSchema as z.ZodType<InboxItem>,
      partitionKeyOf: (item) => item.recipient,
      meter: options.meter,
      scope: 'notifications',
    });
  }

  async add(item: InboxItem): Promise<boolean> {
    return (await this.#items.create(item)) !== 'exists';
  }

  async page(recipient: string, query: InboxQuery): Promise<InboxPage> {
    const page = await this.#items.queryPage(
      {
        query: `SELECT * FROM c WHERE c.recipient = @recipient${query.unreadOnly ? ' AND NOT IS_DEFINED(c.readAt)' : ''} ORDER BY c.occurredAt DESC`,
        parameters: [{ name: '@recipient', value: recipient }],
      },
      { partitionKey: recipient, maxItemCount: query.limit, ...(query.continuationToken === undefined ? {} : { continuationToken: query.continuationToken }) },
    );
    return { items: page.items.map((stored) => stored.document), ...(page.continuationToken === undefined ? {} : { continuationToken: page.continuationToken }) };
  }

  async unreadCount(recipient: string): Promise<number> {
    const [count] = await this.#items.queryValues(
      { query: 'SELECT VALUE COUNT(1) FROM c WHERE c.recipient = @recipient AND NOT IS_DEFINED(c.readAt)', parameters: [{ name: '@recipient', value: recipient }] },
      z.number().int().min(0),
      { partitionKey: recipient },
    );
    return count ?? 0;
  }

  async markRead(recipient: string, id: string, at: string): Promise<InboxItem | undefined> {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const stored = await this.#items.read(id, recipient);
      if (stored === undefined) return undefined;
      if (stored.document.readAt !== undefined) return stored.document;
      const replaced = await this.#items.replace({ ...stored.document, readAt: at }, stored.etag);
      if (replaced === undefined) return undefined;
      if (replaced !== 'conflict') return replaced.document;
    }
    throw new Error(`inbox item ${id} kept changing while it was marked read`);
  }

  async markAllRead(recipient: string, at: string): Promise<number> {
    const unread = await this.#items.queryAll(
      { query: 'SELECT * FROM c WHERE c.recipient = @recipient AND NOT IS_DEFINED(c.readAt)', parameters: [{ name: '@recipient', value: recipient }] },
      { partitionKey: recipient },
    );
    let marked = 0;
    for (const stored of unread) {
      const replaced = await this.#items.replace({ ...stored.document, readAt: at }, stored.etag);
      if (replaced === 'conflict') {
        if ((await this.markRead(recipient, stored.document.id, at))?.readAt === at) marked += 1;
      } else if (replaced !== undefined) {
        marked += 1;
      }
    }
    return marked;
  }
}
