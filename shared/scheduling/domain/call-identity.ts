import { createHash } from 'node:crypto';

/**
 * Ids of a booking, derived instead of drawn, so that a retry of a failed request lands on the
 * same call, the same stage and the same Google Calendar event:
 * - the call id hashes (tenant, application, stage or "new stage", slot, slot generation);
 * - a stage created together with its booking takes an id derived from the call id;
 * - the calendar event id is the call id's 16 bytes in base32hex (Google's alphabet for
 *   client-supplied event ids: `0-9a-v`, 5–1024 characters).
 */
export interface CallKey {
  readonly tenantId: string;
  readonly applicationId: string;
  /** Absent when the booking creates its stage. */
  readonly stageId?: string;
  readonly slotId: string;
  readonly slotGeneration: number;
}

function uuidFrom(parts: readonly string[]): string {
  const hex = createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export function callIdFor(key: CallKey): string {
  return uuidFrom(['call', key.tenantId, key.applicationId, key.stageId ?? '(new stage)', key.slotId, String(key.slotGeneration)]);
}

/** The id of the live-interview stage a booking creates (recruiter-created stage with a slot). */
export function stageIdForNewInterview(callId: string): string {
  return uuidFrom(['stage', callId]);
}

const BASE32HEX = '0123456789abcdefghijklmnopqrstuv';

/** The Google Calendar event id of a call: its uuid bytes in lower-case base32hex (26 characters). */
export function calendarEventIdFor(callId: string): string {
  const hex = callId.replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/.test(hex)) throw new Error(`A call id is a uuid, not ${callId}`);
  const bytes = Buffer.from(hex, 'hex');
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32HEX[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32HEX[(value << (5 - bits)) & 31];
  return out;
}

/** Whether `eventId` is one Stageline makes (base32hex of 16 bytes). */
export function isStagelineEventId(eventId: string): boolean {
  return /^[0-9a-v]{26}$/.test(eventId);
}
