import type { AttemptRecord, DeliveryMessage } from './delivery.ts';

/**
 * A delivery that gave up: every attempt (time, status, error, duration), why it stopped, and
 * the message to send again on replay. `id` = the delivery id (a replay that fails again updates
 * the same entry). `status: 'replayed'` while a replay is under way; back to `dead_lettered` if
 * it fails too.
 */
export interface DeadLetter {
  readonly id: string;
  readonly tenantId: string;
  readonly deliveryId: string;
  readonly eventId: string;
  readonly event: string;
  readonly channel: DeliveryMessage['target']['channel'];
  readonly webhookId?: string;
  readonly reason: string;
  readonly attempts: readonly AttemptRecord[];
  readonly deadLetteredAt: string;
  readonly status: 'dead_lettered' | 'replayed';
  readonly replays: number;
  readonly lastReplayedAt?: string;
  /** The delivery as it was first sent (attempt 1), to send again. */
  readonly message: DeliveryMessage;
}

/** The log entry for a delivery that stops here. */
export function deadLetterOf(message: DeliveryMessage, attempts: readonly AttemptRecord[], reason: string, now: string, previous?: DeadLetter): DeadLetter {
  const target = message.target;
  const { chatSlotAt: _slot, ...original } = message;
  return {
    id: message.deliveryId,
    tenantId: message.tenantId,
    deliveryId: message.deliveryId,
    eventId: message.eventId,
    event: message.event,
    channel: target.channel,
    ...(target.channel === 'inbox' ? {} : { webhookId: target.webhookId }),
    reason,
    attempts: [...(previous?.attempts ?? []), ...attempts].slice(-100),
    deadLetteredAt: now,
    status: 'dead_lettered',
    replays: previous?.replays ?? message.replay,
    ...(previous?.lastReplayedAt === undefined ? {} : { lastReplayedAt: previous.lastReplayedAt }),
    message: { ...original, attempt: 1, attempts: [], replay: 0 },
  };
}
