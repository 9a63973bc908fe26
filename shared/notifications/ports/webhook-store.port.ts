import type { Webhook } from '../domain/webhook.ts';

export interface StoredWebhook {
  readonly webhook: Webhook;
  readonly etag: string;
}

/**
 * A tenant's webhook endpoints. The store seals the URL and the secrets before anything is
 * written and opens them on read: no other part of Stageline stores or logs them.
 */
export interface WebhookStore {
  create(webhook: Webhook): Promise<StoredWebhook>;
  get(tenantId: string, id: string): Promise<StoredWebhook | undefined>;
  list(tenantId: string): Promise<StoredWebhook[]>;
  /** Only if unchanged since `etag`: `'conflict'` otherwise, `undefined` when it is gone. */
  replace(webhook: Webhook, etag: string): Promise<StoredWebhook | 'conflict' | undefined>;
  /** `false` when there was none. */
  delete(tenantId: string, id: string): Promise<boolean>;
}

/**
 * The tenant's admins the service knows of (there is no user directory): everyone who used the
 * notification admin routes. They are told when an endpoint is disabled.
 */
export interface AdminRoster {
  remember(tenantId: string, adminId: string): Promise<void>;
  admins(tenantId: string): Promise<string[]>;
}

/** What the fan-out needs of a webhook to decide whether it takes an event: no URL, no secret. */
export type WebhookRoute = Pick<Webhook, 'id' | 'kind' | 'enabled' | 'events' | 'jobId'>;

/**
 * The tenant's webhooks as the fan-out reads them on every event. May lag the store by a few
 * seconds (a cache); each delivery reads its webhook again, so a stale route can only add a
 * delivery that is then dropped, or miss an endpoint created moments ago on another instance.
 */
export interface WebhookRoutes {
  forTenant(tenantId: string): Promise<readonly WebhookRoute[]>;
}
