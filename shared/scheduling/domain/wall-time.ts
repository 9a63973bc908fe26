/**
 * Wall-clock times in IANA zones ↔ UTC instants, with the Intl API only (no date library).
 * A slot is published as a local wall time (`2026-03-29T01:30`) and a zone: the instant it means
 * depends on the zone's offset at that moment, which changes at daylight-saving transitions:
 * - in a spring-forward gap a wall time does not exist (Europe/London 2026-03-29 01:30);
 * - in a fall-back overlap it exists twice (Europe/London 2026-10-25 01:30): the earlier instant
 *   unless the caller names the offset.
 */

export type WallTimeResolution =
  | { readonly kind: 'instant'; readonly instant: string; readonly offset: string; readonly alternatives?: readonly string[] }
  | { readonly kind: 'nonexistent'; readonly reason: string }
  | { readonly kind: 'offset_mismatch'; readonly reason: string };

const WALL_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;
const OFFSET = /^([+-])(\d{2}):(\d{2})$/;
const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let cached = formatters.get(timeZone);
  if (cached === undefined) {
    cached = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, cached);
  }
  return cached;
}

/** Whether `timeZone` is an IANA zone this runtime knows (`Europe/London`, `Asia/Kathmandu`, `UTC`). */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Whether `value` is a wall time `YYYY-MM-DDTHH:mm[:ss]` that a calendar could show (no offset). */
export function isWallTime(value: string): boolean {
  const parts = wallParts(value);
  return parts !== undefined;
}

function wallParts(value: string): number[] | undefined {
  const match = WALL_TIME.exec(value);
  if (!match) return undefined;
  const [y, mo, d, h, mi, s] = match.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
  const asUtc = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  // Rejects 2026-02-30, 25:00 and the like.
  if (asUtc.getUTCFullYear() !== y || asUtc.getUTCMonth() !== mo - 1 || asUtc.getUTCDate() !== d || asUtc.getUTCHours() !== h || asUtc.getUTCMinutes() !== mi) return undefined;
  return [y, mo, d, h, mi, s];
}

/** The zone's UTC offset at `instantMs`, in minutes east of UTC (London summer: 60; New York winter: -300). */
export function offsetMinutesAt(instantMs: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(instantMs))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const wallAsUtc = Date.UTC(parts['year']!, parts['month']! - 1, parts['day']!, parts['hour']!, parts['minute']!, parts['second']!);
  const wholeSecond = Math.floor(instantMs / 1000) * 1000;
  return Math.round((wallAsUtc - wholeSecond) / 60_000);
}

export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

function parseOffset(offset: string): number | undefined {
  const match = OFFSET.exec(offset);
  if (!match) return undefined;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === '-' ? -minutes : minutes;
}

/**
 * The instant a wall time means in `timeZone`. Every offset the zone has within a day of the
 * wall time is tried; those that map back to the same wall time are its instants: none in a
 * spring-forward gap, two in a fall-back overlap (the earlier one is taken unless `offset`
 * names the other), one otherwise.
 */
export function resolveWallTime(wallTime: string, timeZone: string, offset?: string): WallTimeResolution {
  const parts = wallParts(wallTime);
  if (parts === undefined) throw new Error(`Not a wall time: ${wallTime}`);
  const [y, mo, d, h, mi, s] = parts as [number, number, number, number, number, number];
  const wallAsUtc = Date.UTC(y, mo - 1, d, h, mi, s);
  const offsets = new Set([offsetMinutesAt(wallAsUtc - DAY_MS, timeZone), offsetMinutesAt(wallAsUtc, timeZone), offsetMinutesAt(wallAsUtc + DAY_MS, timeZone)]);
  const instants = [...offsets]
    .map((candidate) => ({ offset: candidate, instantMs: wallAsUtc - candidate * 60_000 }))
    .filter((candidate) => offsetMinutesAt(candidate.instantMs, timeZone) === candidate.offset)
    .sort((a, b) => a.instantMs - b.instantMs);
  if (instants.length === 0) {
    const before = offsetMinutesAt(wallAsUtc - DAY_MS, timeZone);
    const after = offsetMinutesAt(wallAsUtc + DAY_MS, timeZone);
    return {
      kind: 'nonexistent',
      reason: `${wallTime} does not exist in ${timeZone}: the clocks jump from UTC${formatOffset(before)} to UTC${formatOffset(after)} that day (daylight saving), skipping it.`,
    };
  }
  let chosen = instants[0]!;
  if (offset !== undefined) {
    const wanted = parseOffset(offset);
    const match = instants.find((candidate) => candidate.offset === wanted);
    if (match === undefined) {
      return {
        kind: 'offset_mismatch',
        reason: `${wallTime} in ${timeZone} has the offset ${instants.map((candidate) => formatOffset(candidate.offset)).join(' or ')}, not ${offset}.`,
      };
    }
    chosen = match;
  }
  const alternatives = instants.filter((candidate) => candidate !== chosen).map((candidate) => new Date(candidate.instantMs).toISOString());
  return {
    kind: 'instant',
    instant: new Date(chosen.instantMs).toISOString(),
    offset: formatOffset(chosen.offset),
    ...(alternatives.length > 0 ? { alternatives } : {}),
  };
}

/** An instant as the wall clock in `timeZone` shows it, ISO 8601 with that offset: `2026-03-29T02:30:00+01:00`. */
export function formatInZone(instant: string, timeZone: string): string {
  const ms = Date.parse(instant);
  const offset = offsetMinutesAt(ms, timeZone);
  const wall = new Date(Math.floor(ms / 1000) * 1000 + offset * 60_000).toISOString().slice(0, 19);
  return `${wall}${formatOffset(offset)}`;
}

export const OFFSET_PATTERN = OFFSET;
