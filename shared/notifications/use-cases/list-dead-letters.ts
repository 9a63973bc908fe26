import type { Access } from '../../auth/domain/permissions.ts';
import type { DeadLetterQueryInput, DeadLetterView } from '../api/notifications-api.schema.ts';
import { deadLetterView } from '../api/notification-views.ts';
import type { NotificationDeps } from './notification-deps.ts';

/** The caller's tenant's dead-letter log, newest first, filtered by endpoint and time. */
export async function listDeadLetters(
  deps: Pick<NotificationDeps, 'deadLetters'>,
  access: Access,
  query: DeadLetterQueryInput,
): Promise<{ items: DeadLetterView[]; continuationToken?: string }> {
  const page = await deps.deadLetters.list(access.tenantId, {
    limit: query.limit,
    ...(query.webhookId === undefined ? {} : { webhookId: query.webhookId }),
    ...(query.since === undefined ? {} : { since: new Date(query.since).toISOString() }),
    ...(query.status === undefined ? {} : { status: query.status }),
    ...(query.continuationToken === undefined ? {} : { continuationToken: query.continuationToken }),
  });
  return { items: page.items.map(({ entry }) => deadLetterView(entry)), ...(page.continuationToken === undefined ? {} : { continuationToken: page.continuationToken }) };
}
