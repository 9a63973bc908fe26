import type { OutboxEvent } from '../../stages/domain/application.schema.ts';
import { eventIdOf } from '../../stages/domain/application.ts';
import { eventHash } from '../../stages/domain/event-chain.ts';

export { GENESIS_HASH } from '../../stages/domain/event-chain.ts';

/** The event as the timeline keeps it: without its chain fields (those are the entry's). */
export type TimelineEvent = Omit<OutboxEvent, 'chain'>;

/**
 * One immutable timeline entry: exactly one stage event at its place in the application's hash
 * chain, as the aggregate fixed it when the event was committed.
 * - `id` = the event id (`${tenantId}:${applicationId}:${seq}`), so appending the same event twice is a no-op;
 * - `seq` = the event's own sequence number (handed out in commit order, without gaps);
 * - `prevHash`, `hash` = the event's chain link: `hash` = SHA-256 over the canonical JSON of
 *   `{ id, applicationId, seq, prevHash, event }` (`recordedAt` is not part of it);
 * - `kid`, `mac` = the link's HMAC by the signing key, which Cosmos DB never holds.
 */
export interface TimelineEntry {
  readonly id: string;
  readonly tenantId: string;
  readonly applicationId: string;
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
  readonly kid?: string;
  readonly mac?: string;
  readonly event: TimelineEvent;
  readonly recordedAt: string;
}

/** The hash an entry must carry, recomputed from its own fields. */
export function hashOf(entry: Pick<TimelineEntry, 'event' | 'prevHash'>): string {
  return eventHash(entry.event, entry.prevHash);
}

/** The entry for a committed event: its chain link (hash and signature) was fixed when it was committed. */
export function entryOf(event: OutboxEvent, recordedAt: string): TimelineEntry {
  const { chain, ...body } = event;
  if (chain === undefined) throw new Error(`Event ${event.id} carries no chain link; it was not committed by the mutation path.`);
  return {
    id: event.id,
    tenantId: event.tenantId,
    applicationId: event.applicationId,
    seq: event.seq,
    prevHash: chain.prevHash,
    hash: chain.hash,
    ...(chain.kid === undefined ? {} : { kid: chain.kid }),
    ...(chain.mac === undefined ? {} : { mac: chain.mac }),
    event: body,
    recordedAt,
  };
}

/** The deterministic id of an application's entry `seq` (the id of the event with that seq). */
export function timelineEntryId(tenantId: string, applicationId: string, seq: number): string {
  return eventIdOf(tenantId, applicationId, seq);
}
