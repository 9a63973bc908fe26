import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { calendarEventIdFor } from '../../../shared/scheduling/domain/call-identity.ts';
import { startBudget } from '../../../shared/scheduling/use-cases/calendar-retry.ts';
import { openCalendarSession, updateConnection } from '../../../shared/scheduling/use-cases/calendar-session.ts';
import { syncSession } from '../../../shared/scheduling/use-cases/sync/sync-calendar.ts';
import { holdSlotFor } from '../../../shared/scheduling/use-cases/slot-holds.ts';
import { bindSchedulingUseCases } from '../../../shared/scheduling/scheduling.module.ts';
import { eventually, futureWallTime, startCalendarStack, type CalendarStack } from '../../support/calendar-api.ts';

/**
 * After booking: reschedule (the same event, patched), cancellation from Stageline and from
 * Google, push notifications, the poll (sync token, 410 → full resync, completion, channel
 * renewal) and the hold sweeper.
 */
describe('reschedule, status sync and sweeping', () => {
  let api: CalendarStack;
  let day = 60;
  let n = 0;
  const REC = 'rec-s';
  const CAL = 'rec-s@acme.example';

  beforeAll(async () => {
    // Channels of an hour: renewal (a quarter of the lifetime before expiry) happens within a test's reach.
    api = await startCalendarStack({ CALENDAR_CHANNEL_TTL_SECONDS: '3600' });
    await api.connect('acme', REC, CAL);
  });
  afterAll(() => api.stop());
  beforeEach(async () => {
    await api.fake.clearFaults();
  });

  async function booked() {
    day += 1;
    n += 1;
    const candidateId = `sync-${n}@example.com`;
    const slots = await api.publish('acme', REC, [
      { start: futureWallTime(day, '09:00'), end: futureWallTime(day, '10:00'), timeZone: 'UTC' },
      { start: futureWallTime(day, '13:00'), end: futureWallTime(day, '14:00'), timeZone: 'America/New_York' },
    ]);
    const rec = await api.as('recruiter', 'acme', REC);
    const cand = await api.as('candidate', 'acme', candidateId);
    const app = (await api.call('/applications', { token: rec, json: { jobId: 'job-y', candidateId } })).body;
    const stage = (await api.call(`/applications/${app.id}/stages`, { token: rec, json: { type: 'live_interview', data: { recruiterId: REC } } })).body.stage;
    const answer = await api.call(`/applications/${app.id}/stages/${stage.id}/schedule`, { token: cand, json: { slotId: slots[0] } });
    expect(answer.status).toBe(200);
    const callId = answer.body.call.id as string;
    return { appId: app.id as string, stageId: stage.id as string, slots, rec, cand, callId, eventId: calendarEventIdFor(callId) };
  }

  const callOf = (b: { appId: string; callId: string }) => api.stored('scheduledCalls', b.callId, ['acme', b.appId]);
  const stageOf = async (b: { appId: string; stageId: string }) => (await api.raw(b.appId))!['stages'].find((s: { id: string }) => s.id === b.stageId);
  const eventOf = async (eventId: string) => (await api.fake.events()).find((e) => e.id === eventId);
  const slotOf = (slotId: string) => api.stored('slots', slotId, ['acme', REC]);

  it('moves the same event on an approved reschedule (patch, never delete and create), then frees the old slot', async () => {
    const b = await booked();
    await api.call(`/applications/${b.appId}/stages/${b.stageId}/actions/request_reschedule`, { token: b.cand, json: { reason: 'A clash', preferredSlotIds: [b.slots[1]] } });
    const mark = (await api.fake.requests()).length;
    const answer = await api.call(`/applications/${b.appId}/stages/${b.stageId}/reschedule`, { token: b.rec, json: { slotId: b.slots[1], reason: 'Fine' } });
    expect(answer.status).toBe(200);
    const newSlot = await slotOf(b.slots[1]!);
    expect(answer.body).toMatchObject({ stage: { status: 'scheduled', data: { slotId: b.slots[1], call: { start: newSlot!['start'] } } }, call: { id: b.callId, start: newSlot!['start'] } });
    const calls = (await api.fake.requests()).slice(mark).map((r) => r.operation).filter((op) => op.startsWith('events.') && op !== 'events.list');
    expect(calls).toEqual(['events.patch']);
    expect(await eventOf(b.eventId)).toMatchObject({ status: 'confirmed', start: { dateTime: newSlot!['start'], timeZone: 'America/New_York' } });
    expect((await api.fake.events()).filter((e) => e.extendedProperties?.private?.['stagelineApplicationId'] === b.appId)).toHaveLength(1);
    expect(await callOf(b)).toMatchObject({ slotId: b.slots[1], start: newSlot!['start'], timeZone: 'America/New_York', status: 'scheduled' });
    expect((await callOf(b))!['pendingMove']).toBeUndefined();
    expect(await slotOf(b.slots[0]!)).toMatchObject({ state: 'free', generation: 1 });
    expect(newSlot).toMatchObject({ state: 'booked', booking: { callId: b.callId } });
    const stage = await stageOf(b);
    expect(stage.data).toMatchObject({ lastRescheduleDecision: { decision: 'approved', previousSlotId: b.slots[0], newSlotId: b.slots[1] } });
    expect(stage.data.rescheduleRequested).toBeUndefined();
    await eventually('the approval on the notifications queue', async () => (await api.queued('notifications')).some((m) => m.body.applicationId === b.appId && m.body.action === 'approve_reschedule'));
  });

  it('keeps everything in place when the patch fails (502 with a retry action), and a dropped patch answer is recognised on retry (412 → re-fetch)', async () => {
    const b = await booked();
    await api.call(`/applications/${b.appId}/stages/${b.stageId}/actions/request_reschedule`, { token: b.cand, json: { reason: 'Flight' } });
    const before = await eventOf(b.eventId);
    await api.fake.inject({ operation: 'events.patch', status: 500 });
    const failed = await api.call(`/applications/${b.appId}/stages/${b.stageId}/reschedule`, { token: b.rec, json: { slotId: b.slots[1] } });
    expect(failed).toMatchObject({ status: 502, body: { code: 'CALENDAR.UNAVAILABLE', retry: { action: { method: 'POST', href: `/api/applications/${b.appId}/stages/${b.stageId}/reschedule`, body: { slotId: b.slots[1] } } } } });
    expect(await slotOf(b.slots[1]!)).toMatchObject({ state: 'free' });
    expect(await slotOf(b.slots[0]!)).toMatchObject({ state: 'booked' });
    expect((await stageOf(b)).data).toMatchObject({ slotId: b.slots[0], rescheduleRequested: { reason: 'Flight' } });
    expect((await eventOf(b.eventId))!.start).toEqual(before!.start);

    await api.fake.clearFaults();
    await api.fake.inject({ operation: 'events.patch', dropResponse: true, times: 1 });
    const retried = await api.call(failed.body.retry.action.href.replace(/^\/api/, ''), { token: b.rec, json: failed.body.retry.action.body });
    expect(retried.status).toBe(200);
    expect((await api.fake.requests('events.patch')).slice(-2).map((r) => r.status)).toEqual(['dropped', 412]);
    expect((await api.fake.requests('events.get')).at(-1)).toMatchObject({ status: 200 });
    expect(await eventOf(b.eventId)).toMatchObject({ start: { dateTime: (await slotOf(b.slots[1]!))!['start'] } });
    expect(await slotOf(b.slots[0]!)).toMatchObject({ state: 'free' });
  });

  it('denies on the action route without touching the event; cancelling the stage cancels the event', async () => {
    const b = await booked();
    await api.call(`/applications/${b.appId}/stages/${b.stageId}/actions/request_reschedule`, { token: b.cand, json: { reason: 'x' } });
    const etag = (await eventOf(b.eventId))!.etag;
    expect((await api.call(`/applications/${b.appId}/stages/${b.stageId}/actions/deny_reschedule`, { token: b.rec, json: { reason: 'No' } })).status).toBe(200);
    expect((await eventOf(b.eventId))!.etag).toBe(etag);
    const cancelled = await api.call(`/applications/${b.appId}/stages/${b.stageId}/actions/cancel`, { token: b.rec, json: { reason: 'Role filled' } });
    expect(cancelled).toMatchObject({ status: 200, body: { stage: { status: 'cancelled', data: { call: { status: 'cancelled' } } } } });
    await eventually('the event cancelled in Google', async () => (await eventOf(b.eventId))?.status === 'cancelled');
    await eventually('the call cancelled', async () => (await callOf(b))?.['status'] === 'cancelled');
    expect((await api.fake.requests('events.delete')).at(-1)).toMatchObject({ status: 204 });
    await eventually('the slot freed', async () => (await slotOf(b.slots[0]!))?.['state'] === 'free');
  });

  it('follows a cancellation and a move made in Google through push notifications', async () => {
    const moved = await booked();
    const start = new Date(Date.parse((await callOf(moved))!['start']) + 3_600_000).toISOString();
    const end = new Date(Date.parse(start) + 3_600_000).toISOString();
    expect((await api.fake.control(`calendars/${encodeURIComponent(CAL)}/events/${moved.eventId}/move`, { start, end })).status).toBe(200);
    await eventually('the move synced', async () => (await callOf(moved))?.['start'] === start);
    expect(await callOf(moved)).toMatchObject({ status: 'scheduled', start, end });
    await eventually('the stage copy moved', async () => (await stageOf(moved)).data.call.start === start);
    expect(await stageOf(moved)).toMatchObject({ status: 'scheduled', data: { call: { start, end, status: 'scheduled' } } });
    await eventually('the move on the notifications queue', async () => (await api.queued('notifications')).some((m) => m.body.applicationId === moved.appId && m.body.action === 'move_call'));

    const gone = await booked();
    expect((await api.fake.control(`calendars/${encodeURIComponent(CAL)}/events/${gone.eventId}/cancel`, {})).status).toBe(200);
    await eventually('the stage cancelled by sync', async () => (await stageOf(gone)).status === 'cancelled');
    expect(await stageOf(gone)).toMatchObject({ data: { cancellation: { by: { role: 'system', id: 'calendar-sync' }, reason: expect.stringContaining('Google Calendar') } } });
    await eventually('the call cancelled', async () => (await callOf(gone))?.['status'] === 'cancelled');
    await eventually('the slot freed', async () => (await slotOf(gone.slots[0]!))?.['state'] === 'free');
    const deliveries = ((await (await api.fake.control('notifications')).json()) as { deliveries: Array<{ state: string; status: number }> }).deliveries;
    expect(deliveries.filter((d) => d.state === 'exists').every((d) => d.status === 200)).toBe(true);
  });

  it('checks the channel token in constant time: wrong tokens and unknown channels get 200, are counted and sync nothing', async () => {
    const channel = (await api.all('calendarChannels'))[0]!;
    const listsBefore = (await api.fake.requests('events.list')).length;
    const post = (headers: Record<string, string>) => fetch(`${api.baseUrl}/api/calendar/notifications`, { method: 'POST', headers });
    // Counted against the counters before: the fake's own pushes to channels renewed by earlier tests may land too.
    const countOf = async (outcome: string) => {
      const text = await (await fetch(`${api.baseUrl}/metrics`)).text();
      return Number(new RegExp(`stageline_calendar_notifications_total\\{outcome="${outcome}"[^}]*\\} (\\d+)`).exec(text)?.[1] ?? 0);
    };
    const [badBefore, unknownBefore] = [await countOf('bad_token'), await countOf('unknown_channel')];
    const wrong = await post({ 'x-goog-channel-id': String(channel['id']), 'x-goog-channel-token': 'not-the-token', 'x-goog-resource-state': 'exists', 'x-goog-message-number': '99' });
    const unknown = await post({ 'x-goog-channel-id': 'no-such-channel', 'x-goog-channel-token': 'x', 'x-goog-resource-state': 'exists' });
    const none = await post({});
    expect([wrong.status, unknown.status, none.status]).toEqual([200, 200, 200]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await api.fake.requests('events.list')).length).toBe(listsBefore);
    expect((await countOf('bad_token')) - badBefore).toBe(1);
    expect((await countOf('unknown_channel')) - unknownBefore).toBe(2);
  });

  it('polls with the sync token, answers a 410 with a full resync, and completes calls whose end has passed', async () => {
    const b = await booked();
    await api.fake.control('sync-tokens/expire', {});
    const mark = (await api.fake.requests('events.list')).length;
    const report = await api.at(new Date().toISOString()).poll();
    expect(report).toMatchObject({ failed: [] });
    expect(report.synced).toBeGreaterThanOrEqual(1);
    const lists = (await api.fake.requests('events.list')).slice(mark) as unknown as Array<{ status: number; query: string }>;
    const first410 = lists.findIndex((r) => r.status === 410);
    expect(first410).toBeGreaterThanOrEqual(0);
    expect(lists[first410]!.query).toContain('syncToken=');
    expect(lists.slice(first410 + 1).some((r) => r.status === 200 && !r.query.includes('syncToken='))).toBe(true);
    const connection = await api.stored('calendarConnections', `acme:${REC}`, ['acme', REC]);
    expect(connection).toMatchObject({ sync: { token: expect.any(String), lastFullSyncAt: expect.any(String) } });

    const end = (await callOf(b))!['end'] as string;
    const later = await api.at(new Date(Date.parse(end) + 60_000).toISOString()).poll();
    expect(later.completed).toBeGreaterThanOrEqual(1);
    expect(await callOf(b)).toMatchObject({ status: 'completed' });
    expect(await stageOf(b)).toMatchObject({ status: 'completed', data: { call: { status: 'completed' } } });
  });

  /** No push-triggered sync queued or running (a new channel gets Google's first `sync` push): the counts below are the poll's own. */
  const pushesDone = () =>
    eventually('the calendar-sync queue is empty', async () => {
      const counts = api.host.broker.counts('calendar-sync');
      return counts.active + counts.locked === 0;
    });

  it('polls each connected calendar from the listed connection: no read of it, one conditional replace storing the sync state', async () => {
    await pushesDone();
    const before = await api.stored('calendarConnections', `acme:${REC}`, ['acme', REC]);
    await api.host.requestCounts({ reset: true });
    const now = new Date().toISOString();
    const report = await api.at(now).poll();
    const counts = await api.host.requestCounts({ reset: true });
    expect(report).toMatchObject({ failed: [], channelsStarted: 0, channelsStopped: 0 });
    expect(report.synced).toBeGreaterThanOrEqual(1);
    expect({ reads: counts['scheduling/calendarConnections:read'] ?? 0, replaces: counts['scheduling/calendarConnections:replace'] }).toEqual({ reads: 0, replaces: report.synced });
    const after = await api.stored('calendarConnections', `acme:${REC}`, ['acme', REC]);
    expect(after!['sync'].lastSyncedAt).toBe(now);
    expect(after!['_etag']).not.toBe(before!['_etag']);
  });

  it('stores the sync state on the current connection when it changed after the listing (the replace is refused, read again, applied once)', async () => {
    await pushesDone();
    const { deps } = api.host.services.scheduling;
    const listed = (await deps.connections.get('acme', REC))!;
    // Changed by someone else after the listing: the listed etag is stale.
    const changed = await updateConnection(deps, 'acme', REC, (connection) => ({ ...connection, calendarId: 'primary', updatedAt: new Date().toISOString() }));
    expect(changed!.etag).not.toBe(listed.etag);
    await api.host.requestCounts({ reset: true });
    const session = await openCalendarSession(deps, startBudget(deps), 'acme', REC, listed);
    const outcome = await syncSession(deps, session);
    const counts = await api.host.requestCounts({ reset: true });
    expect(outcome.status).toBe('synced');
    expect({ reads: counts['scheduling/calendarConnections:read'], replaces: counts['scheduling/calendarConnections:replace'] }).toEqual({ reads: 1, replaces: 2 });
    const stored = await api.stored('calendarConnections', `acme:${REC}`, ['acme', REC]);
    expect(stored).toMatchObject({ calendarId: 'primary', state: 'connected', sync: { lastSyncedAt: expect.any(String) } });
    expect(stored!['_etag']).not.toBe(changed!.etag);
  });

  it('renews the push channel before it expires, overlapping the old one, and then stops the old one', async () => {
    await api.connect('acme', 'rec-r', 'rec-r@acme.example');
    const channelsOf = async () => (await api.stored('calendarConnections', 'acme:rec-r', ['acme', 'rec-r']))!['channels'] as Array<{ id: string; expiration: string }>;
    const before = await channelsOf();
    expect(before).toHaveLength(1);
    expect(Date.parse(before[0]!.expiration) - Date.now()).toBeLessThanOrEqual(3_600_000);
    // Ten minutes before it expires: less than a quarter of its hour left.
    const nearExpiry = new Date(Date.parse(before[0]!.expiration) - 10 * 60_000).toISOString();
    await api.at(nearExpiry).poll();
    const renewed = await channelsOf();
    expect(renewed.map((c) => c.id)).toEqual([before[0]!.id, expect.any(String)]);
    const fresh = renewed[1]!.id;
    expect(Date.parse(renewed[1]!.expiration)).toBe(Date.parse(nearExpiry) + 3_600_000);
    const overlapOver = new Date(Date.parse(nearExpiry) + 11 * 60_000).toISOString();
    await api.at(overlapOver).poll();
    expect((await channelsOf()).map((c) => c.id)).toEqual([fresh]);
    expect(await api.stored('calendarChannels', before[0]!.id, before[0]!.id)).toBeUndefined();
    const live = ((await (await api.fake.control('channels')).json()) as { channels: Array<{ id: string }> }).channels.map((c) => c.id);
    expect(live).toContain(fresh);
    expect(live).not.toContain(before[0]!.id);
  });

  it('replaces a channel that pushes to an address that is no longer this app\'s (the host moved)', async () => {
    await api.connect('acme', 'rec-m', 'rec-m@acme.example');
    const channelsOf = async () => (await api.stored('calendarConnections', 'acme:rec-m', ['acme', 'rec-m']))!['channels'] as Array<{ id: string; address?: string }>;
    const [old] = await channelsOf();
    expect(old!.address).toBe(`${api.baseUrl}/api/calendar/notifications`);
    const deps = api.host.services.scheduling.deps;
    const moved = bindSchedulingUseCases({ ...deps, settings: { ...deps.settings, pushAddress: `${api.baseUrl}/api/calendar/notifications?moved=1` } });
    await moved.poll();
    const after = await channelsOf();
    expect(after.map((c) => c.address)).toEqual([old!.address, `${api.baseUrl}/api/calendar/notifications?moved=1`]);
  });

  it('sweeps a hold no booking confirmed within two minutes (the event it may have made is deleted) and finishes a booking that committed', async () => {
    day += 1;
    const slots = await api.publish('acme', REC, [
      { start: futureWallTime(day, '09:00'), end: futureWallTime(day, '10:00'), timeZone: 'UTC' },
      { start: futureWallTime(day, '11:00'), end: futureWallTime(day, '12:00'), timeZone: 'UTC' },
    ]);
    // A booking that died between its insert and its commit: the slot held, the call pending, the event made.
    const deps = api.host.services.scheduling.deps;
    const callId = '0d9e2a61-5c1e-4b7a-9f8c-1a2b3c4d5e6f';
    const now = new Date().toISOString();
    await holdSlotFor(deps, { tenantId: 'acme', recruiterId: REC, slotId: slots[0]!, callId, purpose: 'schedule', applicationId: 'crashed-app', stageId: 'crashed-stage', heldBy: { role: 'candidate', id: 'c' } });
    const slot = (await api.stored('slots', slots[0]!, ['acme', REC]))!;
    await deps.calls.create({
      id: callId, kind: 'call', tenantId: 'acme', applicationId: 'crashed-app', stageId: 'crashed-stage', recruiterId: REC, slotId: slots[0]!, calendarId: CAL,
      calendarEventId: calendarEventIdFor(callId), attendees: [], start: slot['start'], end: slot['end'], timeZone: 'UTC', status: 'pending',
      createdBy: { role: 'candidate', id: 'c' }, createdAt: now, updatedAt: now,
    });
    const session = await openCalendarSession(deps, startBudget(deps), 'acme', REC);
    await session.call((token) => deps.calendar.insertEvent(token, {
      eventId: calendarEventIdFor(callId), calendarId: CAL, summary: 'x', description: 'x', start: slot['start'], end: slot['end'], timeZone: 'UTC', attendees: [],
      privateProperties: { stagelineCallId: callId, stagelineApplicationId: 'crashed-app', stagelineTenantId: 'acme' },
    }));
    expect((await eventOf(calendarEventIdFor(callId)))!.status).toBe('confirmed');

    // Not yet: the hold has time left.
    expect(await api.at(new Date(Date.now() + 60_000).toISOString()).sweep()).toMatchObject({ released: 0, undone: 0 });
    expect(await slotOf(slots[0]!)).toMatchObject({ state: 'held' });
    const report = await api.at(new Date(Date.now() + 3 * 60_000).toISOString()).sweep();
    expect(report).toMatchObject({ released: 1, undone: 1, failed: 0 });
    expect(await slotOf(slots[0]!)).toMatchObject({ state: 'free' });
    expect(await api.stored('scheduledCalls', callId, ['acme', 'crashed-app'])).toMatchObject({ status: 'abandoned' });
    expect((await eventOf(calendarEventIdFor(callId)))!.status).toBe('cancelled');

    // A booking that committed but crashed before finishing: the sweeper finishes it; its event stays.
    const b = await booked();
    const deps2 = api.host.services.scheduling.deps;
    const storedCall = await deps2.calls.get('acme', b.appId, b.callId);
    await deps2.calls.replace({ ...storedCall!.document, status: 'pending' }, storedCall!.etag);
    const storedSlot = await deps2.slots.get('acme', REC, b.slots[0]!);
    const { booking: _booking, ...free } = storedSlot!.document;
    await deps2.slots.replace({ ...free, state: 'held', hold: { callId: b.callId, purpose: 'schedule', applicationId: b.appId, stageId: b.stageId, heldBy: { role: 'candidate', id: 'c' }, heldAt: now, until: now } }, storedSlot!.etag);
    const finished = await api.at(new Date(Date.now() + 3 * 60_000).toISOString()).sweep();
    expect(finished.rolledForward).toBeGreaterThanOrEqual(1);
    expect(await callOf(b)).toMatchObject({ status: 'scheduled' });
    expect(await slotOf(b.slots[0]!)).toMatchObject({ state: 'booked', booking: { callId: b.callId } });
    expect((await eventOf(b.eventId))!.status).toBe('confirmed');
  });
});
