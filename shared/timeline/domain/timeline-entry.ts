import { createHash } from 'node:crypto';
import type { OutboxEvent } from '../../stages/domain/application.schema.ts';
import { canonicalJson } from './canonical-json.ts';

/** `prevHash` of an application's first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * One immutable timeline entry: exactly one stage event, chained to the entry before it.
 * - `id` = the event id (`${applicationId}:${seq}`), so appending the same event twice is a no-op.
 * - `seq` = the event's own sequence number: the aggregate hands them out in commit order, one
 *   per event, without gaps, so the chain order is fixed before any publisher runs.
 * - `hash` = SHA-256 (hex) over the canonical JSON of every other field.
 */
export interface TimelineEntry {
  readonly id: string;
  readonly applicationId: string;
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
  readonly event: OutboxEvent;
  readonly recordedAt: string;
}

/** The hash an entry must carry: SHA-256 over the canonical JSON of the entry without `hash`. */
export function hashOf(entry: Omit<TimelineEntry, 'hash'> | TimelineEntry): string {
  const { hash: _hash, ...unsealed } = entry as TimelineEntry;
  return createHash('sha256').update(canonicalJson(unsealed), 'utf8').digest('hex');
}

/** The entry for `event`, chained to `previous` (undefined only for the application's first event). */
export function chainEntry(event: OutboxEvent, previous: TimelineEntry | undefined, recordedAt: string): TimelineEntry {
  const expectedPrevious = event.seq - 1;
  if ((previous?.seq ?? 0) !== expectedPrevious) {
    throw new Error(`Timeline entry ${event.id} must chain to seq ${expectedPrevious}, not ${previous?.seq ?? 'the genesis'}.`);
  }
  const unsealed = {
    id: event.id,
    applicationId: event.applicationId,
    seq: event.seq,
    prevHash: previous?.hash ?? GENESIS_HASH,
    event,
    recordedAt,
  };
  return { ...unsealed, hash: hashOf(unsealed) };
}

/** The deterministic id of an application's entry `seq` (the id of the event with that seq). */
export function timelineEntryId(applicationId: string, seq: number): string {
  return `${applicationId}:${seq}`;
}
