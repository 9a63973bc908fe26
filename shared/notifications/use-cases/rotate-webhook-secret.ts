import type { Access } from '../../auth/domain/permissions.ts';
import { DomainError } from '../../platform/errors.ts';
import { withRotatedSecret } from '../domain/webhook.ts';
import type { NotificationDeps } from './notification-deps.ts';
import { tenantWebhook } from './webhook-access.ts';

/**
 * A new signing secret for a generic endpoint. The old one keeps signing for 24 hours: every
 * delivery meanwhile carries both signatures, so the receiver can switch at its own pace.
 */
export async function rotateWebhookSecret(
  deps: NotificationDeps,
  access: Access,
  id: string,
): Promise<{ id: string; secret: string; previousSecretExpiresAt: string }> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const { webhook, etag } = await tenantWebhook(deps, access, id);
    if (webhook.kind !== 'generic') {
      throw new DomainError('REQUEST.INVALID', {
        message: 'Only generic webhooks have a signing secret.',
        details: { issues: [{ path: 'id', message: 'Google Chat webhooks are authenticated by their URL', code: 'invalid_value' }] },
      });
    }
    const secret = deps.newSecret();
    const next = withRotatedSecret(webhook, secret, deps.clock.now());
    const replaced = await deps.webhooks.replace(next, etag);
    if (replaced === undefined) break;
    if (replaced !== 'conflict') {
      await deps.roster.remember(access.tenantId, access.actor.id);
      return { id, secret, previousSecretExpiresAt: next.secrets[1]?.expiresAt ?? next.updatedAt };
    }
  }
  throw new DomainError('WEBHOOK.NOT_FOUND', { details: { id } });
}
