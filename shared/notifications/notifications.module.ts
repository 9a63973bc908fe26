import { randomBytes, randomUUID } from 'node:crypto';
import type { Database } from '@azure/cosmos';
import type { Access } from '../auth/domain/permissions.ts';
import type { MessageBus } from '../events/ports/message-bus.port.ts';
import { systemClock, type Clock } from '../platform/clock.ts';
import type { Environment, NotificationSettings } from '../platform/config.ts';
import { CosmosRequestMeter } from '../platform/cosmos/cosmos-request-meter.ts';
import type { Keyring } from '../platform/crypto/keyring.ts';
import type { Reencryptor } from '../platform/crypto/reencryption.ts';
import type { ApplicationRepository } from '../stages/ports/application-repository.port.ts';
import type {
  CreateWebhookBody, DeadLetterQueryInput, DeadLetterView, InboxItemView, InboxPageView, InboxQueryInput, ReplayManyBody, ReplayResult,
  UpdateWebhookBody, WebhookTestResult, WebhookView,
} from './api/notifications-api.schema.ts';
import { CosmosAdminRoster } from './adapters/cosmos-admin-roster.adapter.ts';
import { CosmosChatRateLimiter } from './adapters/cosmos-chat-rate-limiter.adapter.ts';
import { CosmosDeadLetterLog } from './adapters/cosmos-dead-letter-log.adapter.ts';
import { CosmosInboxStore } from './adapters/cosmos-inbox-store.adapter.ts';
import { CosmosWebhookStore } from './adapters/cosmos-webhook-store.adapter.ts';
import { DnsUrlGuard } from './adapters/dns-url-guard.adapter.ts';
import { ServiceBusNotificationQueues } from './adapters/service-bus-notification-queues.adapter.ts';
import { WebhookHttpSender } from './adapters/webhook-http-sender.adapter.ts';
import { WebhooksReencryptor } from './adapters/webhooks-reencryptor.adapter.ts';
import { WebhookRouteCache } from './adapters/webhook-route-cache.adapter.ts';
import type { DeliveryBacklog } from './ports/notification-queues.port.ts';
import { createWebhook } from './use-cases/create-webhook.ts';
import { deleteWebhook } from './use-cases/delete-webhook.ts';
import { deliverNotification, type DeliveryResult } from './use-cases/deliver-notification.ts';
import { fanOutEvent, type FanOutInput, type FanOutOutcome } from './use-cases/fan-out-event.ts';
import { getWebhook } from './use-cases/get-webhook.ts';
import { listDeadLetters } from './use-cases/list-dead-letters.ts';
import { listWebhooks } from './use-cases/list-webhooks.ts';
import { markAllNotificationsRead } from './use-cases/mark-all-notifications-read.ts';
import { markNotificationRead } from './use-cases/mark-notification-read.ts';
import type { NotificationDeps } from './use-cases/notification-deps.ts';
import { installBacklogSource } from './use-cases/notification-metrics.ts';
import { readInbox } from './use-cases/read-inbox.ts';
import { replayDeadLetter } from './use-cases/replay-dead-letter.ts';
import { replayDeadLetters } from './use-cases/replay-dead-letters.ts';
import { rotateWebhookSecret } from './use-cases/rotate-webhook-secret.ts';
import { testWebhook } from './use-cases/test-webhook.ts';
import { updateWebhook } from './use-cases/update-webhook.ts';

export { UnreadableMessageError } from './use-cases/notification-deps.ts';

/** The notification use cases, bound to their dependencies; HTTP ones take the `Access` that `authorize` gave. */
export interface NotificationUseCases {
  /** One `notifications` queue message → its deliveries. */
  fanOut(input: FanOutInput): Promise<FanOutOutcome>;
  /** One `notification-deliveries` message → one attempt. */
  deliver(input: { readonly body: unknown; readonly deliveryCount: number; readonly maxDeliveryCount: number }): Promise<DeliveryResult>;
  readInbox(access: Access, query: InboxQueryInput): Promise<InboxPageView>;
  markRead(access: Access, id: string): Promise<InboxItemView>;
  markAllRead(access: Access): Promise<{ marked: number }>;
  createWebhook(access: Access, body: CreateWebhookBody): Promise<WebhookView & { secret?: string }>;
  listWebhooks(access: Access): Promise<{ items: WebhookView[] }>;
  getWebhook(access: Access, id: string): Promise<WebhookView>;
  updateWebhook(access: Access, id: string, body: UpdateWebhookBody): Promise<WebhookView>;
  deleteWebhook(access: Access, id: string): Promise<void>;
  rotateSecret(access: Access, id: string): Promise<{ id: string; secret: string; previousSecretExpiresAt: string }>;
  testWebhook(access: Access, id: string): Promise<WebhookTestResult>;
  listDeadLetters(access: Access, query: DeadLetterQueryInput): Promise<{ items: DeadLetterView[]; continuationToken?: string }>;
  replayDeadLetter(access: Access, id: string): Promise<DeadLetterView>;
  replayDeadLetters(access: Access, body: ReplayManyBody): Promise<ReplayResult>;
}

export function bindNotificationUseCases(deps: NotificationDeps): NotificationUseCases {
  return {
    fanOut: (input) => fanOutEvent(deps, input),
    deliver: (input) => deliverNotification(deps, input),
    readInbox: (access, query) => readInbox(deps, access, query),
    markRead: (access, id) => markNotificationRead(deps, access, id),
    markAllRead: (access) => markAllNotificationsRead(deps, access),
    createWebhook: (access, body) => createWebhook(deps, access, body),
    listWebhooks: (access) => listWebhooks(deps, access),
    getWebhook: (access, id) => getWebhook(deps, access, id),
    updateWebhook: (access, id, body) => updateWebhook(deps, access, id, body),
    deleteWebhook: (access, id) => deleteWebhook(deps, access, id),
    rotateSecret: (access, id) => rotateWebhookSecret(deps, access, id),
    testWebhook: (access, id) => testWebhook(deps, access, id),
    listDeadLetters: (access, query) => listDeadLetters(deps, access, query),
    replayDeadLetter: (access, id) => replayDeadLetter(deps, access, id),
    replayDeadLetters: (access, body) => replayDeadLetters(deps, access, body),
  };
}

export interface NotificationsModule {
  readonly useCases: NotificationUseCases;
  /** The bound dependencies (tests build use cases over them with their own clock). */
  readonly deps: NotificationDeps;
  /** Re-seals webhook URLs and secrets after a key rotation: register it with `npm run rotate-keys`. */
  readonly reencryptor: Reencryptor;
  /** Cosmos DB requests of the notification stores. */
  readonly requests: CosmosRequestMeter;
  close(): void;
}

export interface NotificationsModuleOptions {
  readonly database: Database;
  readonly bus: MessageBus;
  readonly keyring: Keyring;
  /** The stage module's repository (recipients and facts come from the application). */
  readonly applications: Pick<ApplicationRepository, 'get'>;
  readonly settings: NotificationSettings;
  readonly environment: Environment;
  /** Where the retry backlog gauge reads the scheduled deliveries from. */
  readonly backlog: DeliveryBacklog;
  readonly clock?: Clock;
  readonly log?: (line: string) => void;
}

export function createNotificationsModule(options: NotificationsModuleOptions): NotificationsModule {
  const requests = new CosmosRequestMeter();
  const meter = { meter: requests };
  const webhooksContainer = options.database.container('webhooks');
  const clock = options.clock ?? systemClock;
  const routes = new WebhookRouteCache({
    store: new CosmosWebhookStore({ container: webhooksContainer, keyring: options.keyring, ...meter }),
    ttlMs: options.settings.webhookRoutesCacheMs,
    clock,
  });
  const sender = new WebhookHttpSender({ timeoutMs: options.settings.deliveryTimeoutMs, mode: options.environment, userAgent: 'Stageline-Webhooks/1.0' });
  const deps: NotificationDeps = {
    applications: options.applications,
    inbox: new CosmosInboxStore({ container: options.database.container('inbox'), ...meter }),
    webhooks: routes.store,
    routes,
    roster: new CosmosAdminRoster({ container: webhooksContainer, ...meter }),
    deadLetters: new CosmosDeadLetterLog({ container: options.database.container('deadLetters'), ...meter }),
    queues: new ServiceBusNotificationQueues(options.bus),
    sender,
    urlGuard: new DnsUrlGuard(options.environment),
    chatRate: new CosmosChatRateLimiter({ container: webhooksContainer, perMinute: options.settings.chatMessagesPerMinute, ...meter }),
    clock,
    random: Math.random,
    newId: randomUUID,
    newSecret: () => `whsec_${randomBytes(32).toString('base64')}`,
    settings: {
      retryScheduleMs: options.settings.retryScheduleMs,
      retryAfterMaxMs: options.settings.retryAfterMaxMs,
      urlMode: options.environment,
      ...(options.settings.publicUrl === undefined ? {} : { publicUrl: options.settings.publicUrl }),
    },
    log: options.log ?? ((line) => console.log(line)),
  };
  installBacklogSource(() => options.backlog.scheduledDeliveries());
  return {
    useCases: bindNotificationUseCases(deps),
    deps,
    reencryptor: new WebhooksReencryptor(webhooksContainer),
    requests,
    close: () => sender.close(),
  };
}
