/**
 * Google Chat accepts about 60 messages a minute per space. Deliveries to one space reserve a
 * slot in 12-second windows holding `perMinute / 6` messages each: any 60 seconds overlap at
 * most six windows, so no minute sees more than `perMinute`. A full window pushes the delivery
 * to the next one with room (it waits as a scheduled message: queued, never dropped).
 */
export const CHAT_WINDOW_MS = 12_000;

export function chatWindowCapacity(perMinute: number): number {
  return Math.max(1, Math.floor(perMinute / 6));
}

/** The last window a space has handed slots out in, and how many. */
export interface ChatRateCursor {
  readonly windowStart: number;
  readonly used: number;
}

/** Takes the first free slot at or after `nowMs`; returns the cursor to store and when the message may go. */
export function reserveChatSlot(cursor: ChatRateCursor | undefined, nowMs: number, capacity: number): { readonly cursor: ChatRateCursor; readonly slotAt: number } {
  const current = Math.floor(nowMs / CHAT_WINDOW_MS) * CHAT_WINDOW_MS;
  if (cursor === undefined || cursor.windowStart < current) return { cursor: { windowStart: current, used: 1 }, slotAt: nowMs };
  if (cursor.used < capacity) return { cursor: { windowStart: cursor.windowStart, used: cursor.used + 1 }, slotAt: Math.max(nowMs, cursor.windowStart) };
  const next = cursor.windowStart + CHAT_WINDOW_MS;
  return { cursor: { windowStart: next, used: 1 }, slotAt: next };
}
