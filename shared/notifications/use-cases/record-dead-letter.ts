import { deadLetterOf } from '../domain/dead-letter.ts';
import type { AttemptRecord, DeliveryMessage } from '../domain/delivery.ts';
import { countDeadLetter, recordAttempt } from './notification-metrics.ts';
import type { NotificationDeps } from './notification-deps.ts';

export type DeadLetterCause = 'permanent' | 'exhausted' | 'endpoint_disabled';

/** Writes the delivery and all its attempts to the dead-letter log (after a failed replay, added to its entry). */
export async function recordDeadLetter(
  deps: NotificationDeps,
  message: DeliveryMessage,
  last: AttemptRecord,
  reason: string,
  cause: DeadLetterCause,
): Promise<void> {
  const now = deps.clock.now();
  const previous = message.replay > 0 ? await deps.deadLetters.get(message.tenantId, message.deliveryId) : undefined;
  await deps.deadLetters.put(deadLetterOf(message, [...message.attempts, last], reason, now, previous?.entry));
  recordAttempt(message.target.channel, 'dead_lettered', last.outcome === 'skipped' ? undefined : last.durationMs);
  countDeadLetter(message.target.channel, cause);
  deps.log(`notifications: delivery ${message.deliveryId} (${message.event}, ${message.target.channel}) dead-lettered after attempt ${message.attempt}: ${reason}`);
}
