import type { Access } from '../../auth/domain/permissions.ts';
import type { ReplayManyBody, ReplayResult } from '../api/notifications-api.schema.ts';
import type { StoredDeadLetter } from '../ports/dead-letter-log.port.ts';
import type { NotificationDeps } from './notification-deps.ts';
import { replayOne } from './replay-dead-letter.ts';

const MAX_PER_CALL = 1000;

/**
 * Replays every dead-lettered (not yet replayed) delivery of the tenant, optionally of one
 * endpoint and since a time: the matching entries are listed first, then each is replayed as
 * `replayDeadLetter` does. At most 1000 per call (`more` says to call again).
 */
export async function replayDeadLetters(deps: NotificationDeps, access: Access, body: ReplayManyBody): Promise<ReplayResult> {
  const matching: StoredDeadLetter[] = [];
  let continuationToken: string | undefined;
  do {
    const page = await deps.deadLetters.list(access.tenantId, {
      status: 'dead_lettered',
      limit: 200,
      ...(body.webhookId === undefined ? {} : { webhookId: body.webhookId }),
      ...(body.since === undefined ? {} : { since: new Date(body.since).toISOString() }),
      ...(continuationToken === undefined ? {} : { continuationToken }),
    });
    matching.push(...page.items);
    continuationToken = page.continuationToken;
  } while (continuationToken !== undefined && matching.length <= MAX_PER_CALL);
  const ids: string[] = [];
  for (const stored of matching.slice(0, MAX_PER_CALL)) {
    if ((await replayOne(deps, stored)) !== undefined) ids.push(stored.entry.id);
  }
  await deps.roster.remember(access.tenantId, access.actor.id);
  return { replayed: ids.length, ids, more: matching.length > MAX_PER_CALL || continuationToken !== undefined };
}
