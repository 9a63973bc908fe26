import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalBroker } from '../../../local/broker/local-broker.ts';
import { LocalBrokerMessageBus } from '../../../local/broker/local-message-bus.adapter.ts';
import { CosmosChatRateLimiter } from '../../../shared/notifications/adapters/cosmos-chat-rate-limiter.adapter.ts';
import { CosmosWebhookStore } from '../../../shared/notifications/adapters/cosmos-webhook-store.adapter.ts';
import { WebhookRouteCache } from '../../../shared/notifications/adapters/webhook-route-cache.adapter.ts';
import { WebhooksReencryptor } from '../../../shared/notifications/adapters/webhooks-reencryptor.adapter.ts';
import { CHAT_WINDOW_MS } from '../../../shared/notifications/domain/chat-rate.ts';
import { deliveryIdOf, type DeliveryMessage } from '../../../shared/notifications/domain/delivery.ts';
import { createNotificationsModule, type NotificationsModule } from '../../../shared/notifications/notifications.module.ts';
import { loadConfig } from '../../../shared/platform/config.ts';
import { createKeyring } from '../../../shared/platform/crypto/keyring.ts';
import { queues, topics } from '../../../shared/platform/messaging-entities.ts';
import { startLocalCosmos, tempDirectory, type LocalCosmos, type TempDirectory } from '../../local/cosmos-support/cosmos-fixtures.ts';
import { azureSettings } from '../../support/settings-fixtures.ts';
import { startReceiver, type WebhookReceiver } from '../../support/webhook-receiver.ts';

/**
 * The notification use cases and stores against the local Cosmos DB server and an in-memory
 * broker, with the clock in the test's hands: an endpoint failing for a day, re-encryption after
 * a key rotation, the Chat rate cursor under contention.
 */
const k1 = randomBytes(32).toString('base64');
const k2 = randomBytes(32).toString('base64');
let directory: TempDirectory;
let cosmos: LocalCosmos;
let broker: LocalBroker;
let now = '2025-03-01T00:00:00.000Z';
const lines: string[] = [];

function module(keys: Record<string, string>, current: string): NotificationsModule {
  return createNotificationsModule({
    database: cosmos.database,
    bus: new LocalBrokerMessageBus(broker),
    keyring: createKeyring(keys, current),
    applications: { get: async () => undefined },
    settings: { ...loadConfig(azureSettings).notifications, retryScheduleMs: [100], deliveryTimeoutMs: 1000 },
    environment: 'local',
    backlog: { scheduledDeliveries: async () => broker.counts('notification-deliveries').scheduled },
    clock: { now: () => now },
    log: (line) => lines.push(line),
  });
}

beforeAll(async () => {
  directory = tempDirectory();
  cosmos = await startLocalCosmos(directory.dir, { port: 0 });
  broker = await LocalBroker.open({ queues, topics });
});
afterAll(async () => {
  await broker.close();
  await cosmos.stop();
  directory.remove();
});

const at = (hours: number) => new Date(Date.parse('2025-03-01T00:00:00.000Z') + hours * 3_600_000).toISOString();

function deliveryFor(tenantId: string, webhookId: string, n: number): DeliveryMessage {
  const target = { channel: 'webhook' as const, webhookId };
  const eventId = `app-${n}:1`;
  return {
    v: 1, deliveryId: deliveryIdOf(eventId, target), eventId, tenantId, event: 'stage.created', applicationId: `app-${n}`, occurredAt: now, target,
    content: { title: 't', body: 'b', payload: { type: 'STAGE_EVENT', eventId } }, attempt: 1, attempts: [], replay: 0,
  };
}

describe('an endpoint failing for a day', () => {
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await startReceiver(() => ({ status: 410 }));
  });
  afterAll(() => receiver.close());

  it('is disabled at the first failure 24 hours after its first, and the tenant\'s admins are told in their inbox', async () => {
    const notifications = module({ k1 }, 'k1');
    const { useCases, deps } = notifications;
    now = at(0);
    const tenantId = 'disable-1';
    const created = await useCases.createWebhook({ tenantId, actor: { role: 'admin', id: 'adm-1' } }, { kind: 'generic', url: receiver.url() });
    await deps.roster.remember(tenantId, 'adm-2');
    const deliver = (n: number) => useCases.deliver({ body: deliveryFor(tenantId, created.id, n), deliveryCount: 1, maxDeliveryCount: 10 });

    expect(await deliver(1)).toEqual({ kind: 'dead_lettered', reason: 'HTTP 410' });
    expect((await deps.webhooks.get(tenantId, created.id))!.webhook).toMatchObject({ enabled: true, failingSince: at(0) });
    now = at(23.99);
    expect(await deliver(2)).toEqual({ kind: 'dead_lettered', reason: 'HTTP 410' });
    expect((await deps.webhooks.get(tenantId, created.id))!.webhook.enabled).toBe(true);
    now = at(24);
    await deliver(3);
    const disabled = (await deps.webhooks.get(tenantId, created.id))!.webhook;
    expect(disabled).toMatchObject({ enabled: false, disabledAt: at(24), disabledReason: `failed every delivery since ${at(0)}` });
    for (const admin of ['adm-1', 'adm-2']) {
      const page = await deps.inbox.page(`${tenantId}/${admin}`, { unreadOnly: true, limit: 10 });
      expect(page.items, admin).toEqual([
        expect.objectContaining({ event: 'webhook.disabled', title: 'Webhook disabled', payload: expect.objectContaining({ webhookId: created.id, failingSince: at(0) }) }),
      ]);
      expect(page.items[0]!.body).toContain(`127.0.0.1:${receiver.port}`);
    }
    // Disabled: no more calls; what arrives is kept in the dead-letter log to replay later.
    now = at(25);
    expect(await deliver(4)).toEqual({ kind: 'dead_lettered', reason: 'endpoint disabled' });
    expect(receiver.requests).toHaveLength(3);
    const log = await deps.deadLetters.list(tenantId, { limit: 10 });
    expect(log.items.map(({ entry }) => entry.reason).sort()).toEqual(['HTTP 410', 'HTTP 410', 'HTTP 410', 'endpoint disabled']);
    expect(await deps.inbox.unreadCount(`${tenantId}/adm-1`)).toBe(1);
    notifications.close();
  });

  it('starts its failure record over after a success', async () => {
    const notifications = module({ k1 }, 'k1');
    const { useCases, deps } = notifications;
    const tenantId = 'disable-2';
    now = at(0);
    receiver.answer = () => ({ status: 410 });
    const created = await useCases.createWebhook({ tenantId, actor: { role: 'admin', id: 'adm-1' } }, { kind: 'generic', url: receiver.url() });
    await useCases.deliver({ body: deliveryFor(tenantId, created.id, 11), deliveryCount: 1, maxDeliveryCount: 10 });
    receiver.answer = () => ({ status: 200 });
    now = at(12);
    expect(await useCases.deliver({ body: deliveryFor(tenantId, created.id, 12), deliveryCount: 1, maxDeliveryCount: 10 })).toEqual({ kind: 'delivered' });
    expect((await deps.webhooks.get(tenantId, created.id))!.webhook).toMatchObject({ enabled: true, recoveredAt: at(12) });
    expect((await deps.webhooks.get(tenantId, created.id))!.webhook.failingSince).toBeUndefined();
    receiver.answer = () => ({ status: 410 });
    now = at(30);
    await useCases.deliver({ body: deliveryFor(tenantId, created.id, 13), deliveryCount: 1, maxDeliveryCount: 10 });
    expect((await deps.webhooks.get(tenantId, created.id))!.webhook).toMatchObject({ enabled: true, failingSince: at(30) });
    notifications.close();
  });
});

describe('re-encryption after a key rotation', () => {
  it('re-seals every webhook URL and secret with the new current key; the old key is then not needed', async () => {
    const before = module({ k1 }, 'k1');
    const tenantId = 'rotate-keys';
    const access = { tenantId, actor: { role: 'admin' as const, id: 'adm-1' } };
    const generic = await before.useCases.createWebhook(access, { kind: 'generic', url: 'http://127.0.0.1:9/one?token=abc' });
    await before.useCases.rotateSecret(access, generic.id);
    const chat = await before.useCases.createWebhook(access, { kind: 'google_chat', url: 'http://127.0.0.1:9/v1/spaces/S/messages?key=k&token=t' });
    before.close();
    const container = cosmos.container('webhooks');
    const kids = async () => (await container.items.query({ query: "SELECT c.url.kid AS url, c.secrets FROM c WHERE c.tenantId = @t AND c.type = 'webhook'", parameters: [{ name: '@t', value: tenantId }] }).fetchAll()).resources;
    expect((await kids()).map((row) => row.url)).toEqual(['k1', 'k1']);

    const rotated = createKeyring({ k1, k2 }, 'k2');
    const reencryptor = new WebhooksReencryptor(container);
    const report = await reencryptor.reencrypt(rotated);
    expect(report).toMatchObject({ name: 'webhooks', failed: [] });
    expect(report.resealed).toBeGreaterThanOrEqual(2);
    for (const row of await kids()) {
      expect(row.url).toBe('k2');
      for (const secret of row.secrets) expect(secret.value.kid).toBe('k2');
    }
    expect((await reencryptor.reencrypt(rotated)).resealed).toBe(0);

    const onlyNew = new CosmosWebhookStore({ container, keyring: createKeyring({ k2 }, 'k2') });
    expect((await onlyNew.get(tenantId, generic.id))!.webhook.url).toBe('http://127.0.0.1:9/one?token=abc');
    expect((await onlyNew.get(tenantId, generic.id))!.webhook.secrets).toHaveLength(2);
    expect((await onlyNew.get(tenantId, chat.id))!.webhook.url).toBe('http://127.0.0.1:9/v1/spaces/S/messages?key=k&token=t');
  });
});

describe('Google Chat rate limit through the delivery use case', () => {
  it('sends what fits the space\'s window now and queues the rest as scheduled messages for the next windows', async () => {
    const receiver = await startReceiver();
    const notifications = module({ k1 }, 'k1');
    try {
      const { useCases } = notifications;
      const tenantId = 'chat-burst';
      const start = Math.ceil(Date.parse('2025-03-02T00:00:00.000Z') / CHAT_WINDOW_MS) * CHAT_WINDOW_MS;
      now = new Date(start + 1000).toISOString();
      const chat = await useCases.createWebhook({ tenantId, actor: { role: 'admin', id: 'adm-1' } }, { kind: 'google_chat', url: receiver.url('/v1/spaces/BURST/messages?key=k') });
      const results = [];
      for (let n = 0; n < 12; n += 1) {
        const target = { channel: 'google_chat' as const, webhookId: chat.id };
        const message = { ...deliveryFor(tenantId, chat.id, 100 + n), target, deliveryId: deliveryIdOf(`burst-${n}`, target), content: { title: 't', body: 'b', payload: {}, threadKey: 'stageline-application-a' } };
        results.push(await useCases.deliver({ body: message, deliveryCount: 1, maxDeliveryCount: 10 }));
      }
      expect(results.filter((result) => result.kind === 'delivered')).toHaveLength(10);
      expect(results.slice(10)).toEqual([
        { kind: 'waiting_for_chat_slot', at: new Date(start + CHAT_WINDOW_MS).toISOString() },
        { kind: 'waiting_for_chat_slot', at: new Date(start + CHAT_WINDOW_MS).toISOString() },
      ]);
      expect(receiver.requests).toHaveLength(10);
      const waiting = (await broker.peek('notification-deliveries', 1000)).filter((message) => message.messageId.endsWith('.slot'));
      expect(waiting).toHaveLength(2);
      for (const message of waiting) {
        expect(message).toMatchObject({ scheduledEnqueueTimeUtc: new Date(start + CHAT_WINDOW_MS), body: { chatSlotAt: new Date(start + CHAT_WINDOW_MS).toISOString(), attempt: 1 } });
      }
      // When its slot comes, a waiting delivery goes without reserving again.
      now = new Date(start + CHAT_WINDOW_MS).toISOString();
      expect(await useCases.deliver({ body: waiting[0]!.body, deliveryCount: 1, maxDeliveryCount: 10 })).toEqual({ kind: 'delivered' });
      expect(receiver.requests).toHaveLength(11);
    } finally {
      notifications.close();
      await receiver.close();
    }
  });
});

describe('Google Chat rate cursor', () => {
  it('hands out each slot once when many deliveries reserve at the same moment', async () => {
    const limiter = new CosmosChatRateLimiter({ container: cosmos.container('webhooks'), perMinute: 60 });
    const start = Math.ceil(Date.parse('2025-03-01T00:00:00.000Z') / CHAT_WINDOW_MS) * CHAT_WINDOW_MS;
    const slots = await Promise.all(Array.from({ length: 25 }, () => limiter.reserve('chat-rate', 'space-1', start)));
    const offsets = slots.map((slot) => slot - start).sort((a, b) => a - b);
    expect(offsets).toEqual([...Array(10).fill(0), ...Array(10).fill(CHAT_WINDOW_MS), ...Array(5).fill(2 * CHAT_WINDOW_MS)]);
    expect(await limiter.reserve('chat-rate', 'space-2', start)).toBe(start);
  });
});

describe("the fan-out's webhook routes", () => {
  const access = (tenantId: string) => ({ tenantId, actor: { role: 'admin' as const, id: 'adm-1' } });
  const queries = (notifications: NotificationsModule) => notifications.requests.snapshot()['notifications/webhooks:query'] ?? 0;

  it('reads a tenant\'s webhooks once per time-to-live; a write through the same instance shows at once, one through another instance within the time-to-live', async () => {
    now = at(0);
    const tenantId = 'routes-1';
    const instanceA = module({ k1 }, 'k1');
    const instanceB = module({ k1 }, 'k1');
    const first = await instanceA.useCases.createWebhook(access(tenantId), { kind: 'generic', url: 'http://127.0.0.1:9/a' });

    expect(await instanceA.deps.routes.forTenant(tenantId)).toEqual([{ id: first.id, kind: 'generic', enabled: true }]);
    const afterFirstRead = queries(instanceA);
    expect(afterFirstRead).toBeGreaterThan(0);
    now = at(9.99 / 3600);
    await instanceA.deps.routes.forTenant(tenantId);
    expect(queries(instanceA)).toBe(afterFirstRead);

    // Through this instance: forgotten at once.
    await instanceA.useCases.updateWebhook(access(tenantId), first.id, { events: ['offer.sent'] });
    expect(await instanceA.deps.routes.forTenant(tenantId)).toEqual([{ id: first.id, kind: 'generic', enabled: true, events: ['offer.sent'] }]);
    expect(queries(instanceA)).toBeGreaterThan(afterFirstRead);

    // Through another instance: seen once the routes are 10 s old.
    const second = await instanceB.useCases.createWebhook(access(tenantId), { kind: 'google_chat', url: 'http://127.0.0.1:9/v1/spaces/S/messages?key=k&token=t' });
    expect((await instanceA.deps.routes.forTenant(tenantId)).map((route) => route.id)).toEqual([first.id]);
    now = at(20 / 3600);
    expect((await instanceA.deps.routes.forTenant(tenantId)).map((route) => route.id)).toEqual([first.id, second.id]);
    // Routes carry no URL and no secret.
    expect(JSON.stringify(await instanceA.deps.routes.forTenant(tenantId))).not.toContain('127.0.0.1');
    instanceA.close();
    instanceB.close();
  });

  it('answers a look-up that a webhook write interrupted with the store as it is after the write', async () => {
    now = at(72);
    const tenantId = 'routes-race';
    const store = new CosmosWebhookStore({ container: cosmos.container('webhooks'), keyring: createKeyring({ k1 }, 'k1') });
    let release: () => void = () => undefined;
    let gated = true;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // The real store; its first listing waits until the test lets it go, so a write lands while it is in flight.
    const slow = { ...store, create: store.create.bind(store), get: store.get.bind(store), replace: store.replace.bind(store), delete: store.delete.bind(store),
      list: async (tenant: string) => {
        const found = await store.list(tenant);
        if (gated) await gate;
        return found;
      } };
    const cache = new WebhookRouteCache({ store: slow, ttlMs: 10_000, clock: { now: () => now } });
    const lookUp = cache.forTenant(tenantId);
    const created = await cache.store.create({ id: 'wh_race', tenantId, kind: 'generic', url: 'http://127.0.0.1:9/race', urlHint: '127.0.0.1:9', secrets: [{ secret: 'whsec_x', createdAt: now }], enabled: true, createdAt: now, createdBy: 'adm-1', updatedAt: now });
    gated = false;
    release();
    expect(await lookUp).toEqual([{ id: created.webhook.id, kind: 'generic', enabled: true }]);
    expect(await cache.forTenant(tenantId)).toEqual([{ id: 'wh_race', kind: 'generic', enabled: true }]);
  });

  it('reads the store for every event when the time-to-live is 0', async () => {
    const uncached = createNotificationsModule({
      database: cosmos.database,
      bus: new LocalBrokerMessageBus(broker),
      keyring: createKeyring({ k1 }, 'k1'),
      applications: { get: async () => undefined },
      settings: { ...loadConfig({ ...azureSettings, NOTIFICATIONS_WEBHOOK_ROUTES_CACHE_SECONDS: '0' }).notifications },
      environment: 'local',
      backlog: { scheduledDeliveries: async () => 0 },
      clock: { now: () => now },
      log: (line) => lines.push(line),
    });
    const tenantId = 'routes-0';
    await uncached.useCases.createWebhook(access(tenantId), { kind: 'generic', url: 'http://127.0.0.1:9/a' });
    await uncached.deps.routes.forTenant(tenantId);
    const once = queries(uncached);
    await uncached.deps.routes.forTenant(tenantId);
    expect(queries(uncached)).toBe(2 * once);
    uncached.close();
  });

  it('drops a first delivery the endpoint no longer takes (a route older than the change); a replay is still sent', async () => {
    const receiver = await startReceiver(() => ({ status: 200 }));
    try {
      now = at(48);
      const tenantId = 'routes-filter';
      const notifications = module({ k1 }, 'k1');
      const created = await notifications.useCases.createWebhook(access(tenantId), { kind: 'generic', url: receiver.url() });
      // Another instance narrows the filter after this instance's fan-out made the delivery.
      const other = module({ k1 }, 'k1');
      await other.useCases.updateWebhook(access(tenantId), created.id, { events: ['offer.sent'] });
      const message = deliveryFor(tenantId, created.id, 21);

      expect(await notifications.useCases.deliver({ body: message, deliveryCount: 1, maxDeliveryCount: 10 })).toEqual({ kind: 'dropped', reason: 'the webhook no longer takes this event' });
      expect(receiver.requests).toHaveLength(0);
      expect(lines.some((line) => line.includes(`delivery ${message.deliveryId} dropped: webhook ${created.id} no longer takes stage.created`))).toBe(true);
      expect((await notifications.deps.deadLetters.list(tenantId, { limit: 10 })).items).toEqual([]);

      expect(await notifications.useCases.deliver({ body: { ...message, replay: 1 }, deliveryCount: 1, maxDeliveryCount: 10 })).toEqual({ kind: 'delivered' });
      expect(receiver.requests).toHaveLength(1);
      notifications.close();
      other.close();
    } finally {
      await receiver.close();
    }
  });
});
