import type { OutboxEvent } from '../../stages/domain/application.schema.ts';
import { entryOf } from '../domain/timeline-entry.ts';
import type { TimelineStore } from '../ports/timeline-store.port.ts';

export interface AppendOutcome {
  /** Entries this call created. */
  readonly appended: number;
  /** Events whose entry already existed (a republish, or a racing publisher got there first). */
  readonly alreadyPresent: number;
}

/**
 * Appends one application's events to its timeline, in seq order (an entry at seq n therefore
 * means every earlier event was appended too: a mutation relies on it to drop left events from
 * its outbox). Each event carries its chain link (hash and signature fixed when it was
 * committed), so an entry needs no read of the one before it. Safe to run twice and to race:
 * entry ids are the event ids, so a second create of the same event is refused by the store and
 * counts as present.
 */
export async function appendToTimeline(store: TimelineStore, events: readonly OutboxEvent[], recordedAt: string): Promise<AppendOutcome> {
  const ordered = [...events].sort((a, b) => a.seq - b.seq);
  let appended = 0;
  let alreadyPresent = 0;
  for (const event of ordered) {
    const result = await store.appendIfAbsent(entryOf(event, recordedAt));
    if (result.created) appended += 1;
    else alreadyPresent += 1;
  }
  return { appended, alreadyPresent };
}
