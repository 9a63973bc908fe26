import type { Access } from '../../auth/domain/permissions.ts';
import { DomainError } from '../../platform/errors.ts';
import type { DeadLetterView } from '../api/notifications-api.schema.ts';
import { deadLetterView } from '../api/notification-views.ts';
import type { DeadLetter } from '../domain/dead-letter.ts';
import type { StoredDeadLetter } from '../ports/dead-letter-log.port.ts';
import type { NotificationDeps } from './notification-deps.ts';

/**
 * Sends a dead-lettered delivery again: the same delivery id (so the same `webhook-id`), from
 * attempt 1 with the full retry schedule. The message id carries the replay number, so two
 * replays racing for one entry send one message (duplicate detection) and only one marks the
 * entry `replayed`. If the replay fails for good, the entry is back (`dead_lettered`) with the
 * new attempts added.
 */
export async function replayDeadLetter(deps: NotificationDeps, access: Access, id: string): Promise<DeadLetterView> {
  const stored = await deps.deadLetters.get(access.tenantId, id);
  if (stored === undefined) throw new DomainError('DEAD_LETTER.NOT_FOUND', { details: { id } });
  const replayed = await replayOne(deps, stored);
  if (replayed === undefined) throw new DomainError('DEAD_LETTER.ALREADY_REPLAYED', { details: { id } });
  await deps.roster.remember(access.tenantId, access.actor.id);
  return deadLetterView(replayed);
}

/** `undefined` when the entry is already replayed (by this call's competitor, or before). */
export async function replayOne(deps: Pick<NotificationDeps, 'deadLetters' | 'queues' | 'clock' | 'log'>, stored: StoredDeadLetter): Promise<DeadLetter | undefined> {
  const { entry, etag } = stored;
  if (entry.status === 'replayed') return undefined;
  const replay = entry.replays + 1;
  await deps.queues.sendDeliveries([{ ...entry.message, attempt: 1, attempts: [], replay }]);
  const next: DeadLetter = { ...entry, status: 'replayed', replays: replay, lastReplayedAt: deps.clock.now() };
  const replaced = await deps.deadLetters.replace(next, etag);
  if (replaced === 'conflict' || replaced === undefined) return undefined;
  deps.log(`notifications: delivery ${entry.deliveryId} replayed (replay ${replay})`);
  return replaced.entry;
}
