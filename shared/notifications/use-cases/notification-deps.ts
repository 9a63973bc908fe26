import type { Clock } from '../../platform/clock.ts';
import type { ApplicationRepository } from '../../stages/ports/application-repository.port.ts';
import type { UrlMode } from '../domain/webhook-url.ts';
import type { DeadLetterLog } from '../ports/dead-letter-log.port.ts';
import type { InboxStore } from '../ports/inbox-store.port.ts';
import type { NotificationQueues } from '../ports/notification-queues.port.ts';
import type { ChatRateLimiter, UrlGuard, WebhookSender } from '../ports/webhook-sender.port.ts';
import type { AdminRoster, WebhookRoutes, WebhookStore } from '../ports/webhook-store.port.ts';

/** How deliveries behave (from configuration). */
export interface DeliverySettings {
  readonly retryScheduleMs: readonly number[];
  readonly retryAfterMaxMs: number;
  readonly publicUrl?: string;
  readonly urlMode: UrlMode;
}

/** Everything the notification use cases need, built by the module. */
export interface NotificationDeps {
  /** The stage module's repository: recipients and facts come from the application. */
  readonly applications: Pick<ApplicationRepository, 'get'>;
  readonly inbox: InboxStore;
  readonly webhooks: WebhookStore;
  /** The fan-out's view of each tenant's webhooks (may lag `webhooks` by a few seconds). */
  readonly routes: WebhookRoutes;
  readonly roster: AdminRoster;
  readonly deadLetters: DeadLetterLog;
  readonly queues: NotificationQueues;
  readonly sender: WebhookSender;
  readonly urlGuard: UrlGuard;
  readonly chatRate: ChatRateLimiter;
  readonly clock: Clock;
  /** [0, 1): the jitter's source. */
  readonly random: () => number;
  readonly newId: () => string;
  /** A fresh `whsec_…` signing secret. */
  readonly newSecret: () => string;
  readonly settings: DeliverySettings;
  /** Operational lines (never a URL or a secret). */
  readonly log: (line: string) => void;
}

/** A message on a notifications queue that is not what that queue carries. */
export class UnreadableMessageError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'UnreadableMessageError';
  }
}
