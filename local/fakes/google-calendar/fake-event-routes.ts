import type { calendar_v3 } from '@googleapis/calendar';
import { readJson } from './fake-http.ts';
import { error, json, route, type FakeAnswer, type FakeContext, type FakeRequest, type FakeRoute } from './fake-context.ts';
import { EVENT_ID, meetCodeFor } from './fake-calendar-state.ts';

const EVENTS = '/calendar/v3/calendars/{calendarId}/events';

/** The account the bearer token acts for and the calendar it names (`primary` = the account's own); or the error to answer. */
function authorize(ctx: FakeContext, request: FakeRequest): { account: string; calendarId: string } | FakeAnswer {
  const account = ctx.oauth.accountOf(request.req.headers.authorization);
  if (account === undefined) {
    return error(401, 'authError', 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.');
  }
  const named = request.params['calendarId'] === undefined ? 'primary' : decodeURIComponent(request.params['calendarId']);
  const calendarId = named === 'primary' ? account : named;
  if (calendarId !== account) return error(404, 'notFound', 'Not Found');
  return { account, calendarId };
}

function conferenceFor(createRequest: calendar_v3.Schema$CreateConferenceRequest): calendar_v3.Schema$ConferenceData {
  const code = meetCodeFor(createRequest.requestId ?? '');
  return {
    createRequest: { ...createRequest, status: { statusCode: 'success' } },
    entryPoints: [{ entryPointType: 'video', uri: `https://meet.google.com/${code}`, label: `meet.google.com/${code}` }],
    conferenceSolution: { key: { type: 'hangoutsMeet' }, name: 'Google Meet' },
    conferenceId: code,
  };
}

function withConference(event: calendar_v3.Schema$Event, version: number): calendar_v3.Schema$Event {
  const request = event.conferenceData?.createRequest;
  if (version < 1 || request === undefined || request === null) {
    const { conferenceData: _ignored, ...rest } = event;
    return version < 1 ? rest : event;
  }
  const conferenceData = conferenceFor(request);
  return { ...event, conferenceData, hangoutLink: conferenceData.entryPoints![0]!.uri! };
}

function hasTime(time: calendar_v3.Schema$EventDateTime | undefined): boolean {
  return time !== undefined && (typeof time.dateTime === 'string' ? !Number.isNaN(Date.parse(time.dateTime)) : typeof time.date === 'string');
}

function notify(ctx: FakeContext, calendarId: string): void {
  ctx.channels.changed(calendarId);
  ctx.changed();
}

/**
 * Calendar API v3 `events` and `channels` methods, following the discovery document's paths and
 * parameters (`sendUpdates`, `conferenceDataVersion`, `syncToken`, `showDeleted`, `pageToken`,
 * `maxResults`) and Google's error bodies: a taken client-supplied id is 409 `duplicate` (deleted
 * events keep their id), a stale sync token 410 `fullSyncRequired`, a deleted event 410 `deleted`
 * on delete, an `If-Match` that no longer matches 412 `conditionNotMet`.
 */
export const eventRoutes: FakeRoute[] = [
  route('POST', EVENTS, 'events.insert', async (ctx, request) => {
    const who = authorize(ctx, request);
    if ('status' in who) return who;
    const body = readJson(request) as calendar_v3.Schema$Event;
    if (!hasTime(body.start ?? undefined) || !hasTime(body.end ?? undefined)) return error(400, 'required', 'Missing time zone definition for start time.');
    if (body.id !== undefined && body.id !== null && !EVENT_ID.test(body.id)) return error(400, 'invalid', 'Invalid resource id value.');
    const id = body.id ?? ctx.calendars.newEventId();
    if (ctx.calendars.has(who.calendarId, id)) return error(409, 'duplicate', 'The requested identifier already exists.');
    const version = Number(request.url.searchParams.get('conferenceDataVersion') ?? '0');
    const now = new Date().toISOString();
    const event: calendar_v3.Schema$Event = withConference(
      {
        ...body,
        kind: 'calendar#event',
        id,
        status: 'confirmed',
        htmlLink: `https://www.google.com/calendar/event?eid=${Buffer.from(`${id} ${who.calendarId}`).toString('base64url')}`,
        created: now,
        iCalUID: `${id}@google.com`,
        sequence: 0,
        creator: { email: who.account, self: true },
        organizer: { email: who.calendarId, self: true },
        attendees: (body.attendees ?? []).map((attendee) => ({ ...attendee, responseStatus: attendee.responseStatus ?? 'needsAction' })),
      },
      version,
    );
    const stored = ctx.calendars.put(who.calendarId, event);
    notify(ctx, who.calendarId);
    return json(200, stored);
  }),
  route('GET', `${EVENTS}/{eventId}`, 'events.get', async (ctx, request) => {
    const who = authorize(ctx, request);
    if ('status' in who) return who;
    const event = ctx.calendars.get(who.calendarId, decodeURIComponent(request.params['eventId']!));
    return event === undefined ? error(404, 'notFound', 'Not Found') : json(200, event);
  }),
  route('PATCH', `${EVENTS}/{eventId}`, 'events.patch', async (ctx, request) => {
    const who = authorize(ctx, request);
    if ('status' in who) return who;
    const eventId = decodeURIComponent(request.params['eventId']!);
    const current = ctx.calendars.get(who.calendarId, eventId);
    if (current === undefined) return error(404, 'notFound', 'Not Found');
    const ifMatch = request.req.headers['if-match'];
    if (ifMatch !== undefined && ifMatch !== '*' && ifMatch !== current.etag) return error(412, 'conditionNotMet', 'Precondition Failed');
    const body = readJson(request) as calendar_v3.Schema$Event;
    const version = Number(request.url.searchParams.get('conferenceDataVersion') ?? '0');
    const merged: calendar_v3.Schema$Event = {
      ...current,
      ...body,
      id: eventId,
      sequence: (current.sequence ?? 0) + 1,
      extendedProperties: {
        private: { ...(current.extendedProperties?.private ?? {}), ...(body.extendedProperties?.private ?? {}) },
        shared: { ...(current.extendedProperties?.shared ?? {}), ...(body.extendedProperties?.shared ?? {}) },
      },
    };
    const next = body.conferenceData?.createRequest && !current.conferenceData ? withConference(merged, version) : { ...merged, conferenceData: current.conferenceData };
    if (!hasTime(next.start ?? undefined) || !hasTime(next.end ?? undefined)) return error(400, 'required', 'Missing time.');
    const stored = ctx.calendars.put(who.calendarId, next);
    notify(ctx, who.calendarId);
    return json(200, stored);
  }),
  route('DELETE', `${EVENTS}/{eventId}`, 'events.delete', async (ctx, request) => {
    const who = authorize(ctx, request);
    if ('status' in who) return who;
    const eventId = decodeURIComponent(request.params['eventId']!);
    const current = ctx.calendars.get(who.calendarId, eventId);
    if (current === undefined) return error(404, 'notFound', 'Not Found');
    if (current.status === 'cancelled') return error(410, 'deleted', 'Resource has been deleted');
    ctx.calendars.put(who.calendarId, { ...current, status: 'cancelled', sequence: (current.sequence ?? 0) + 1 });
    notify(ctx, who.calendarId);
    return { status: 204 };
  }),
  route('GET', EVENTS, 'events.list', async (ctx, request) => {
    const who = authorize(ctx, request);
    if ('status' in who) return who;
    const query = request.url.searchParams;
    const maxResults = Math.min(2500, Math.max(1, Number(query.get('maxResults') ?? '250') || 250));
    const pageToken = query.get('pageToken');
    let since: number | undefined;
    let upTo = ctx.calendars.seq;
    let offset = 0;
    let showDeleted = query.get('showDeleted') === 'true';
    const syncToken = query.get('syncToken');
    if (pageToken !== null) {
      try {
        const page = JSON.parse(Buffer.from(pageToken, 'base64url').toString('utf8')) as { since?: number; upTo: number; offset: number; showDeleted: boolean };
        ({ since, upTo, offset, showDeleted } = page);
      } catch {
        return error(400, 'invalid', 'Invalid page token value.');
      }
    } else if (syncToken !== null) {
      const seq = ctx.calendars.readSyncToken(who.calendarId, syncToken);
      if (seq === 'stale') return error(410, 'fullSyncRequired', 'Sync token is no longer valid, a full sync is required.');
      if (seq === undefined) return error(400, 'invalid', 'Invalid sync token value.');
      since = seq;
      // Incremental sync always returns deleted events.
      showDeleted = true;
    }
    const all = ctx.calendars.changedSince(who.calendarId, since, upTo).filter((event) => showDeleted || event.status !== 'cancelled');
    const items = all.slice(offset, offset + maxResults);
    const more = offset + maxResults < all.length;
    const listing: calendar_v3.Schema$Events = {
      kind: 'calendar#events',
      etag: `"${upTo}"`,
      summary: who.calendarId,
      updated: new Date().toISOString(),
      timeZone: 'UTC',
      accessRole: 'owner',
      defaultReminders: [],
      items,
      ...(more
        ? { nextPageToken: Buffer.from(JSON.stringify({ since, upTo, offset: offset + maxResults, showDeleted })).toString('base64url') }
        : { nextSyncToken: Buffer.from(JSON.stringify({ c: who.calendarId, s: upTo })).toString('base64url') }),
    };
    return json(200, listing);
  }),
  route('POST', `${EVENTS}/watch`, 'events.watch', async (ctx, request) => {
    const who = authorize(ctx, request);
    if ('status' in who) return who;
    const body = readJson(request) as calendar_v3.Schema$Channel;
    if (body.type !== 'web_hook' && body.type !== 'webhook') return error(400, 'invalid', 'Invalid channel type.');
    if (!body.id || body.id.length > 64 || !body.address) return error(400, 'required', 'Required channel id and address.');
    const ttl = body.params?.['ttl'] === undefined ? undefined : Number(body.params['ttl']);
    const expiration = body.expiration === undefined || body.expiration === null ? undefined : Number(body.expiration);
    const channel = ctx.channels.open({
      id: body.id,
      calendarId: who.calendarId,
      account: who.account,
      address: body.address,
      ...(body.token ? { token: body.token } : {}),
      ...(ttl !== undefined && Number.isFinite(ttl) ? { ttlSeconds: ttl } : {}),
      ...(expiration !== undefined && Number.isFinite(expiration) ? { expiration } : {}),
      rootUrl: ctx.rootUrl(),
    });
    if (channel === 'id_taken') return error(400, 'channelIdNotUnique', `Channel id ${body.id} not unique`);
    ctx.changed();
    const answer: calendar_v3.Schema$Channel = {
      kind: 'api#channel',
      id: channel.id,
      resourceId: channel.resourceId,
      resourceUri: channel.resourceUri,
      ...(channel.token === undefined ? {} : { token: channel.token }),
      expiration: String(channel.expiration),
    };
    return json(200, answer);
  }),
  route('POST', '/calendar/v3/channels/stop', 'channels.stop', async (ctx, request) => {
    const who = authorize(ctx, request);
    if ('status' in who) return who;
    const body = readJson(request) as calendar_v3.Schema$Channel;
    if (!body.id || !ctx.channels.stop(body.id, body.resourceId ?? undefined, who.account)) return error(404, 'notFound', `Channel '${body.id ?? ''}' not found`);
    ctx.changed();
    return { status: 204 };
  }),
  route('GET', '/calendar/v3/users/me/calendarList', undefined, async (ctx, request) => {
    const who = authorize(ctx, request);
    if ('status' in who) return who;
    return json(200, { kind: 'calendar#calendarList', etag: '"0"', items: [{ kind: 'calendar#calendarListEntry', id: who.calendarId, summary: who.calendarId, primary: true, accessRole: 'owner' }] });
  }),
];
