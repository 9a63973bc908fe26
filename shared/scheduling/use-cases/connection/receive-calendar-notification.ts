import { createHash, timingSafeEqual } from 'node:crypto';
import { open } from '../../../platform/crypto/envelope.ts';
import { countNotification, type NotificationOutcome } from '../../calendar-metrics.ts';
import { boundedMessageId, channelTokenAad, connectionIdFor } from '../../domain/calendar-connection.ts';
import type { CalendarNotificationHeaders } from '../../api/calendar-connection.schema.ts';
import type { SchedulingDeps } from '../scheduling-deps.ts';

/** The body of a `calendar-sync` message. */
export interface SyncRequest {
  readonly tenantId: string;
  readonly recruiterId: string;
  readonly reason: string;
}

/** Queues an incremental sync of one connection; `key` makes the message id (Service Bus drops a repeat). */
export async function requestSync(deps: Pick<SchedulingDeps, 'bus'>, tenantId: string, recruiterId: string, key: string): Promise<void> {
  const body: SyncRequest = { tenantId, recruiterId, reason: key };
  await deps.bus.send('calendar-sync', [
    { messageId: boundedMessageId('calendar-sync', [connectionIdFor(tenantId, recruiterId), key]), body, contentType: 'application/json', subject: 'calendar.sync', correlationId: recruiterId },
  ]);
}

function sameSecret(a: string, b: string): boolean {
  // Digests first: equal lengths, and no early exit on the first differing byte.
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

/**
 * `POST /api/calendar/notifications` (public; Google's push). The channel id must name a stored
 * channel and the token match its (encrypted) token, compared in constant time; then an
 * incremental sync is queued and Google gets its 200 at once. Unknown, expired or mis-tokened
 * channels get 200 too (anything else makes Google retry) and are counted.
 */
export async function receiveCalendarNotification(deps: SchedulingDeps, headers: CalendarNotificationHeaders): Promise<NotificationOutcome> {
  const outcome = await classify(deps, headers);
  countNotification(outcome);
  return outcome;
}

async function classify(deps: SchedulingDeps, headers: CalendarNotificationHeaders): Promise<NotificationOutcome> {
  if (!headers.channelId || headers.channelId.length > 64) return 'unknown_channel';
  const stored = await deps.channels.get(headers.channelId);
  if (stored === undefined) return 'unknown_channel';
  const channel = stored.document;
  let expected: string;
  try {
    expected = open(deps.keyring, channel.token, channelTokenAad(channel.id));
  } catch {
    return 'bad_token';
  }
  if (!sameSecret(headers.channelToken ?? '', expected)) return 'bad_token';
  if (Date.parse(channel.expiration) <= Date.parse(deps.clock.now())) return 'stale_channel';
  if (headers.resourceState === 'sync') return 'sync_state';
  await requestSync(deps, channel.tenantId, channel.recruiterId, `${channel.id}:${headers.messageNumber ?? deps.clock.now()}`);
  return 'queued';
}
