import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishSlotsResponseSchema, stageSlotsResponseSchema } from '../../../shared/scheduling/api/slots.schema.ts';
import { startCalendarStack, type CalendarStack } from '../../support/calendar-api.ts';

/** Transition days, worked out here from the rules (not from the code under test). */
const year = new Date().getUTCFullYear() + 1;
const pad = (n: number) => String(n).padStart(2, '0');
/** The date of the last Sunday of a month (EU rules: last Sunday of March and October). */
function lastSunday(month: number): string {
  const last = new Date(Date.UTC(year, month, 0));
  return `${year}-${pad(month)}-${pad(last.getUTCDate() - last.getUTCDay())}`;
}
/** The date of the nth Sunday of a month (US rules: second Sunday of March, first of November). */
function nthSunday(month: number, nth: number): string {
  const first = new Date(Date.UTC(year, month - 1, 1));
  return `${year}-${pad(month)}-${pad(1 + ((7 - first.getUTCDay()) % 7) + (nth - 1) * 7)}`;
}
const londonSpring = lastSunday(3);
const londonAutumn = lastSunday(10);
const newYorkSpring = nthSunday(3, 2);
const newYorkAutumn = nthSunday(11, 1);
const minutes = (slot: { start: string; end: string }) => (Date.parse(slot.end) - Date.parse(slot.start)) / 60_000;

describe('recruiter slots: wall-clock times in IANA zones, across daylight-saving changes', () => {
  let api: CalendarStack;
  let rec: string;
  beforeAll(async () => {
    api = await startCalendarStack();
    rec = await api.as('recruiter', 'acme', 'rec-z');
  });
  afterAll(() => api.stop());

  const publish = (slots: unknown[], token = rec) => api.call('/calendar/slots', { token, json: { slots } });

  it('refuses a time the spring-forward gap skips (Europe/London, America/New_York) with the reason, and stores nothing', async () => {
    for (const [day, zone, wall] of [[londonSpring, 'Europe/London', '01:30'], [newYorkSpring, 'America/New_York', '02:30']] as const) {
      const before = (await api.all('slots')).length;
      const answer = await publish([{ start: `${day}T${wall}`, end: `${day}T04:00`, timeZone: zone }]);
      expect(answer).toMatchObject({ status: 400, body: { code: 'REQUEST.INVALID', details: { issues: [{ path: 'slots.0.start', code: 'nonexistent_local_time', message: expect.stringContaining('does not exist') }] } } });
      expect(answer.body.details.issues[0].message).toContain(zone);
      expect((await api.all('slots')).length).toBe(before);
    }
  });

  it('maps the hour after spring forward to summer time, and measures a slot across the gap in real minutes', async () => {
    const answer = await publish([{ start: `${londonSpring}T02:30`, end: `${londonSpring}T03:30`, timeZone: 'Europe/London' }]);
    expect(answer.status).toBe(201);
    const [slot] = publishSlotsResponseSchema.parse(answer.body).slots;
    expect(slot).toMatchObject({ start: `${londonSpring}T01:30:00.000Z`, end: `${londonSpring}T02:30:00.000Z`, localStart: `${londonSpring}T02:30:00+01:00`, timeZone: 'Europe/London', state: 'free' });
    expect(await api.stored('slots', slot!.id, ['acme', 'rec-z'])).toMatchObject({ tenantId: 'acme', recruiterId: 'rec-z', start: slot!.start, end: slot!.end, timeZone: 'Europe/London', state: 'free' });
    // 01:30 EST to 03:30 EDT is one hour of real time.
    const across = await publish([{ start: `${newYorkSpring}T01:30`, end: `${newYorkSpring}T03:30`, timeZone: 'America/New_York' }]);
    expect(across.status).toBe(201);
    expect(across.body.slots[0]).toMatchObject({ start: `${newYorkSpring}T06:30:00.000Z`, end: `${newYorkSpring}T07:30:00.000Z` });
    expect(minutes(across.body.slots[0])).toBe(60);
  });

  it('takes the earlier of two instants when the clocks go back, unless the offset names the later one', async () => {
    const answer = await publish([
      { start: `${londonAutumn}T01:30`, end: `${londonAutumn}T02:30`, timeZone: 'Europe/London' },
      { start: `${newYorkAutumn}T01:00`, end: `${newYorkAutumn}T01:45`, timeZone: 'America/New_York' },
    ]);
    expect(answer.status).toBe(201);
    expect(answer.body.slots[0]).toMatchObject({ start: `${londonAutumn}T00:30:00.000Z`, end: `${londonAutumn}T02:30:00.000Z`, localStart: `${londonAutumn}T01:30:00+01:00`, localEnd: `${londonAutumn}T02:30:00+00:00` });
    expect(minutes(answer.body.slots[0])).toBe(120);
    expect(answer.body.slots[1]).toMatchObject({ start: `${newYorkAutumn}T05:00:00.000Z`, localStart: `${newYorkAutumn}T01:00:00-04:00` });

    // Another recruiter: the same wall times, the later instants.
    const later = await publish([
      { start: `${londonAutumn}T01:30`, offset: '+00:00', end: `${londonAutumn}T03:00`, timeZone: 'Europe/London' },
      { start: `${newYorkAutumn}T01:00`, offset: '-05:00', end: `${newYorkAutumn}T01:45`, endOffset: '-05:00', timeZone: 'America/New_York' },
    ], await api.as('recruiter', 'acme', 'rec-x'));
    expect(later.status).toBe(201);
    expect(later.body.slots[0]).toMatchObject({ start: `${londonAutumn}T01:30:00.000Z`, localStart: `${londonAutumn}T01:30:00+00:00` });
    expect(later.body.slots[1]).toMatchObject({ start: `${newYorkAutumn}T06:00:00.000Z`, end: `${newYorkAutumn}T06:45:00.000Z` });
    const wrongOffset = await publish([{ start: `${londonAutumn}T01:30`, offset: '+02:00', end: `${londonAutumn}T04:00`, timeZone: 'Europe/London' }]);
    expect(wrongOffset).toMatchObject({ status: 400, body: { details: { issues: [{ code: 'offset_mismatch' }] } } });
  });

  it('refuses overlaps (within the request and with existing slots) but not touching slots, and past, too short or malformed ones', async () => {
    const day = `${year}-05-12`;
    const within = await publish([
      { start: `${day}T09:00`, end: `${day}T10:00`, timeZone: 'UTC' },
      { start: `${day}T09:30`, end: `${day}T10:30`, timeZone: 'UTC' },
    ]);
    expect(within).toMatchObject({ status: 409, body: { code: 'SLOT.OVERLAPS', details: { slot: 1 } } });
    expect((await publish([{ start: `${day}T09:00`, end: `${day}T10:00`, timeZone: 'UTC' }])).status).toBe(201);
    // 10:00 in London in May is 09:00 UTC: the same instant, another zone.
    const sameInstant = await publish([{ start: `${day}T10:00`, end: `${day}T10:30`, timeZone: 'Europe/London' }]);
    expect(sameInstant).toMatchObject({ status: 409, body: { code: 'SLOT.OVERLAPS', details: { overlaps: { start: `${day}T09:00:00.000Z` } } } });
    expect((await publish([{ start: `${day}T10:00`, end: `${day}T11:00`, timeZone: 'UTC' }])).status).toBe(201);
    const bad = await publish([
      { start: '2001-01-01T09:00', end: '2001-01-01T10:00', timeZone: 'UTC' },
      { start: `${day}T12:00`, end: `${day}T12:10`, timeZone: 'UTC' },
    ]);
    expect(bad.body.details.issues.map((i: { code: string }) => i.code)).toEqual(['not_in_future', 'slot_length']);
    const malformed = await publish([{ start: `${day}T25:00`, end: `${day}T26:00`, timeZone: 'Mars/Olympus' }]);
    expect(malformed.body.details.issues.map((i: { path: string }) => i.path).sort()).toEqual(['slots.0.end', 'slots.0.start', 'slots.0.timeZone']);
  });

  it('lets exactly one of two simultaneous overlapping publishes through', async () => {
    const day = `${year}-05-20`;
    const [a, b] = await Promise.all([
      publish([{ start: `${day}T09:00`, end: `${day}T10:00`, timeZone: 'UTC' }]),
      publish([{ start: `${day}T09:30`, end: `${day}T10:30`, timeZone: 'UTC' }]),
    ]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    const stored = (await api.all('slots')).filter((s) => String(s['start']).startsWith(day));
    expect(stored).toHaveLength(1);
  });

  it('lists, and deletes only free slots of the caller (another recruiter\'s or tenant\'s is not found)', async () => {
    const day = `${year}-06-01`;
    const [freeId, bookedId] = (await publish([
      { start: `${day}T09:00`, end: `${day}T10:00`, timeZone: 'UTC' },
      { start: `${day}T11:00`, end: `${day}T12:00`, timeZone: 'UTC' },
    ])).body.slots.map((s: { id: string }) => s.id);
    const listed = await api.call(`/calendar/slots?from=${day}T00:00:00Z&to=${day}T23:59:59Z`, { token: rec });
    expect(listed.body.slots.map((s: { id: string }) => s.id)).toEqual([freeId, bookedId]);
    const stored = await api.host.services.scheduling.deps.slots.get('acme', 'rec-z', bookedId);
    await api.host.services.scheduling.deps.slots.replace({ ...stored!.document, state: 'booked', booking: { callId: 'c', applicationId: 'a', stageId: 's', bookedAt: stored!.document.createdAt } }, stored!.etag);
    expect(await api.call(`/calendar/slots/${bookedId}`, { token: rec, method: 'DELETE' })).toMatchObject({ status: 409, body: { code: 'SLOT.TAKEN' } });
    const otherRecruiter = await api.as('recruiter', 'acme', 'rec-other');
    const otherTenant = await api.as('recruiter', 'globex', 'rec-z');
    expect(await api.call(`/calendar/slots/${freeId}`, { token: otherRecruiter, method: 'DELETE' })).toMatchObject({ status: 404, body: { code: 'SLOT.NOT_FOUND' } });
    expect(await api.call(`/calendar/slots/${freeId}`, { token: otherTenant, method: 'DELETE' })).toMatchObject({ status: 404, body: { code: 'SLOT.NOT_FOUND' } });
    expect((await api.call(`/calendar/slots?from=${day}T00:00:00Z&to=${day}T23:59:59Z`, { token: otherTenant })).body.slots).toEqual([]);
    expect((await api.call(`/calendar/slots/${freeId}`, { token: rec, method: 'DELETE' })).status).toBe(204);
    expect(await api.stored('slots', freeId, ['acme', 'rec-z'])).toBeUndefined();
    expect(await api.stored('slots', bookedId, ['acme', 'rec-z'])).toMatchObject({ state: 'booked' });
  });

  it('shows a candidate the open slots of their interview in their zone (30/45-minute offsets, both DST directions)', async () => {
    const kolkataDay = `${year}-06-10`;
    const between = (() => {
      // A day after New York moved to summer time but before London did.
      const d = new Date(`${newYorkSpring}T12:00:00Z`);
      d.setUTCDate(d.getUTCDate() + 7);
      return d.toISOString().slice(0, 10);
    })();
    const recY = await api.as('recruiter', 'acme', 'rec-y');
    const ids = (await publish([
      { start: `${kolkataDay}T09:00`, end: `${kolkataDay}T10:00`, timeZone: 'Asia/Kolkata' },
      { start: `${kolkataDay}T12:00`, end: `${kolkataDay}T13:00`, timeZone: 'Asia/Kathmandu' },
      { start: `${between}T09:00`, end: `${between}T10:00`, timeZone: 'Europe/London' },
      { start: `${kolkataDay}T20:00`, end: `${kolkataDay}T20:30`, timeZone: 'Asia/Kolkata' },
      { start: `${newYorkAutumn}T01:00`, offset: '-05:00', end: `${newYorkAutumn}T01:59`, endOffset: '-05:00', timeZone: 'America/New_York' },
    ], recY)).body.slots.map((s: { id: string }) => s.id);
    const app = (await api.call('/applications', { token: recY, json: { jobId: 'j', candidateId: 'zone-cand' } })).body;
    const stage = (await api.call(`/applications/${app.id}/stages`, { token: recY, json: { type: 'live_interview', data: { recruiterId: 'rec-y', durationMinutes: 45 } } })).body.stage;
    const cand = await api.as('candidate', 'acme', 'zone-cand');

    const inNewYork = stageSlotsResponseSchema.parse((await api.call(`/applications/${app.id}/stages/${stage.id}/slots?timeZone=America/New_York`, { token: cand })).body);
    const byId = new Map(inNewYork.slots.map((slot) => [slot.id, slot]));
    expect(byId.get(ids[0])).toMatchObject({ startUtc: `${kolkataDay}T03:30:00.000Z`, start: `${kolkataDay.slice(0, 8)}${pad(Number(kolkataDay.slice(8)) - 1)}T23:30:00-04:00`, end: `${kolkataDay}T00:15:00-04:00`, timeZone: 'America/New_York', publishedTimeZone: 'Asia/Kolkata' });
    expect(byId.get(ids[1])).toMatchObject({ startUtc: `${kolkataDay}T06:15:00.000Z`, start: `${kolkataDay}T02:15:00-04:00` });
    // London still on GMT, New York already on EDT: 09:00 London is 05:00 in New York that week.
    expect(byId.get(ids[2])).toMatchObject({ startUtc: `${between}T09:00:00.000Z`, start: `${between}T05:00:00-04:00` });
    // Too short for a 45-minute interview: not offered.
    expect(byId.has(ids[3])).toBe(false);
    // New York's repeated hour, the later one (EST, 06:00 UTC), shown in Kathmandu (+05:45).
    const inKathmandu = stageSlotsResponseSchema.parse((await api.call(`/applications/${app.id}/stages/${stage.id}/slots?timeZone=Asia/Kathmandu`, { token: cand })).body);
    expect(inKathmandu.slots.find((slot) => slot.id === ids[4])).toMatchObject({ startUtc: `${newYorkAutumn}T06:00:00.000Z`, start: `${newYorkAutumn}T11:45:00+05:45`, end: `${newYorkAutumn}T12:30:00+05:45` });
    expect(inKathmandu.slots.find((slot) => slot.id === ids[0])).toMatchObject({ start: `${kolkataDay}T09:15:00+05:45` });
    const inKolkata = stageSlotsResponseSchema.parse((await api.call(`/applications/${app.id}/stages/${stage.id}/slots?timeZone=Asia/Kolkata`, { token: cand })).body);
    expect(inKolkata.slots.find((slot) => slot.id === ids[1])).toMatchObject({ start: `${kolkataDay}T11:45:00+05:30` });
    // Without a zone, each in its own.
    const own = stageSlotsResponseSchema.parse((await api.call(`/applications/${app.id}/stages/${stage.id}/slots`, { token: cand })).body);
    expect(own.slots.find((slot) => slot.id === ids[2])).toMatchObject({ start: `${between}T09:00:00+00:00`, timeZone: 'Europe/London' });

    // Offered slots only, when the stage names them; staff may look; another candidate may not.
    const offered = (await api.call(`/applications/${app.id}/stages`, { token: recY, json: { type: 'live_interview', data: { recruiterId: 'rec-y', slotOptions: [ids[1]], durationMinutes: 30 } } })).body.stage;
    const onlyOffered = (await api.call(`/applications/${app.id}/stages/${offered.id}/slots?timeZone=UTC`, { token: await api.as('interviewer', 'acme', 'int-z') })).body;
    expect(onlyOffered.slots.map((slot: { id: string }) => slot.id)).toEqual([ids[1]]);
    expect((await api.call(`/applications/${app.id}/stages/${stage.id}/slots`, { token: await api.as('candidate', 'acme', 'someone-else') })).status).toBe(404);
    expect((await api.call(`/applications/${app.id}/stages/${stage.id}/slots?timeZone=Not/AZone`, { token: cand })).status).toBe(400);
  });
});
