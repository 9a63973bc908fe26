import { createHash } from 'node:crypto';
import type { Access } from '../../auth/domain/permissions.ts';
import { DomainError } from '../../platform/errors.ts';
import { checkWebhookUrl } from '../domain/webhook-url.ts';
import type { WebhookKind } from '../domain/webhook.ts';
import type { StoredWebhook } from '../ports/webhook-store.port.ts';
import type { NotificationDeps } from './notification-deps.ts';

/** The caller's tenant's webhook; another tenant's (or none) is `WEBHOOK.NOT_FOUND`. */
export async function tenantWebhook(deps: Pick<NotificationDeps, 'webhooks'>, access: Access, id: string): Promise<StoredWebhook> {
  const stored = await deps.webhooks.get(access.tenantId, id);
  if (stored === undefined) throw new DomainError('WEBHOOK.NOT_FOUND', { details: { id } });
  return stored;
}

/**
 * A URL an endpoint may have: the scheme and host rules of the mode, then where its host resolves
 * (private, loopback and link-local addresses are refused in Azure). `WEBHOOK.URL_NOT_ALLOWED`
 * says why, never echoing the URL.
 */
export async function allowedUrl(
  deps: Pick<NotificationDeps, 'urlGuard' | 'settings'>,
  tenantId: string,
  kind: WebhookKind,
  raw: string,
): Promise<{ readonly url: string; readonly urlHint: string; readonly spaceKey?: string }> {
  const checked = checkWebhookUrl(raw, kind, deps.settings.urlMode);
  if (!checked.ok) throw notAllowed(checked.reason);
  const resolved = await deps.urlGuard.check(checked.url);
  if (!resolved.ok) throw notAllowed(resolved.reason);
  return {
    url: checked.url,
    urlHint: checked.hint,
    ...(checked.chatSpace === undefined ? {} : { spaceKey: createHash('sha256').update(`${tenantId}\n${checked.chatSpace}`).digest('hex').slice(0, 32) }),
  };
}

function notAllowed(reason: string): DomainError {
  return new DomainError('WEBHOOK.URL_NOT_ALLOWED', { message: `This webhook URL is not allowed: ${reason}.`, details: { reason } });
}
