import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatInZone, isTimeZone, isWallTime, offsetMinutesAt, resolveWallTime } from '../../../shared/scheduling/domain/wall-time.ts';

/** Fixed historical transition days (2025), written out from the published rules. */
describe('wall-clock time ↔ instant (Intl only)', () => {
  it.each([
    ['Europe/London', '2025-03-30T01:30', 'spring forward: 01:00 → 02:00'],
    ['America/New_York', '2025-03-09T02:30', 'spring forward: 02:00 → 03:00'],
    ['Europe/London', '2025-03-30T01:00', 'the first minute of the gap'],
  ])('%s %s does not exist (%s)', (zone, wall) => {
    const resolved = resolveWallTime(wall, zone);
    expect(resolved).toMatchObject({ kind: 'nonexistent', reason: expect.stringContaining(zone) });
  });

  it.each([
    ['Europe/London', '2025-10-26T01:30', '2025-10-26T00:30:00.000Z', '+01:00', '2025-10-26T01:30:00.000Z', '+00:00'],
    ['America/New_York', '2025-11-02T01:30', '2025-11-02T05:30:00.000Z', '-04:00', '2025-11-02T06:30:00.000Z', '-05:00'],
  ])('%s %s happens twice: the earlier by default, the later with its offset', (zone, wall, earlier, earlierOffset, later, laterOffset) => {
    expect(resolveWallTime(wall, zone)).toEqual({ kind: 'instant', instant: earlier, offset: earlierOffset, alternatives: [later] });
    expect(resolveWallTime(wall, zone, laterOffset)).toEqual({ kind: 'instant', instant: later, offset: laterOffset, alternatives: [earlier] });
    expect(resolveWallTime(wall, zone, '+09:00')).toMatchObject({ kind: 'offset_mismatch' });
  });

  it.each([
    ['Asia/Kolkata', '2025-06-01T09:00', '2025-06-01T03:30:00.000Z', '+05:30'],
    ['Asia/Kathmandu', '2025-06-01T09:00', '2025-06-01T03:15:00.000Z', '+05:45'],
    ['Europe/London', '2025-03-30T02:00', '2025-03-30T01:00:00.000Z', '+01:00'],
    ['America/New_York', '2025-03-09T03:00', '2025-03-09T07:00:00.000Z', '-04:00'],
    ['UTC', '2025-01-01T00:00', '2025-01-01T00:00:00.000Z', '+00:00'],
  ])('%s %s is %s', (zone, wall, instant, offset) => {
    expect(resolveWallTime(wall, zone)).toEqual({ kind: 'instant', instant, offset });
  });

  it('renders an instant in another zone with its offset (candidates elsewhere)', () => {
    expect(formatInZone('2025-06-01T03:30:00.000Z', 'America/New_York')).toBe('2025-05-31T23:30:00-04:00');
    expect(formatInZone('2025-06-01T03:15:00.000Z', 'Europe/London')).toBe('2025-06-01T04:15:00+01:00');
    expect(formatInZone('2025-10-26T00:30:00.000Z', 'Asia/Kathmandu')).toBe('2025-10-26T06:15:00+05:45');
    expect(formatInZone('2025-10-26T01:30:00.000Z', 'Europe/London')).toBe('2025-10-26T01:30:00+00:00');
    expect(formatInZone('2025-03-20T09:00:00.000Z', 'America/New_York')).toBe('2025-03-20T05:00:00-04:00');
    expect(offsetMinutesAt(Date.parse('2025-01-15T12:00:00Z'), 'Asia/Kathmandu')).toBe(345);
  });

  it('validates zones and wall times', () => {
    expect(isTimeZone('Europe/London')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(isWallTime('2025-02-29T10:00')).toBe(false);
    expect(isWallTime('2025-02-28T24:00')).toBe(false);
    expect(isWallTime('2025-02-28T10:00:30')).toBe(true);
    expect(isWallTime('2025-02-28T10:00Z')).toBe(false);
  });

  it('round-trips: an instant rendered in a zone resolves back to itself with that offset', () => {
    const zones = ['Europe/London', 'America/New_York', 'Asia/Kolkata', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'America/St_Johns', 'Pacific/Chatham', 'UTC'];
    fc.assert(
      fc.property(fc.integer({ min: Date.parse('2020-01-01T00:00:00Z') / 60_000, max: Date.parse('2035-01-01T00:00:00Z') / 60_000 }), fc.constantFrom(...zones), (minute, zone) => {
        const instant = new Date(minute * 60_000).toISOString();
        const rendered = formatInZone(instant, zone);
        const wall = rendered.slice(0, 19);
        const offset = rendered.slice(19);
        expect(resolveWallTime(wall, zone, offset)).toMatchObject({ kind: 'instant', instant, offset });
      }),
      { numRuns: 2000 },
    );
  });
});
