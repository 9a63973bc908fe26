import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { calendar, type calendar_v3 } from '@googleapis/calendar';
import { OAuth2Client } from 'google-auth-library';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGoogleCalendarFake, type GoogleCalendarFake } from '../../local/fakes/google-calendar/index.ts';
import { waitFor } from './cosmos-support/cosmos-fixtures.ts';

const REDIRECT = 'http://127.0.0.1:1/callback';

/** Calendar API v3 methods of the fake, driven by the real `@googleapis/calendar` client. */
describe('Google Calendar fake: events, sync, channels, faults, control API', () => {
  let fake: GoogleCalendarFake;
  let api: calendar_v3.Calendar;
  let receiver: Server;
  let address: string;
  const pushes: IncomingHttpHeaders[] = [];
  const ACCOUNT = 'cal@example.com';

  beforeAll(async () => {
    fake = await startGoogleCalendarFake({ clients: [{ clientId: 'c', clientSecret: 's', redirectUris: [REDIRECT] }] });
    const oauth = new OAuth2Client({ clientId: 'c', clientSecret: 's', redirectUri: REDIRECT, endpoints: { oauth2AuthBaseUrl: fake.authorizeUrl, oauth2TokenUrl: fake.tokenUrl } });
    const consent = await fetch(oauth.generateAuthUrl({ scope: ['https://www.googleapis.com/auth/calendar.events'], login_hint: ACCOUNT }), { redirect: 'manual' });
    const { tokens } = await oauth.getToken(new URL(consent.headers.get('location')!).searchParams.get('code')!);
    oauth.setCredentials(tokens);
    api = calendar({ version: 'v3', rootUrl: fake.rootUrl, auth: oauth });
    receiver = createServer((req, res) => {
      pushes.push(req.headers);
      res.writeHead(200).end();
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    address = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/notifications`;
  });
  afterAll(async () => {
    await fake.stop();
    await new Promise((resolve) => receiver.close(resolve));
  });
  beforeEach(() => fake.clearFaults());

  const control = async (path: string, json?: unknown) => {
    const response = await fetch(`${fake.rootUrl}_fake/${path}`, json === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(json) });
    return { status: response.status, body: response.status === 204 ? undefined : ((await response.json()) as any) };
  };
  const failure = async (promise: Promise<unknown>) => {
    try {
      await promise;
    } catch (error) {
      return (error as { response: { status: number; data: any } }).response;
    }
    throw new Error('expected a failure');
  };
  const event = (id: string, hour: number): calendar_v3.Schema$Event => ({
    id,
    summary: `Interview ${id}`,
    start: { dateTime: `2030-01-10T${String(hour).padStart(2, '0')}:00:00Z`, timeZone: 'UTC' },
    end: { dateTime: `2030-01-10T${String(hour + 1).padStart(2, '0')}:00:00Z`, timeZone: 'UTC' },
    attendees: [{ email: 'cand@example.com' }],
    conferenceData: { createRequest: { requestId: `req-${id}`, conferenceSolutionKey: { type: 'hangoutsMeet' } } },
  });

  it('inserts with a client id (base32hex), creates a Meet link, refuses a taken id with 409 duplicate (even once deleted)', async () => {
    const created = await api.events.insert({ calendarId: 'primary', sendUpdates: 'all', conferenceDataVersion: 1, requestBody: event('abcdef0123', 9) });
    expect(created.data).toMatchObject({
      id: 'abcdef0123', status: 'confirmed', organizer: { email: ACCOUNT, self: true }, attendees: [{ email: 'cand@example.com', responseStatus: 'needsAction' }],
      conferenceData: { createRequest: { requestId: 'req-abcdef0123', status: { statusCode: 'success' } }, entryPoints: [{ entryPointType: 'video', uri: expect.stringMatching(/^https:\/\/meet\.google\.com\/[a-z]{3}-[a-z]{4}-[a-z]{3}$/) }] },
      hangoutLink: expect.stringMatching(/^https:\/\/meet\.google\.com\//),
      etag: expect.any(String),
    });
    const noMeet = await api.events.insert({ calendarId: ACCOUNT, requestBody: event('abcdef0124', 11) });
    expect(noMeet.data.conferenceData).toBeUndefined();
    expect(await failure(api.events.insert({ calendarId: 'primary', requestBody: event('abcdef0123', 9) }))).toMatchObject({
      status: 409,
      data: { error: { code: 409, message: 'The requested identifier already exists.', errors: [{ domain: 'global', reason: 'duplicate' }], status: 'ALREADY_EXISTS' } },
    });
    expect(await failure(api.events.insert({ calendarId: 'primary', requestBody: event('NOT-base32', 9) }))).toMatchObject({ status: 400, data: { error: { errors: [{ reason: 'invalid' }] } } });
    await api.events.delete({ calendarId: 'primary', eventId: 'abcdef0124', sendUpdates: 'all' });
    expect(await failure(api.events.delete({ calendarId: 'primary', eventId: 'abcdef0124' }))).toMatchObject({ status: 410, data: { error: { errors: [{ reason: 'deleted' }] } } });
    expect(await failure(api.events.insert({ calendarId: 'primary', requestBody: event('abcdef0124', 11) }))).toMatchObject({ status: 409 });
    expect((await api.events.get({ calendarId: 'primary', eventId: 'abcdef0124' })).data.status).toBe('cancelled');
    expect(await failure(api.events.get({ calendarId: 'primary', eventId: 'nothere00' }))).toMatchObject({ status: 404, data: { error: { errors: [{ reason: 'notFound' }] } } });
    expect(await failure(api.events.list({ calendarId: 'someone-else@example.com' }))).toMatchObject({ status: 404 });
  });

  it('patches (If-Match → 412 when stale), restores a deleted event, and lists changes from a sync token, paging', async () => {
    const full = await api.events.list({ calendarId: 'primary', showDeleted: true, maxResults: 1 });
    expect(full.data.items).toHaveLength(1);
    expect(full.data.nextPageToken).toBeDefined();
    expect(full.data.nextSyncToken).toBeUndefined();
    const rest = await api.events.list({ calendarId: 'primary', pageToken: full.data.nextPageToken!, maxResults: 250 });
    expect([...full.data.items!, ...rest.data.items!].map((e) => e.id).sort()).toEqual(['abcdef0123', 'abcdef0124']);
    const syncToken = rest.data.nextSyncToken!;
    expect(syncToken).toBeTruthy();
    const withoutDeleted = await api.events.list({ calendarId: 'primary' });
    expect(withoutDeleted.data.items!.map((e) => e.id)).toEqual(['abcdef0123']);

    const current = (await api.events.get({ calendarId: 'primary', eventId: 'abcdef0123' })).data;
    const moved = await api.events.patch({ calendarId: 'primary', eventId: 'abcdef0123', sendUpdates: 'all', requestBody: { start: { dateTime: '2030-01-10T15:00:00Z' }, end: { dateTime: '2030-01-10T16:00:00Z' } } }, { headers: { 'If-Match': current.etag! } });
    expect(moved.data).toMatchObject({ id: 'abcdef0123', start: { dateTime: '2030-01-10T15:00:00Z' }, sequence: 1, conferenceData: current.conferenceData });
    expect(await failure(api.events.patch({ calendarId: 'primary', eventId: 'abcdef0123', requestBody: { summary: 'x' } }, { headers: { 'If-Match': current.etag! } }))).toMatchObject({
      status: 412,
      data: { error: { errors: [{ reason: 'conditionNotMet' }] } },
    });
    await api.events.patch({ calendarId: 'primary', eventId: 'abcdef0124', requestBody: { status: 'confirmed' } });

    const changes = await api.events.list({ calendarId: 'primary', syncToken });
    expect(changes.data.items!.map((e) => [e.id, e.status])).toEqual([['abcdef0123', 'confirmed'], ['abcdef0124', 'confirmed']]);
    const next = changes.data.nextSyncToken!;
    expect((await api.events.list({ calendarId: 'primary', syncToken: next })).data.items).toEqual([]);
    await control('sync-tokens/expire', {});
    expect(await failure(api.events.list({ calendarId: 'primary', syncToken: next }))).toMatchObject({
      status: 410,
      data: { error: { code: 410, errors: [{ reason: 'fullSyncRequired', message: 'Sync token is no longer valid, a full sync is required.' }] } },
    });
  });

  it('opens a channel (sync message first), pushes X-Goog-* headers on every change, and stops it', async () => {
    pushes.length = 0;
    const watched = await api.events.watch({ calendarId: 'primary', requestBody: { id: 'channel-1', type: 'web_hook', address, token: 'chan-token', params: { ttl: '3600' } } });
    expect(watched.data).toMatchObject({ kind: 'api#channel', id: 'channel-1', resourceId: expect.any(String), token: 'chan-token' });
    expect(Number(watched.data.expiration)).toBeGreaterThan(Date.now() + 3_500_000);
    await waitFor(() => pushes.length === 1, 'the sync message');
    expect(pushes[0]).toMatchObject({ 'x-goog-channel-id': 'channel-1', 'x-goog-channel-token': 'chan-token', 'x-goog-resource-state': 'sync', 'x-goog-message-number': '1', 'x-goog-resource-id': watched.data.resourceId });
    await api.events.insert({ calendarId: 'primary', requestBody: event('abcdef0125', 12) });
    await waitFor(() => pushes.length === 2, 'the change message');
    expect(pushes[1]).toMatchObject({ 'x-goog-resource-state': 'exists', 'x-goog-message-number': '2', 'x-goog-channel-expiration': expect.any(String) });
    expect(await failure(api.events.watch({ calendarId: 'primary', requestBody: { id: 'channel-1', type: 'web_hook', address } }))).toMatchObject({ status: 400, data: { error: { errors: [{ reason: 'channelIdNotUnique' }] } } });
    await api.channels.stop({ requestBody: { id: 'channel-1', resourceId: watched.data.resourceId! } });
    expect(await failure(api.channels.stop({ requestBody: { id: 'channel-1', resourceId: watched.data.resourceId! } }))).toMatchObject({ status: 404 });
    await api.events.delete({ calendarId: 'primary', eventId: 'abcdef0125' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(pushes).toHaveLength(2);
  });

  it('answers an asked expiration to the millisecond, many times over (one reading of the clock), and caps it at 30 days', async () => {
    for (let i = 0; i < 200; i += 1) {
      const asked = Date.now() + 3_600_000 + i;
      const watched = await api.events.watch({ calendarId: 'primary', requestBody: { id: `exact-${i}`, type: 'web_hook', address, expiration: String(asked) } });
      expect(Number(watched.data.expiration)).toBe(asked);
      await api.channels.stop({ requestBody: { id: `exact-${i}`, resourceId: watched.data.resourceId! } });
    }
    const far = await api.events.watch({ calendarId: 'primary', requestBody: { id: 'exact-far', type: 'web_hook', address, expiration: String(Date.now() + 90 * 86_400_000) } });
    expect(Number(far.data.expiration)).toBeLessThanOrEqual(Date.now() + 30 * 86_400_000);
    await api.channels.stop({ requestBody: { id: 'exact-far', resourceId: far.data.resourceId! } });
  });

  it('injects faults: Google error bodies, a response cut after the operation took effect, latency, counts', async () => {
    expect((await control('faults', { operation: 'events.insert', status: 429, times: 1 })).status).toBe(201);
    expect(await failure(api.events.insert({ calendarId: 'primary', requestBody: event('fault00001', 1) }, { retry: false }))).toMatchObject({
      status: 429,
      data: { error: { code: 429, errors: [{ domain: 'usageLimits', reason: 'rateLimitExceeded' }], status: 'RESOURCE_EXHAUSTED' } },
    });
    await control('faults', { operation: 'events.insert', status: 403, reason: 'userRateLimitExceeded', times: 1 });
    expect(await failure(api.events.insert({ calendarId: 'primary', requestBody: event('fault00001', 1) }, { retry: false }))).toMatchObject({ status: 403, data: { error: { errors: [{ reason: 'userRateLimitExceeded' }] } } });
    expect((await api.events.get({ calendarId: 'primary', eventId: 'fault00001' }).catch((e: { response: { status: number } }) => e.response)).status).toBe(404);

    await control('faults', { operation: 'events.insert', dropResponse: true, times: 1 });
    const dropped = await api.events.insert({ calendarId: 'primary', requestBody: event('fault00002', 2) }, { retry: false }).catch((error: { code?: string; response?: unknown }) => error);
    expect((dropped as { response?: unknown }).response).toBeUndefined();
    expect((await api.events.get({ calendarId: 'primary', eventId: 'fault00002' })).data.status).toBe('confirmed');

    await control('faults', { operation: 'events.get', latencyMs: 300, times: 1 });
    const timedOut = await api.events.get({ calendarId: 'primary', eventId: 'fault00002' }, { retry: false, timeout: 100 }).catch((error: { code?: string }) => error);
    expect((timedOut as { code?: string }).code).toBe('TimeoutError');

    const faults = (await control('faults')).body.faults;
    expect(faults.map((f: { operation: string; hits: number }) => [f.operation, f.hits])).toEqual([['events.insert', 1], ['events.insert', 1], ['events.insert', 1], ['events.get', 1]]);
    const log = (await control('requests')).body.requests.filter((r: { operation: string }) => r.operation === 'events.insert').slice(-3);
    expect(log.map((r: { status: unknown }) => r.status)).toEqual([429, 403, 'dropped']);
    expect((await control('faults', { operation: 'events.nope' })).status).toBe(400);
    expect((await fetch(`${fake.rootUrl}_fake/faults`, { method: 'DELETE' })).status).toBe(204);
    expect((await control('faults')).body.faults).toEqual([]);
  });

  it('lists every event of every calendar, and cancels or moves one as if the user did it in Google (pushing to channels)', async () => {
    pushes.length = 0;
    await api.events.watch({ calendarId: 'primary', requestBody: { id: 'channel-2', type: 'web_hook', address, token: 't2' } });
    await waitFor(() => pushes.length === 1, 'the sync message');
    const all = (await control('events')).body.events;
    expect(all.length).toBeGreaterThanOrEqual(4);
    expect(all[0]).toMatchObject({ calendarId: ACCOUNT, id: expect.any(String), status: expect.any(String), start: expect.any(Object), end: expect.any(Object), attendees: expect.any(Array) });
    const movedAnswer = await control(`calendars/${encodeURIComponent(ACCOUNT)}/events/fault00002/move`, { start: '2030-02-01T10:00:00Z', end: '2030-02-01T11:00:00Z' });
    expect(movedAnswer).toMatchObject({ status: 200, body: { id: 'fault00002', start: { dateTime: '2030-02-01T10:00:00Z' } } });
    expect((await api.events.get({ calendarId: 'primary', eventId: 'fault00002' })).data.start?.dateTime).toBe('2030-02-01T10:00:00Z');
    expect((await control(`calendars/${encodeURIComponent(ACCOUNT)}/events/fault00002/cancel`, {})).body.status).toBe('cancelled');
    await waitFor(() => pushes.length === 3, 'two change messages');
    expect(pushes.slice(1).map((p) => p['x-goog-resource-state'])).toEqual(['exists', 'exists']);
    expect((await control('calendars/nobody%40example.com/events/x/cancel', {})).status).toBe(404);
    await control('tokens/expire', {});
    expect(await failure(api.events.list({ calendarId: 'primary' }, { retry: false }))).toMatchObject({ status: 401 });
  });
});
