import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { scheduleResponseSchema } from '../../../shared/scheduling/api/schedule.schema.ts';
import { stageResponseSchema } from '../../../shared/stages/api/application-views.schema.ts';
import { calendarEventIdFor } from '../../../shared/scheduling/domain/call-identity.ts';
import { eventually, futureWallTime, startCalendarStack, type CalendarStack } from '../../support/calendar-api.ts';

/**
 * Booking a live interview through HTTP on the local host: the answer, the stored call, slot and
 * stage, and the Calendar fake's events, for success, races and every failure the issue names.
 */
describe('scheduling a live interview', () => {
  let api: CalendarStack;
  let day = 30;
  let candidates = 0;
  const REC = 'rec-1';
  const CAL = 'rec-1@acme.example';

  beforeAll(async () => {
    api = await startCalendarStack();
    await api.connect('acme', REC, CAL);
  });
  afterAll(() => api.stop());
  beforeEach(async () => {
    await api.fake.clearFaults();
    api.host.cosmosFaults.clear();
  });

  /** A fresh application with a live interview of rec-1, and two one-hour slots on a day of their own. */
  async function interview(options: { stage?: Record<string, unknown> } = {}) {
    day += 1;
    candidates += 1;
    const candidateId = `cand-${candidates}@example.com`;
    const slots = await api.publish('acme', REC, [
      { start: futureWallTime(day, '09:00'), end: futureWallTime(day, '10:00'), timeZone: 'UTC' },
      { start: futureWallTime(day, '11:00'), end: futureWallTime(day, '12:00'), timeZone: 'UTC' },
    ]);
    const rec = await api.as('recruiter', 'acme', REC);
    const app = (await api.call('/applications', { token: rec, json: { jobId: 'job-s', candidateId } })).body;
    const stage = (await api.call(`/applications/${app.id}/stages`, {
      token: rec,
      json: { type: 'live_interview', data: { recruiterId: REC, interviewerIds: ['int-1@acme.example'], durationMinutes: 45, ...options.stage } },
    })).body.stage;
    return { appId: app.id as string, stageId: stage.id as string, slots, candidateId, cand: await api.as('candidate', 'acme', candidateId), rec };
  }

  const slotDoc = (slotId: string) => api.stored('slots', slotId, ['acme', REC]);
  const stageOf = async (appId: string, stageId: string) => (await api.raw(appId))!['stages'].find((s: { id: string }) => s.id === stageId);
  const liveEventsFor = async (appId: string) => (await api.fake.liveEvents(CAL)).filter((event) => event.extendedProperties?.private?.['stagelineApplicationId'] === appId);

  it('holds the slot, creates one event (attendees, Meet link, sendUpdates=all) and schedules the stage in one write', async () => {
    const { appId, stageId, slots, cand, candidateId } = await interview();
    const inserts = (await api.fake.requests('events.insert')).length;
    const answer = await api.call(`/applications/${appId}/stages/${stageId}/schedule`, { token: cand, json: { slotId: slots[0] } });
    expect(answer.status).toBe(200);
    const body = scheduleResponseSchema.parse(answer.body);
    expect(body.stage).toMatchObject({ status: 'scheduled', data: { slotId: slots[0], scheduledCallId: body.call.id } });
    expect(body.call).toMatchObject({ status: 'scheduled', meetLink: expect.stringMatching(/^https:\/\/meet\.google\.com\/[a-z]{3}-[a-z]{4}-[a-z]{3}$/) });
    // Candidates never see the calendar event id.
    expect(JSON.stringify(answer.body)).not.toContain(calendarEventIdFor(body.call.id));

    const call = await api.stored('scheduledCalls', body.call.id, ['acme', appId]);
    expect(call).toMatchObject({
      tenantId: 'acme', applicationId: appId, stageId, recruiterId: REC, slotId: slots[0], status: 'scheduled', calendarId: CAL,
      calendarEventId: calendarEventIdFor(body.call.id), meetLink: body.call.meetLink,
      attendees: [{ email: candidateId, role: 'candidate' }, { email: 'int-1@acme.example', role: 'interviewer' }],
    });
    expect(Date.parse(call!['end']) - Date.parse(call!['start'])).toBe(45 * 60_000);
    expect(await slotDoc(slots[0]!)).toMatchObject({ state: 'booked', booking: { callId: body.call.id, applicationId: appId, stageId } });
    expect(await slotDoc(slots[1]!)).toMatchObject({ state: 'free' });
    expect(await stageOf(appId, stageId)).toMatchObject({
      status: 'scheduled',
      data: { scheduledCallId: body.call.id, call: { start: call!['start'], end: call!['end'], status: 'scheduled', calendarEventId: call!['calendarEventId'], meetLink: body.call.meetLink } },
    });

    const events = await liveEventsFor(appId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      id: call!['calendarEventId'],
      start: { dateTime: call!['start'] },
      end: { dateTime: call!['end'] },
      attendees: [expect.objectContaining({ email: candidateId }), expect.objectContaining({ email: 'int-1@acme.example' })],
      conferenceData: { createRequest: { requestId: body.call.id }, entryPoints: [expect.objectContaining({ uri: body.call.meetLink })] },
    });
    const insert = (await api.fake.requests('events.insert')).slice(inserts);
    expect(insert).toHaveLength(1);
    expect((insert[0] as unknown as { query: string }).query).toMatch(/sendUpdates=all/);
    expect((insert[0] as unknown as { query: string }).query).toMatch(/conferenceDataVersion=1/);

    // The outbox event leaves for the notifications queue (the interview is scheduled).
    await eventually('the scheduled event on the notifications queue', async () =>
      (await api.queued('notifications')).some((m) => m.body.applicationId === appId && m.body.action === 'schedule' && m.body.stageStatus === 'scheduled'),
    );
  });

  it('lets a recruiter book for the candidate', async () => {
    const { appId, stageId, slots, rec } = await interview();
    const answer = await api.call(`/applications/${appId}/stages/${stageId}/schedule`, { token: rec, json: { slotId: slots[1] } });
    expect(answer).toMatchObject({ status: 200, body: { stage: { status: 'scheduled' }, call: { calendarEventId: expect.any(String) } } });
    expect(await liveEventsFor(appId)).toHaveLength(1);
  });

  it('gives a slot to one of two racing candidates; the other gets 409 SLOT.TAKEN and nothing', async () => {
    const first = await interview();
    const second = await interview();
    const [a, b] = await Promise.all([
      api.call(`/applications/${first.appId}/stages/${first.stageId}/schedule`, { token: first.cand, json: { slotId: first.slots[0] } }),
      api.call(`/applications/${second.appId}/stages/${second.stageId}/schedule`, { token: second.cand, json: { slotId: first.slots[0] } }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const [winner, loser] = a.status === 200 ? [first, second] : [second, first];
    const lost = a.status === 200 ? b : a;
    expect(lost.body).toMatchObject({ code: 'SLOT.TAKEN', details: { slotId: first.slots[0] } });
    expect(await stageOf(loser.appId, loser.stageId)).toMatchObject({ status: 'awaiting_candidate' });
    expect(await liveEventsFor(loser.appId)).toEqual([]);
    const won = await stageOf(winner.appId, winner.stageId);
    expect(await slotDoc(first.slots[0]!)).toMatchObject({ state: 'booked', booking: { callId: won.data.scheduledCallId } });
    expect(await liveEventsFor(winner.appId)).toHaveLength(1);
  });

  it('answers 502 with a retry action when Google fails, books nothing, and the retry action succeeds when followed', async () => {
    const { appId, stageId, slots, cand } = await interview();
    await api.fake.inject({ operation: 'events.insert', status: 503 });
    const key = `k-${appId}`;
    const failed = await api.call(`/applications/${appId}/stages/${stageId}/schedule`, { token: cand, json: { slotId: slots[0] }, headers: { 'idempotency-key': key } });
    expect(failed.status).toBe(502);
    expect(failed.body).toMatchObject({
      code: 'CALENDAR.UNAVAILABLE',
      details: { reason: 'server_error', calendarStatus: 503 },
      retry: { after: expect.any(Number), action: { method: 'POST', href: `/api/applications/${appId}/stages/${stageId}/schedule`, body: { slotId: slots[0] } } },
    });
    expect(failed.headers.get('retry-after')).toBe(String(failed.body.retry.after));
    expect(await slotDoc(slots[0]!)).toMatchObject({ state: 'free' });
    expect((await slotDoc(slots[0]!))!['hold']).toBeUndefined();
    expect(await stageOf(appId, stageId)).toMatchObject({ status: 'awaiting_candidate' });
    expect(await liveEventsFor(appId)).toEqual([]);
    // Retried within the budget, with backoff, before giving up.
    expect((await api.fake.requests('events.insert')).filter((r) => r.status === 503).length).toBeGreaterThan(1);

    await api.fake.clearFaults();
    const action = failed.body.retry.action;
    const retried = await api.call(action.href.replace(/^\/api/, ''), { token: cand, method: action.method, json: action.body, headers: { 'idempotency-key': key } });
    expect(retried.status).toBe(200);
    const { call } = scheduleResponseSchema.parse(retried.body);
    expect(await liveEventsFor(appId)).toEqual([expect.objectContaining({ id: calendarEventIdFor(call.id), status: 'confirmed' })]);
    expect(await api.stored('scheduledCalls', call.id, ['acme', appId])).toMatchObject({ status: 'scheduled' });
    expect(await slotDoc(slots[0]!)).toMatchObject({ state: 'booked' });
    // A replay of the same key answers the stored success.
    const replay = await api.call(action.href.replace(/^\/api/, ''), { token: cand, json: action.body, headers: { 'idempotency-key': key } });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
  });

  it('does not retry 403 quotaExceeded, and backs off on 429 and 403 rateLimitExceeded until Google accepts', async () => {
    const quota = await interview();
    const before = (await api.fake.requests('events.insert')).length;
    await api.fake.inject({ operation: 'events.insert', status: 403, reason: 'quotaExceeded', times: 1 });
    const refused = await api.call(`/applications/${quota.appId}/stages/${quota.stageId}/schedule`, { token: quota.cand, json: { slotId: quota.slots[0] } });
    expect(refused).toMatchObject({ status: 502, body: { code: 'CALENDAR.UNAVAILABLE', details: { reason: 'quota_exceeded', calendarReason: 'quotaExceeded' }, retry: { after: 60 } } });
    expect((await api.fake.requests('events.insert')).length).toBe(before + 1);
    const call = (await api.all('scheduledCalls')).find((c) => c['applicationId'] === quota.appId);
    expect(call).toMatchObject({ status: 'abandoned' });
    expect(await slotDoc(quota.slots[0]!)).toMatchObject({ state: 'free' });

    const limited = await interview();
    await api.fake.inject({ operation: 'events.insert', status: 429, times: 2 });
    await api.fake.inject({ operation: 'events.insert', status: 403, reason: 'rateLimitExceeded', times: 1 });
    const started = performance.now();
    const ok = await api.call(`/applications/${limited.appId}/stages/${limited.stageId}/schedule`, { token: limited.cand, json: { slotId: limited.slots[0] } });
    expect(ok.status).toBe(200);
    expect(performance.now() - started).toBeLessThan(8000);
    expect((await api.fake.requests('events.insert')).slice(-4).map((r) => r.status)).toEqual([429, 429, 403, 200]);
    expect(await liveEventsFor(limited.appId)).toHaveLength(1);
  });

  it('keeps a call pending when an earlier attempt timed out, even if the last was refused outright; the sweeper deletes the late event', async () => {
    const { appId, stageId, slots, cand } = await interview();
    // The first insert outlives the client's timeout (400 ms here) and lands later; the retry is refused (no retry).
    await api.fake.inject({ operation: 'events.insert', latencyMs: 700, times: 1 });
    await api.fake.inject({ operation: 'events.insert', status: 403, reason: 'quotaExceeded', times: 1 });
    const failed = await api.call(`/applications/${appId}/stages/${stageId}/schedule`, { token: cand, json: { slotId: slots[0] } });
    expect(failed).toMatchObject({ status: 502, body: { code: 'CALENDAR.UNAVAILABLE', details: { reason: 'quota_exceeded' } } });
    const call = (await api.all('scheduledCalls')).find((c) => c['applicationId'] === appId)!;
    expect(call).toMatchObject({ status: 'pending' });
    await eventually('the late insert to land', async () => (await liveEventsFor(appId)).length === 1);
    expect(await slotDoc(slots[0]!)).toMatchObject({ state: 'free' });
    const report = await api.at(new Date(Date.now() + 3 * 60_000).toISOString()).sweep();
    expect(report.undone).toBeGreaterThanOrEqual(1);
    expect(await liveEventsFor(appId)).toEqual([]);
    expect(await api.stored('scheduledCalls', String(call['id']), ['acme', appId])).toMatchObject({ status: 'abandoned' });
  });

  it('treats a 409 duplicate on insert as created: the event is fetched, checked and used (answer lost the first time)', async () => {
    const { appId, stageId, slots, cand } = await interview();
    await api.fake.inject({ operation: 'events.insert', dropResponse: true, times: 1 });
    const answer = await api.call(`/applications/${appId}/stages/${stageId}/schedule`, { token: cand, json: { slotId: slots[0] } });
    expect(answer.status).toBe(200);
    const inserts = (await api.fake.requests('events.insert')).slice(-2).map((r) => r.status);
    expect(inserts).toEqual(['dropped', 409]);
    expect((await api.fake.requests('events.get')).at(-1)).toMatchObject({ status: 200 });
    expect(await liveEventsFor(appId)).toEqual([expect.objectContaining({ id: calendarEventIdFor(answer.body.call.id) })]);
    expect(await api.stored('scheduledCalls', answer.body.call.id, ['acme', appId])).toMatchObject({ status: 'scheduled', meetLink: expect.any(String) });
  });

  it('adopts the event on a later retry when every answer was lost (never two events for one call)', async () => {
    const { appId, stageId, slots, cand } = await interview();
    await api.fake.inject({ operation: 'events.insert', dropResponse: true, times: 1 });
    await api.fake.inject({ operation: 'events.insert', status: 500 });
    const failed = await api.call(`/applications/${appId}/stages/${stageId}/schedule`, { token: cand, json: { slotId: slots[0] } });
    expect(failed).toMatchObject({ status: 502, body: { code: 'CALENDAR.UNAVAILABLE' } });
    // The event exists (the dropped insert took effect); the booking did not commit and the slot is free again.
    expect(await liveEventsFor(appId)).toHaveLength(1);
    expect(await slotDoc(slots[0]!)).toMatchObject({ state: 'free' });
    const pending = (await api.all('scheduledCalls')).find((c) => c['applicationId'] === appId);
    expect(pending).toMatchObject({ status: 'pending' });
    await api.fake.clearFaults();
    const retried = await api.call(`/applications/${appId}/stages/${stageId}/schedule`, { token: cand, json: { slotId: slots[0] } });
    expect(retried.status).toBe(200);
    expect(retried.body.call.id).toBe(pending!['id']);
    expect((await api.fake.requests('events.insert')).at(-1)).toMatchObject({ status: 409 });
    expect(await liveEventsFor(appId)).toHaveLength(1);
    expect((await api.fake.events()).filter((e) => e.extendedProperties?.private?.['stagelineApplicationId'] === appId)).toHaveLength(1);
  });

  it('deletes the event when the database write fails after it was created (compensation), and adopts it again on retry', async () => {
    const { appId, stageId, slots, cand } = await interview();
    const before = await api.settled(appId);
    api.host.cosmosFaults.inject({ status: 503, container: 'applications', operation: 'replace' });
    const failed = await api.call(`/applications/${appId}/stages/${stageId}/schedule`, { token: cand, json: { slotId: slots[0] } });
    api.host.cosmosFaults.clear();
    expect(failed).toMatchObject({ status: 503, body: { code: 'DEPENDENCY.UNAVAILABLE', retry: { after: expect.any(Number) } } });
    expect(await api.raw(appId)).toEqual(before);
    const events = (await api.fake.events()).filter((e) => e.extendedProperties?.private?.['stagelineApplicationId'] === appId);
    expect(events).toEqual([expect.objectContaining({ status: 'cancelled' })]);
    expect(await slotDoc(slots[0]!)).toMatchObject({ state: 'free' });
    expect((await api.all('scheduledCalls')).find((c) => c['applicationId'] === appId)).toMatchObject({ status: 'abandoned' });

    const retried = await api.call(`/applications/${appId}/stages/${stageId}/schedule`, { token: cand, json: { slotId: slots[0] } });
    expect(retried.status).toBe(200);
    // The same event, restored: still one event for the call.
    expect(await liveEventsFor(appId)).toEqual([expect.objectContaining({ id: events[0]!.id, status: 'confirmed' })]);
    expect(await api.stored('scheduledCalls', retried.body.call.id, ['acme', appId])).toMatchObject({ status: 'scheduled' });
  });

  it('creates a recruiter stage already booked, and creates no stage when the calendar fails (rollback with a retry action)', async () => {
    day += 1;
    const slots = await api.publish('acme', REC, [{ start: futureWallTime(day, '14:00'), end: futureWallTime(day, '15:00'), timeZone: 'Europe/London' }]);
    const rec = await api.as('recruiter', 'acme', REC);
    const app = (await api.call('/applications', { token: rec, json: { jobId: 'job-s', candidateId: 'cand-new@example.com' } })).body;
    const before = await api.settled(app.id);
    const body = { type: 'live_interview', data: { recruiterId: REC, slotId: slots[0], durationMinutes: 30 } };
    await api.fake.inject({ operation: 'events.insert', status: 503 });
    const failed = await api.call(`/applications/${app.id}/stages`, { token: rec, json: body });
    expect(failed).toMatchObject({ status: 502, body: { code: 'CALENDAR.UNAVAILABLE', retry: { action: { method: 'POST', href: `/api/applications/${app.id}/stages`, body } } } });
    expect(await api.raw(app.id)).toEqual(before);
    expect(await liveEventsFor(app.id)).toEqual([]);
    expect(await slotDoc(slots[0]!)).toMatchObject({ state: 'free' });

    await api.fake.clearFaults();
    const created = await api.call(`/applications/${app.id}/stages`, { token: rec, json: failed.body.retry.action.body });
    expect(created.status).toBe(201);
    const stage = stageResponseSchema.parse(created.body).stage;
    expect(stage).toMatchObject({ type: 'live_interview', status: 'scheduled', data: { slotId: slots[0], call: { status: 'scheduled' } } });
    const stored = await api.raw(app.id);
    expect(stored!['stages']).toHaveLength(1);
    // One write: the stage added and scheduled, with both its events.
    expect(stored!['eventSeq']).toBe((before!['eventSeq'] as number) + 2);
    expect(await liveEventsFor(app.id)).toHaveLength(1);
    expect(await slotDoc(slots[0]!)).toMatchObject({ state: 'booked' });
  });

  it('refuses a slot outside the offered ones, a slot of the past or another stage\'s, and a second booking', async () => {
    const offered = await interview();
    const limited = await interview();
    const rec = await api.as('recruiter', 'acme', REC);
    const restricted = (await api.call(`/applications/${limited.appId}/stages`, { token: rec, json: { type: 'live_interview', data: { recruiterId: REC, slotOptions: [limited.slots[1]] } } })).body.stage;
    const notOffered = await api.call(`/applications/${limited.appId}/stages/${restricted.id}/schedule`, { token: limited.cand, json: { slotId: limited.slots[0] } });
    expect(notOffered).toMatchObject({ status: 400, body: { code: 'REQUEST.INVALID', details: { issues: [{ path: 'slotId', code: 'slot_not_offered' }] } } });
    const unknown = await api.call(`/applications/${offered.appId}/stages/${offered.stageId}/schedule`, { token: offered.cand, json: { slotId: 'no-such-slot' } });
    expect(unknown).toMatchObject({ status: 404, body: { code: 'SLOT.NOT_FOUND' } });
    expect((await api.call(`/applications/${offered.appId}/stages/${offered.stageId}/schedule`, { token: offered.cand, json: { slotId: offered.slots[0] } })).status).toBe(200);
    const again = await api.call(`/applications/${offered.appId}/stages/${offered.stageId}/schedule`, { token: offered.cand, json: { slotId: offered.slots[1] } });
    expect(again).toMatchObject({ status: 409, body: { code: 'STAGE.TRANSITION_NOT_ALLOWED' } });
    expect(await slotDoc(offered.slots[1]!)).toMatchObject({ state: 'free' });
    expect(await liveEventsFor(offered.appId)).toHaveLength(1);
    const stranger = await api.as('candidate', 'acme', 'someone-else@example.com');
    expect((await api.call(`/applications/${limited.appId}/stages/${restricted.id}/schedule`, { token: stranger, json: { slotId: limited.slots[1] } })).status).toBe(404);
  });
});
