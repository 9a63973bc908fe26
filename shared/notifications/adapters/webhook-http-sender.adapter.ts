import { Webhook as StandardWebhook } from 'standardwebhooks';
import { chatText } from '../domain/notification-content.ts';
import { signingSecrets, type Webhook } from '../domain/webhook.ts';
import type { AttemptReport, OutboundDelivery, WebhookSender } from '../ports/webhook-sender.port.ts';
import { HttpPoster, type HttpPosterConfig } from './http-poster.ts';

/**
 * Delivers over HTTP. Generic endpoints get the notification's payload as JSON, signed per the
 * Standard Webhooks specification with the reference library: `webhook-id` (the delivery id,
 * the same on every retry and replay), `webhook-timestamp` (this attempt, seconds) and
 * `webhook-signature` (`v1,<base64 HMAC-SHA256>` for each valid secret, space-separated: two
 * while a rotated-out secret still signs). Google Chat gets `{ text, thread: { threadKey } }` with
 * `threadKey` and `messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD` on the URL.
 */
export class WebhookHttpSender implements WebhookSender {
  readonly #poster: HttpPoster;

  constructor(config: HttpPosterConfig) {
    this.#poster = new HttpPoster(config);
  }

  async deliver(webhook: Webhook, delivery: OutboundDelivery, now: Date): Promise<AttemptReport> {
    if (webhook.kind === 'google_chat') {
      const threadKey = delivery.content.threadKey;
      const url = new URL(webhook.url);
      if (threadKey !== undefined) {
        url.searchParams.set('threadKey', threadKey);
        url.searchParams.set('messageReplyOption', 'REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD');
      }
      const message = { text: chatText(delivery.content), ...(threadKey === undefined ? {} : { thread: { threadKey } }) };
      return this.#poster.post(url.toString(), JSON.stringify(message), { 'content-type': 'application/json; charset=UTF-8' });
    }
    const body = JSON.stringify(delivery.content.payload);
    return this.#poster.post(webhook.url, body, signedHeaders(delivery.deliveryId, signingSecrets(webhook, now.toISOString()), now, body));
  }

  close(): void {
    this.#poster.close();
  }
}

/** The three Standard Webhooks headers for one attempt. */
export function signedHeaders(webhookId: string, secrets: readonly string[], at: Date, body: string): Record<string, string> {
  const signatures = secrets.map((secret) => new StandardWebhook(secret).sign(webhookId, at, body));
  return {
    'webhook-id': webhookId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signatures.join(' '),
  };
}
