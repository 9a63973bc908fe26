import { LRUCache } from 'lru-cache';
import type { Clock } from '../../platform/clock.ts';
import type { Webhook } from '../domain/webhook.ts';
import type { StoredWebhook, WebhookRoute, WebhookRoutes, WebhookStore } from '../ports/webhook-store.port.ts';

export interface WebhookRouteCacheOptions {
  readonly store: WebhookStore;
  /** How long a tenant's routes are reused; 0 reads the store on every event. */
  readonly ttlMs: number;
  readonly clock: Clock;
  /** Tenants kept at most (least recently used go first). */
  readonly maxTenants?: number;
}

const DEFAULT_MAX_TENANTS = 10_000;

/**
 * The fan-out's view of each tenant's webhooks, kept for `ttlMs` so that an event does not cost
 * a query (and the opening of every URL and secret) each time. Concurrent misses for one tenant
 * share one query. Every write made through `store` (the one this instance's use cases get)
 * forgets the tenant at once; a write on another instance shows within `ttlMs`.
 */
export class WebhookRouteCache implements WebhookRoutes {
  readonly store: WebhookStore;
  readonly #inner: WebhookStore;
  readonly #cache: LRUCache<string, readonly WebhookRoute[]> | undefined;
  /** Counts `forget` calls: a look-up that a write interrupted can tell and read again. */
  #forgets = 0;

  constructor(options: WebhookRouteCacheOptions) {
    this.#inner = options.store;
    this.#cache =
      options.ttlMs > 0
        ? new LRUCache<string, readonly WebhookRoute[]>({
            max: options.maxTenants ?? DEFAULT_MAX_TENANTS,
            ttl: options.ttlMs,
            // The cache's clock is the module's (tests move it as they move every other clock), read on every look-up.
            perf: { now: () => Date.parse(options.clock.now()) },
            ttlResolution: 0,
            fetchMethod: async (tenantId) => this.#read(tenantId),
          })
        : undefined;
    this.store = this.#forgetting(options.store);
  }

  async forTenant(tenantId: string): Promise<readonly WebhookRoute[]> {
    if (this.#cache === undefined) return this.#read(tenantId);
    const forgetsBefore = this.#forgets;
    try {
      return (await this.#cache.fetch(tenantId)) ?? [];
    } catch (error) {
      // Forgetting a tenant aborts its fetch in flight (the cache rejects it): the write is done, so read it now.
      if (this.#forgets !== forgetsBefore) return this.#read(tenantId);
      throw error;
    }
  }

  forget(tenantId: string): void {
    this.#forgets += 1;
    this.#cache?.delete(tenantId);
  }

  async #read(tenantId: string): Promise<readonly WebhookRoute[]> {
    return (await this.#inner.list(tenantId)).map(({ webhook }) => routeOf(webhook));
  }

  /** `store` with every write followed by forgetting the tenant (also when the write failed: its outcome is unknown). */
  #forgetting(store: WebhookStore): WebhookStore {
    const after = <T>(tenantId: string, write: Promise<T>): Promise<T> => write.finally(() => this.forget(tenantId));
    return {
      create: (webhook: Webhook): Promise<StoredWebhook> => after(webhook.tenantId, store.create(webhook)),
      get: (tenantId, id) => store.get(tenantId, id),
      list: (tenantId) => store.list(tenantId),
      replace: (webhook, etag) => after(webhook.tenantId, store.replace(webhook, etag)),
      delete: (tenantId, id) => after(tenantId, store.delete(tenantId, id)),
    };
  }
}

function routeOf(webhook: Webhook): WebhookRoute {
  return {
    id: webhook.id,
    kind: webhook.kind,
    enabled: webhook.enabled,
    ...(webhook.events === undefined ? {} : { events: [...webhook.events] }),
    ...(webhook.jobId === undefined ? {} : { jobId: webhook.jobId }),
  };
}
