import type { DeliveryContent } from '../domain/delivery.ts';
import type { AttemptResult } from '../domain/retry-policy.ts';
import type { Webhook } from '../domain/webhook.ts';

/** One attempt to hand a notification to an endpoint. `deliveryId` is the receiver's `webhook-id`. */
export interface OutboundDelivery {
  readonly deliveryId: string;
  readonly content: DeliveryContent;
}

/** What the attempt got, how long it took, and a description safe to store (never the URL or a secret). */
export interface AttemptReport {
  readonly result: AttemptResult;
  readonly durationMs: number;
  readonly error?: string;
}

/** Sends one delivery to a webhook endpoint: a signed POST (generic) or a Chat message (Google Chat). */
export interface WebhookSender {
  deliver(webhook: Webhook, delivery: OutboundDelivery, now: Date): Promise<AttemptReport>;
}

/** Whether a webhook URL may be called from here (where its host resolves). */
export interface UrlGuard {
  check(url: string): Promise<{ readonly ok: true } | { readonly ok: false; readonly reason: string }>;
}

/** Slots for Google Chat messages per space (see `domain/chat-rate.ts`). */
export interface ChatRateLimiter {
  /** Reserves the first free slot at or after `nowMs` for the space; resolves to its time (epoch ms). */
  reserve(tenantId: string, spaceKey: string, nowMs: number): Promise<number>;
}
