import { describe, expect, it } from 'vitest';
import { calendarEventIdFor, callIdFor, isStagelineEventId, stageIdForNewInterview } from '../../../shared/scheduling/domain/call-identity.ts';
import { backoffDelay, retryPolicy } from '../../../shared/scheduling/domain/retry-policy.ts';
import { bookSlot, freeBooking, holdExpired, holdSlot, HOLD_TTL_MS, newSlot, overlaps, releaseHold } from '../../../shared/scheduling/domain/slot.ts';
import { CalendarFailure, isTransient, mayHaveTakenEffect, outcomeUnknown } from '../../../shared/scheduling/domain/calendar-failure.ts';
import { boundedMessageId, connectionIdFor } from '../../../shared/scheduling/domain/calendar-connection.ts';

const NOW = '2030-01-01T10:00:00.000Z';
const slot = newSlot({ id: 's-1', tenantId: 't', recruiterId: 'r', start: '2030-01-02T09:00:00.000Z', end: '2030-01-02T10:00:00.000Z', timeZone: 'UTC' }, NOW);
const hold = (callId: string) => ({ callId, purpose: 'schedule' as const, applicationId: 'a', stageId: 's', heldBy: { role: 'candidate' as const, id: 'c' } });

describe('call identity', () => {
  it('derives the same call, stage and event ids for a retry, and new ones for another slot generation', () => {
    const key = { tenantId: 't', applicationId: 'a', stageId: 's', slotId: 'x', slotGeneration: 0 };
    expect(callIdFor(key)).toBe(callIdFor({ ...key }));
    expect(callIdFor(key)).not.toBe(callIdFor({ ...key, slotGeneration: 1 }));
    expect(callIdFor(key)).not.toBe(callIdFor({ ...key, tenantId: 'u' }));
    expect(callIdFor({ ...key, stageId: undefined })).not.toBe(callIdFor(key));
    expect(stageIdForNewInterview(callIdFor(key))).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('encodes the call id in base32hex (Google: 0-9 a-v, 5–1024 characters), one to one', () => {
    expect(calendarEventIdFor('00000000-0000-0000-0000-000000000000')).toBe('0'.repeat(26));
    expect(calendarEventIdFor('ffffffff-ffff-ffff-ffff-ffffffffffff')).toBe(`${'v'.repeat(25)}s`);
    expect(calendarEventIdFor('00000000-0000-0000-0000-000000000001')).toBe(`${'0'.repeat(25)}4`);
    const ids = new Set<string>();
    for (let i = 0; i < 500; i += 1) {
      const id = calendarEventIdFor(callIdFor({ tenantId: 't', applicationId: `a-${i}`, slotId: 'x', slotGeneration: 0 }));
      expect(isStagelineEventId(id)).toBe(true);
      ids.add(id);
    }
    expect(ids.size).toBe(500);
    expect(() => calendarEventIdFor('not-a-uuid')).toThrow();
  });
});

describe('slot holds', () => {
  it('holds a free slot for two minutes; the same call takes its own hold over; another call finds it taken', () => {
    const held = holdSlot(slot, hold('c-1'), NOW);
    expect(held).toMatchObject({ kind: 'held', slot: { state: 'held', hold: { callId: 'c-1', heldAt: NOW } } });
    const h = held.kind === 'held' ? held.slot : slot;
    expect(Date.parse(h.hold!.until) - Date.parse(NOW)).toBe(HOLD_TTL_MS);
    expect(holdSlot(h, hold('c-1'), '2030-01-01T10:01:00.000Z')).toMatchObject({ kind: 'held', slot: { hold: { until: '2030-01-01T10:03:00.000Z' } } });
    expect(holdSlot(h, hold('c-2'), NOW)).toEqual({ kind: 'taken' });
    // Even past its time: the sweeper decides first whether the other booking left an event.
    expect(holdExpired(h, '2030-01-01T10:02:00.000Z')).toBe(true);
    expect(holdSlot(h, hold('c-2'), '2030-01-01T10:05:00.000Z')).toEqual({ kind: 'taken' });
  });

  it('books only for the holder, frees a booking with a new generation, releases only its own hold', () => {
    const held = (holdSlot(slot, hold('c-1'), NOW) as { slot: typeof slot }).slot;
    expect(releaseHold(held, 'c-2', NOW)).toBe(held);
    expect(releaseHold(held, 'c-1', NOW)).toMatchObject({ state: 'free' });
    expect(bookSlot(held, 'c-2', NOW)).toBeUndefined();
    const booked = bookSlot(held, 'c-1', NOW)!;
    expect(booked).toMatchObject({ state: 'booked', booking: { callId: 'c-1', applicationId: 'a', stageId: 's' } });
    expect(booked.hold).toBeUndefined();
    expect(holdSlot(booked, hold('c-1'), NOW)).toMatchObject({ kind: 'booked_by_call' });
    expect(holdSlot(booked, hold('c-2'), NOW)).toEqual({ kind: 'taken' });
    expect(freeBooking(booked, 'c-2', NOW)).toBe(booked);
    expect(freeBooking(booked, 'c-1', NOW)).toMatchObject({ state: 'free', generation: 1 });
  });

  it('treats touching intervals as not overlapping', () => {
    expect(overlaps({ start: '2030-01-01T09:00:00Z', end: '2030-01-01T10:00:00Z' }, { start: '2030-01-01T10:00:00Z', end: '2030-01-01T11:00:00Z' })).toBe(false);
    expect(overlaps({ start: '2030-01-01T09:00:00Z', end: '2030-01-01T10:00:00Z' }, { start: '2030-01-01T09:59:00Z', end: '2030-01-01T11:00:00Z' })).toBe(true);
  });
});

describe('retry policy (Google\'s error guide)', () => {
  it('backs off exponentially with full jitter and never starts a retry past the budget', () => {
    const policy = retryPolicy(8000);
    expect([0, 1, 2, 3].map((retry) => backoffDelay(policy, retry, 0, 0.999))).toEqual([249, 499, 999, 1998]);
    expect(backoffDelay(policy, 0, 0, 0)).toBe(0);
    expect(backoffDelay(policy, 2, 7500, 0.999)).toBeUndefined();
    expect(backoffDelay(policy, 5, 0, 0.5)).toBeUndefined();
    expect(backoffDelay(retryPolicy(8000, 5), 3, 0, 0.999)).toBe(39);
  });

  it('retries rate limits, 5xx, timeouts and cut connections, and knows which of them may have taken effect', () => {
    expect(['rate_limited', 'server_error', 'timeout', 'connection_lost'].every((kind) => isTransient(kind as never))).toBe(true);
    expect(['quota_exceeded', 'forbidden', 'duplicate', 'invalid_grant', 'precondition_failed'].some((kind) => isTransient(kind as never))).toBe(false);
    expect(outcomeUnknown('rate_limited')).toBe(false);
    expect(outcomeUnknown('connection_lost')).toBe(true);
  });
});

describe('message ids and connection ids', () => {
  it('keeps message ids readable when they fit in Service Bus\'s 128 characters, and deterministic when they do not', () => {
    expect(boundedMessageId('calendar.connection_invalid', [connectionIdFor('acme', 'rec-1'), '2'])).toBe('calendar.connection_invalid:acme:rec-1:2');
    const long = [connectionIdFor('t'.repeat(128), 'r'.repeat(128)), '1'];
    expect(boundedMessageId('calendar.connection_invalid', long)).toMatch(/^calendar\.connection_invalid:[0-9a-f]{64}$/);
    expect(boundedMessageId('calendar.connection_invalid', long)).toBe(boundedMessageId('calendar.connection_invalid', [...long]));
    expect(connectionIdFor('a/b', 'c?d#e\\f')).toBe('a%2Fb:c%3Fd%23e%5Cf');
  });

  it('remembers that an earlier attempt may have taken effect', () => {
    const refused = new CalendarFailure('events.insert', 'quota_exceeded');
    expect(mayHaveTakenEffect(refused)).toBe(false);
    refused.afterUnknownOutcome = true;
    expect(mayHaveTakenEffect(refused)).toBe(true);
  });
});
