import { createHash, randomBytes } from 'node:crypto';
import type { calendar_v3 } from '@googleapis/calendar';

/** One stored event and the change sequence number it was last written at (drives incremental sync). */
interface StoredEvent {
  event: calendar_v3.Schema$Event;
  seq: number;
}

export const EVENT_ID = /^[a-v0-9]{5,1024}$/;

/** Google Meet's code shape (`abc-defg-hij`), derived from the conference request id. */
export function meetCodeFor(requestId: string): string {
  const letters = createHash('sha256').update(requestId).digest().map((byte) => 97 + (byte % 26));
  const text = String.fromCharCode(...letters);
  return `${text.slice(0, 3)}-${text.slice(3, 7)}-${text.slice(7, 10)}`;
}

/**
 * The fake's calendars: one per account, holding events as `calendar_v3.Schema$Event`. Every write
 * takes the next sequence number; a sync token names the sequence it was issued at, and tokens
 * issued before `syncTokensValidFrom` are refused (410), as Google does with old ones.
 */
export class FakeCalendarState {
  readonly #calendars = new Map<string, Map<string, StoredEvent>>();
  #seq = 0;
  #syncTokensValidFrom = 0;

  #calendar(calendarId: string): Map<string, StoredEvent> {
    let calendar = this.#calendars.get(calendarId);
    if (calendar === undefined) this.#calendars.set(calendarId, (calendar = new Map()));
    return calendar;
  }

  get(calendarId: string, eventId: string): calendar_v3.Schema$Event | undefined {
    return this.#calendars.get(calendarId)?.get(eventId)?.event;
  }

  has(calendarId: string, eventId: string): boolean {
    return this.#calendars.get(calendarId)?.has(eventId) ?? false;
  }

  newEventId(): string {
    return [...randomBytes(20)].map((byte) => '0123456789abcdefghijklmnopqrstuv'[byte % 32]).join('');
  }

  /** Stores `event` (new or changed) with a fresh etag, `updated` and sequence. */
  put(calendarId: string, event: calendar_v3.Schema$Event): calendar_v3.Schema$Event {
    this.#seq += 1;
    const stored = { ...event, etag: `"${this.#seq}${String(Date.now()).slice(-6)}"`, updated: new Date().toISOString() };
    this.#calendar(calendarId).set(event.id!, { event: stored, seq: this.#seq });
    return stored;
  }

  /** The sequence a sync token was issued at; `'stale'` when too old; `undefined` when not one of ours for this calendar. */
  readSyncToken(calendarId: string, token: string): number | 'stale' | undefined {
    try {
      const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { c?: unknown; s?: unknown };
      if (parsed.c !== calendarId || typeof parsed.s !== 'number') return undefined;
      return parsed.s < this.#syncTokensValidFrom ? 'stale' : parsed.s;
    } catch {
      return undefined;
    }
  }

  /** Every sync token issued so far is refused from now on. */
  expireSyncTokens(): void {
    this.#syncTokensValidFrom = this.#seq + 1;
  }

  get seq(): number {
    return this.#seq;
  }

  /** The calendar's events changed after `sinceSeq` (all when absent), in the order they changed. */
  changedSince(calendarId: string, sinceSeq: number | undefined, upToSeq: number): calendar_v3.Schema$Event[] {
    return [...(this.#calendars.get(calendarId)?.values() ?? [])]
      .filter((stored) => (sinceSeq === undefined || stored.seq > sinceSeq) && stored.seq <= upToSeq)
      .sort((a, b) => a.seq - b.seq)
      .map((stored) => stored.event);
  }

  all(): Array<{ calendarId: string; event: calendar_v3.Schema$Event }> {
    return [...this.#calendars].flatMap(([calendarId, events]) => [...events.values()].map((stored) => ({ calendarId, event: stored.event })));
  }

  snapshot(): unknown {
    return { seq: this.#seq, validFrom: this.#syncTokensValidFrom, calendars: [...this.#calendars].map(([id, events]) => [id, [...events]]) };
  }

  restore(snapshot: unknown): void {
    const data = snapshot as { seq?: number; validFrom?: number; calendars?: [string, [string, StoredEvent][]][] };
    this.#seq = data.seq ?? 0;
    this.#syncTokensValidFrom = data.validFrom ?? 0;
    for (const [id, events] of data.calendars ?? []) this.#calendars.set(id, new Map(events));
  }
}
