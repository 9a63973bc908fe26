import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calendarConnectionViewSchema } from '../../../shared/scheduling/api/calendar-connection.schema.ts';
import { futureWallTime, startCalendarStack, type CalendarStack } from '../../support/calendar-api.ts';

/**
 * Connecting a recruiter's Google Calendar through the OAuth flow on the local host (the fake
 * consents at once), what is stored (tokens encrypted, the push channel), disconnecting, and a
 * connection Google stops accepting.
 */
describe('calendar connections', () => {
  let api: CalendarStack;
  beforeAll(async () => {
    api = await startCalendarStack();
  });
  afterAll(() => api.stop());

  const connection = (recruiterId: string) => api.stored('calendarConnections', `acme:${encodeURIComponent(recruiterId)}`, ['acme', recruiterId]);

  it('connects through the authorisation-code flow with PKCE, stores the tokens encrypted and starts a push channel', async () => {
    const rec = await api.as('recruiter', 'acme', 'rec-a');
    expect(calendarConnectionViewSchema.parse((await api.call('/calendar/connection', { token: rec })).body)).toEqual({ state: 'not_connected' });
    const started = await api.call('/calendar/connect', { token: rec, json: { loginHint: 'rec-a@acme.example' } });
    expect(started.status).toBe(200);
    const url = new URL(started.body.authorizationUrl);
    expect(url.origin + url.pathname).toBe(api.host.calendar.authorizeUrl);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      access_type: 'offline',
      prompt: 'consent',
      scope: 'https://www.googleapis.com/auth/calendar.events',
      response_type: 'code',
      code_challenge_method: 'S256',
      code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      redirect_uri: `${api.baseUrl}/api/calendar/oauth-callback`,
      login_hint: 'rec-a@acme.example',
      state: expect.any(String),
    });
    const pending = await connection('rec-a');
    expect(pending).toMatchObject({ state: 'pending', authorization: { verifier: { v: 1, kid: expect.any(String) } } });

    const consent = await fetch(started.body.authorizationUrl, { redirect: 'manual' });
    const callback = consent.headers.get('location')!;
    const done = await fetch(callback, { redirect: 'manual' });
    expect(done.status).toBe(302);
    expect(done.headers.get('location')).toBe(`${api.baseUrl}/api/health?calendar=connected`);

    const stored = await connection('rec-a');
    expect(stored).toMatchObject({ tenantId: 'acme', recruiterId: 'rec-a', state: 'connected', generation: 1, accountEmail: 'rec-a@acme.example', calendarId: 'rec-a@acme.example' });
    expect(stored!['authorization']).toBeUndefined();
    expect(stored!['tokens']).toMatchObject({ v: 1, kid: api.host.settings.ENCRYPTION_KEY_ID, iv: expect.any(String), tag: expect.any(String), ct: expect.any(String) });
    const tokens = (await api.fake.requests('oauth.token'))[0];
    expect(tokens).toMatchObject({ status: 200 });
    // No token in clear anywhere in the document.
    expect(JSON.stringify(stored)).not.toMatch(/ya29\.|1\/\//);
    const channels = await api.all('calendarChannels');
    expect(channels).toEqual([expect.objectContaining({ tenantId: 'acme', recruiterId: 'rec-a', token: expect.objectContaining({ v: 1 }) })]);
    expect(stored!['channels']).toEqual([expect.objectContaining({ id: channels[0]!['id'], resourceId: expect.any(String) })]);
    const fakeChannels = (await (await api.fake.control('channels')).json()) as { channels: Array<{ id: string; address: string }> };
    expect(fakeChannels.channels).toEqual([expect.objectContaining({ id: channels[0]!['id'], address: `${api.baseUrl}/api/calendar/notifications` })]);

    const view = await api.call('/calendar/connection', { token: rec });
    expect(view.body).toMatchObject({ state: 'connected', accountEmail: 'rec-a@acme.example', channel: { expiration: expect.any(String) } });

    // The state works once: replaying the callback changes nothing.
    const replay = await fetch(callback, { redirect: 'manual' });
    expect(replay.headers.get('location')).toContain('calendar=error&reason=state_used_or_expired');
    expect((await connection('rec-a'))!['generation']).toBe(1);
  });

  it('refuses a forged, tampered or foreign state, and a code Google refuses', async () => {
    const rec = await api.as('recruiter', 'acme', 'rec-b');
    const started = await api.call('/calendar/connect', { token: rec, json: {} });
    const consent = await fetch(started.body.authorizationUrl, { redirect: 'manual' });
    const callback = new URL(consent.headers.get('location')!);
    const state = callback.searchParams.get('state')!;
    const tampered = new URL(callback);
    tampered.searchParams.set('state', `${state.slice(0, -2)}xx`);
    expect((await fetch(tampered, { redirect: 'manual' })).headers.get('location')).toContain('reason=state_invalid');
    const missing = new URL(callback);
    missing.searchParams.delete('state');
    expect((await fetch(missing, { redirect: 'manual' })).headers.get('location')).toContain('reason=state_invalid');
    expect(await connection('rec-b')).toMatchObject({ state: 'pending' });
    // The real state with a code that does not exist: Google's invalid_grant, nothing stored.
    const wrongCode = new URL(callback);
    wrongCode.searchParams.set('code', '4/not-a-code');
    expect((await fetch(wrongCode, { redirect: 'manual' })).headers.get('location')).toContain('reason=code_refused');
    expect(await connection('rec-b')).toMatchObject({ state: 'pending' });
    expect((await connection('rec-b'))!['tokens']).toBeUndefined();
  });

  it('disconnects: stops the channel, revokes the refresh token, forgets the tokens', async () => {
    await api.connect('acme', 'rec-c', 'rec-c@acme.example');
    const rec = await api.as('recruiter', 'acme', 'rec-c');
    const channel = (await connection('rec-c'))!['channels'][0];
    const answer = await api.call('/calendar/connection', { token: rec, method: 'DELETE' });
    expect(answer).toMatchObject({ status: 200, body: { state: 'disconnected', revoked: true } });
    const stored = await connection('rec-c');
    expect(stored).toMatchObject({ state: 'disconnected', channels: [] });
    expect(stored!['tokens']).toBeUndefined();
    expect(await api.stored('calendarChannels', channel.id, channel.id)).toBeUndefined();
    expect((await api.fake.requests('channels.stop')).at(-1)).toMatchObject({ status: 204 });
    expect((await api.fake.requests('oauth.revoke')).at(-1)).toMatchObject({ status: 200 });
    const fakeChannels = (await (await api.fake.control('channels')).json()) as { channels: Array<{ id: string }> };
    expect(fakeChannels.channels.map((c) => c.id)).not.toContain(channel.id);
    // Scheduling against it is refused until the recruiter connects again.
    const slots = await api.publish('acme', 'rec-c', [{ start: futureWallTime(5, '09:00'), end: futureWallTime(5, '10:00'), timeZone: 'UTC' }]);
    const app = (await api.call('/applications', { token: rec, json: { jobId: 'j', candidateId: 'c-1@example.com' } })).body;
    const stage = (await api.call(`/applications/${app.id}/stages`, { token: rec, json: { type: 'live_interview', data: { recruiterId: 'rec-c' } } })).body.stage;
    const cand = await api.as('candidate', 'acme', 'c-1@example.com');
    const refused = await api.call(`/applications/${app.id}/stages/${stage.id}/schedule`, { token: cand, json: { slotId: slots[0] } });
    expect(refused).toMatchObject({ status: 409, body: { code: 'CALENDAR.NOT_CONNECTED', details: { connect: 'POST /api/calendar/connect' } } });
    expect(await api.stored('slots', slots[0]!, ['acme', 'rec-c'])).toMatchObject({ state: 'free' });
  });

  it('marks a connection invalid on invalid_grant, tells the recruiter once, shows it in health, and answers 409 with reconnect', async () => {
    await api.connect('acme', 'rec-d', 'rec-d@acme.example');
    const rec = await api.as('recruiter', 'acme', 'rec-d');
    const slots = await api.publish('acme', 'rec-d', [
      { start: futureWallTime(6, '09:00'), end: futureWallTime(6, '10:00'), timeZone: 'UTC' },
      { start: futureWallTime(6, '11:00'), end: futureWallTime(6, '12:00'), timeZone: 'UTC' },
    ]);
    const app = (await api.call('/applications', { token: rec, json: { jobId: 'j', candidateId: 'c-2@example.com' } })).body;
    const stage = (await api.call(`/applications/${app.id}/stages`, { token: rec, json: { type: 'live_interview', data: { recruiterId: 'rec-d' } } })).body.stage;
    const cand = await api.as('candidate', 'acme', 'c-2@example.com');
    // The user removed the app's access in Google: refresh tokens refused, access tokens dead.
    await api.fake.control('accounts/rec-d%40acme.example/revoke', {});
    await api.fake.control('tokens/expire', {});
    const before = await api.settled(app.id);
    const refused = await api.call(`/applications/${app.id}/stages/${stage.id}/schedule`, { token: cand, json: { slotId: slots[0] } });
    expect(refused).toMatchObject({ status: 409, body: { code: 'CALENDAR.CONNECTION_INVALID', details: { recruiterId: 'rec-d', reconnect: 'POST /api/calendar/connect' } } });
    expect(await api.raw(app.id)).toEqual(before);
    expect(await api.stored('slots', slots[0]!, ['acme', 'rec-d'])).toMatchObject({ state: 'free' });
    expect(await connection('rec-d')).toMatchObject({ state: 'invalid', invalid: { reason: expect.stringContaining('invalid_grant'), noticeSentAt: expect.any(String) } });
    expect((await api.fake.requests('oauth.token')).at(-1)).toMatchObject({ status: 400 });

    const again = await api.call(`/applications/${app.id}/stages/${stage.id}/schedule`, { token: cand, json: { slotId: slots[1] } });
    expect(again).toMatchObject({ status: 409, body: { code: 'CALENDAR.CONNECTION_INVALID' } });
    const notices = (await api.queued('notifications')).filter((m) => m.body.kind === 'calendar.connection_invalid' && m.body.recruiterId === 'rec-d');
    expect(notices).toEqual([{ messageId: 'calendar.connection_invalid:acme:rec-d:1', body: { kind: 'calendar.connection_invalid', eventId: 'calendar.connection_invalid:acme:rec-d:1', tenantId: 'acme', recruiterId: 'rec-d', timestamp: expect.any(String) } }]);
    const { notificationsQueueBodySchema } = await import('../../../shared/events/api/notification-message.schema.ts');
    expect(notificationsQueueBodySchema.safeParse(notices[0]!.body).success).toBe(true);

    expect((await api.call('/calendar/connection', { token: rec })).body).toMatchObject({ state: 'invalid', reconnect: 'POST /api/calendar/connect', invalid: { reason: expect.any(String) } });
    const health = (await api.call('/health')).body;
    expect(health.dependencies.find((d: { name: string }) => d.name === 'calendar')).toMatchObject({ status: 'up', details: { invalidConnections: 1 } });
    const metrics = await (await fetch(`${api.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/stageline_calendar_invalid_connections(\{[^}]*\})? 1/);
    expect(metrics).toMatch(/stageline_calendar_calls_total\{[^}]*operation="oauth.refresh"[^}]*outcome="invalid_grant"/);

    // Reconnecting makes it usable again (a new generation).
    await api.connect('acme', 'rec-d', 'rec-d@acme.example');
    expect(await connection('rec-d')).toMatchObject({ state: 'connected', generation: 2 });
    expect((await api.call(`/applications/${app.id}/stages/${stage.id}/schedule`, { token: cand, json: { slotId: slots[1] } })).status).toBe(200);
  });

  it('refreshes an access token Google stopped accepting once, however many requests need it at the same moment', async () => {
    await api.connect('acme', 'rec-e', 'rec-e@acme.example');
    const rec = await api.as('recruiter', 'acme', 'rec-e');
    const wall = (i: number, t: string) => futureWallTime(7 + i, t);
    const slots = await api.publish('acme', 'rec-e', [0, 1, 2, 3, 4].map((i) => ({ start: wall(i, '09:00'), end: wall(i, '10:00'), timeZone: 'UTC' })));
    const bookings = await Promise.all(
      slots.map(async (slotId, i) => {
        const candidateId = `c-e${i}@example.com`;
        const app = (await api.call('/applications', { token: rec, json: { jobId: 'j', candidateId } })).body;
        const stage = (await api.call(`/applications/${app.id}/stages`, { token: rec, json: { type: 'live_interview', data: { recruiterId: 'rec-e' } } })).body.stage;
        return { path: `/applications/${app.id}/stages/${stage.id}/schedule`, token: await api.as('candidate', 'acme', candidateId), slotId };
      }),
    );
    await api.fake.control('tokens/expire', {});
    const refreshesBefore = (await api.fake.requests('oauth.token')).length;
    const answers = await Promise.all(bookings.map((b) => api.call(b.path, { token: b.token, json: { slotId: b.slotId } })));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect((await api.fake.requests('oauth.token')).length - refreshesBefore).toBe(1);
    expect(await api.fake.liveEvents('rec-e@acme.example')).toHaveLength(5);
  });
});
