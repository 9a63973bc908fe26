import type { OutboxEvent } from '../../stages/domain/application.schema.ts';
import { entryOf, type TimelineEntry } from '../domain/timeline-entry.ts';
import type { TimelineStore } from '../ports/timeline-store.port.ts';

export interface AppendOutcome {
  /** Entries this call created. */
  readonly appended: number;
  /** Events whose entry already existed (a republish, or a racing publisher got there first). */
  readonly alreadyPresent: number;
}

/**
 * Appends one application's events to its timeline, in seq order. Each event carries its chain
 * link (hash and signature fixed when it was committed), so an entry needs no read of the one
 * before it. Safe to run twice and to race: entry ids are the event ids, so a second create of
 * the same event is refused by the store and counts as present.
 *
 * Events committed before the aggregate kept the chain carry no link: those are chained to the
 * stored entry before them, as the timeline did then (the publisher trims an event only after
 * its entry is stored, so every older event already has its entry).
 */
export async function appendToTimeline(store: TimelineStore, events: readonly OutboxEvent[], recordedAt: string): Promise<AppendOutcome> {
  const ordered = [...events].sort((a, b) => a.seq - b.seq);
  let previous: TimelineEntry | undefined;
  let appended = 0;
  let alreadyPresent = 0;
  for (const event of ordered) {
    if (event.chain === undefined && previous?.seq !== event.seq - 1) previous = await predecessorOf(store, event);
    const result = await store.appendIfAbsent(entryOf(event, recordedAt, previous));
    if (result.created) appended += 1;
    else alreadyPresent += 1;
    previous = result.entry;
  }
  return { appended, alreadyPresent };
}

async function predecessorOf(store: TimelineStore, event: OutboxEvent): Promise<TimelineEntry | undefined> {
  if (event.seq === 1) return undefined;
  const previous = await store.get(event.applicationId, event.seq - 1);
  if (!previous) {
    throw new Error(`Timeline of ${event.applicationId} has no entry ${event.seq - 1} to chain event ${event.id} to; it will be retried.`);
  }
  return previous;
}
