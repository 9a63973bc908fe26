import type { Container } from '@azure/cosmos';
import { z } from 'zod';
import { CosmosDocuments } from '../../platform/cosmos/cosmos-documents.ts';
import type { CosmosRequestMeter } from '../../platform/cosmos/cosmos-request-meter.ts';
import { open, seal, sealedSchema } from '../../platform/crypto/envelope.ts';
import type { Keyring } from '../../platform/crypto/keyring.ts';
import { notificationEvents } from '../domain/notification-event.ts';
import { webhookKinds, type Webhook } from '../domain/webhook.ts';
import type { StoredWebhook, WebhookStore } from '../ports/webhook-store.port.ts';

export interface CosmosWebhookStoreOptions {
  readonly container: Container;
  readonly keyring: Keyring;
  readonly meter?: Pick<CosmosRequestMeter, 'record'>;
}

/**
 * A webhook as stored: the URL and every secret sealed (AES-256-GCM, key id per value, bound to
 * this record and field by the `aad`); only the host (`urlHint`) in the clear. The `webhooks`
 * container (partition `/tenantId`) also holds the admin roster and Chat rate cursors, told
 * apart by `type`.
 */
export const webhookDocumentSchema = z.object({
  id: z.string().min(1),
  tenantId: z.string().min(1),
  type: z.literal('webhook'),
  kind: z.enum(webhookKinds),
  url: sealedSchema,
  urlHint: z.string(),
  events: z.array(z.enum(notificationEvents)).optional(),
  jobId: z.string().optional(),
  secrets: z.array(z.object({ value: sealedSchema, createdAt: z.string(), expiresAt: z.string().optional() })),
  enabled: z.boolean(),
  disabledAt: z.string().optional(),
  disabledReason: z.string().optional(),
  failingSince: z.string().optional(),
  recoveredAt: z.string().optional(),
  spaceKey: z.string().optional(),
  createdAt: z.string(),
  createdBy: z.string(),
  updatedAt: z.string(),
});
export type WebhookDocument = z.infer<typeof webhookDocumentSchema>;

export const urlAad = (tenantId: string, id: string) => `webhooks/${tenantId}/${id}/url`;
export const secretAad = (tenantId: string, id: string, createdAt: string) => `webhooks/${tenantId}/${id}/secret/${createdAt}`;

export class CosmosWebhookStore implements WebhookStore {
  readonly #documents: CosmosDocuments<WebhookDocument>;
  readonly #keyring: Keyring;

  constructor(options: CosmosWebhookStoreOptions) {
    this.#keyring = options.keyring;
    this.#documents = new CosmosDocuments({
      container: options.container,
      schema: webhookDocumentSchema,
      partitionKeyOf: (document) => document.tenantId,
      meter: options.meter,
      scope: 'notifications',
    });
  }

  async create(webhook: Webhook): Promise<StoredWebhook> {
    const created = await this.#documents.create(this.#toDocument(webhook));
    if (created === 'exists') throw new Error(`webhook id ${webhook.id} is taken`);
    return { webhook, etag: created.etag };
  }

  async get(tenantId: string, id: string): Promise<StoredWebhook | undefined> {
    const stored = await this.#documents.read(id, tenantId).catch((error: unknown) => {
      // Another kind of document under this id (the roster, a rate cursor) is not a webhook.
      if (error instanceof Error && error.name === 'UnreadableDocumentError') return undefined;
      throw error;
    });
    return stored === undefined ? undefined : { webhook: this.#fromDocument(stored.document), etag: stored.etag };
  }

  async list(tenantId: string): Promise<StoredWebhook[]> {
    const found = await this.#documents.queryAll({ query: "SELECT * FROM c WHERE c.type = 'webhook' ORDER BY c.createdAt ASC" }, { partitionKey: tenantId });
    return found.map((stored) => ({ webhook: this.#fromDocument(stored.document), etag: stored.etag }));
  }

  async replace(webhook: Webhook, etag: string): Promise<StoredWebhook | 'conflict' | undefined> {
    const replaced = await this.#documents.replace(this.#toDocument(webhook), etag);
    return replaced === 'conflict' || replaced === undefined ? replaced : { webhook, etag: replaced.etag };
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    return (await this.#documents.delete(id, tenantId)) === 'deleted';
  }

  #toDocument(webhook: Webhook): WebhookDocument {
    const { url, secrets, events, ...rest } = webhook;
    return {
      ...rest,
      type: 'webhook',
      ...(events === undefined ? {} : { events: [...events] }),
      url: seal(this.#keyring, url, urlAad(webhook.tenantId, webhook.id)),
      secrets: secrets.map((secret) => ({
        value: seal(this.#keyring, secret.secret, secretAad(webhook.tenantId, webhook.id, secret.createdAt)),
        createdAt: secret.createdAt,
        ...(secret.expiresAt === undefined ? {} : { expiresAt: secret.expiresAt }),
      })),
    };
  }

  #fromDocument(document: WebhookDocument): Webhook {
    const { type: _type, url, secrets, ...rest } = document;
    return {
      ...rest,
      url: open(this.#keyring, url, urlAad(document.tenantId, document.id)),
      secrets: secrets.map((secret) => ({
        secret: open(this.#keyring, secret.value, secretAad(document.tenantId, document.id, secret.createdAt)),
        createdAt: secret.createdAt,
        ...(secret.expiresAt === undefined ? {} : { expiresAt: secret.expiresAt }),
      })),
    };
  }
}
