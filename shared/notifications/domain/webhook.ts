import type { NotificationEvent } from './notification-event.ts';
import type { Verdict } from './retry-policy.ts';

export const webhookKinds = ['generic', 'google_chat'] as const;
export type WebhookKind = (typeof webhookKinds)[number];

/** A signing secret (`whsec_…`); after a rotation the previous one stays valid until `expiresAt`. */
export interface WebhookSecret {
  readonly secret: string;
  readonly createdAt: string;
  readonly expiresAt?: string;
}

/**
 * A tenant's endpoint, in the clear (the store seals `url` and every secret; nothing outside
 * the store and the sender ever holds them). `events` (absent: every broadcast event) and
 * `jobId` (absent: every job) filter what it receives.
 * - `failingSince`: the first failed attempt since the last success; cleared by a success.
 * - `enabled: false` after failing for `DISABLE_AFTER_FAILING_MS` (or by an admin).
 */
export interface Webhook {
  readonly id: string;
  readonly tenantId: string;
  readonly kind: WebhookKind;
  readonly url: string;
  /** The URL's host (and port): the only part of it ever shown again. */
  readonly urlHint: string;
  readonly events?: readonly NotificationEvent[];
  readonly jobId?: string;
  /** Generic webhooks: the current secret first. Google Chat: none (the URL carries its key). */
  readonly secrets: readonly WebhookSecret[];
  readonly enabled: boolean;
  readonly disabledAt?: string;
  readonly disabledReason?: string;
  readonly failingSince?: string;
  /** The success that ended the last run of failures (successes are not written otherwise). */
  readonly recoveredAt?: string;
  /** Google Chat: a digest of the space, keying its rate limit. */
  readonly spaceKey?: string;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly updatedAt: string;
}

/** How long a rotated-out secret keeps signing (both signatures are sent meanwhile). */
export const SECRET_OVERLAP_MS = 24 * 3_600_000;

/** An endpoint that has failed every attempt for this long is disabled. */
export const DISABLE_AFTER_FAILING_MS = 24 * 3_600_000;

export function acceptsEvent(webhook: Pick<Webhook, 'enabled' | 'events' | 'jobId'>, event: NotificationEvent, jobId: string | undefined): boolean {
  if (webhook.events !== undefined && !webhook.events.includes(event)) return false;
  return webhook.jobId === undefined || webhook.jobId === jobId;
}

/** Secrets that sign at `now`, current first. */
export function signingSecrets(webhook: Pick<Webhook, 'secrets'>, now: string): string[] {
  const at = Date.parse(now);
  return webhook.secrets.filter((secret) => secret.expiresAt === undefined || Date.parse(secret.expiresAt) > at).map((secret) => secret.secret);
}

/** A new current secret; the old current one signs for 24 h more; secrets already expired are dropped. */
export function withRotatedSecret(webhook: Webhook, secret: string, now: string): Webhook {
  const at = Date.parse(now);
  const overlapUntil = new Date(at + SECRET_OVERLAP_MS).toISOString();
  const kept = webhook.secrets
    .filter((old) => old.expiresAt === undefined || Date.parse(old.expiresAt) > at)
    .map((old) => (old.expiresAt === undefined ? { ...old, expiresAt: overlapUntil } : old));
  return { ...webhook, secrets: [{ secret, createdAt: now }, ...kept], updatedAt: now };
}

export type HealthChange = 'none' | 'failing' | 'recovered' | 'disabled';

/**
 * The endpoint after one attempt: a success clears `failingSince`; the first failure sets it;
 * a failure 24 h or more after it disables the endpoint. `none` = nothing to write.
 */
export function afterAttempt(webhook: Webhook, verdict: Verdict, now: string): { readonly change: HealthChange; readonly webhook: Webhook } {
  if (verdict.kind === 'delivered') {
    if (webhook.failingSince === undefined) return { change: 'none', webhook };
    const { failingSince: _cleared, ...rest } = webhook;
    return { change: 'recovered', webhook: { ...rest, recoveredAt: now, updatedAt: now } };
  }
  if (!webhook.enabled) return { change: 'none', webhook };
  if (webhook.failingSince === undefined) return { change: 'failing', webhook: { ...webhook, failingSince: now, updatedAt: now } };
  if (Date.parse(now) - Date.parse(webhook.failingSince) < DISABLE_AFTER_FAILING_MS) return { change: 'none', webhook };
  return {
    change: 'disabled',
    webhook: { ...webhook, enabled: false, disabledAt: now, disabledReason: `failed every delivery since ${webhook.failingSince}`, updatedAt: now },
  };
}
