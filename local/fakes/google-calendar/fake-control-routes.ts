import type { calendar_v3 } from '@googleapis/calendar';
import { readJson } from './fake-http.ts';
import { parseFault } from './fake-faults.ts';
import { json, route, type FakeContext, type FakeRoute } from './fake-context.ts';

/** What `GET /_fake/events` lists per event. */
export interface FakeEventView {
  readonly calendarId: string;
  readonly id: string;
  readonly status: string;
  readonly summary?: string;
  readonly start: calendar_v3.Schema$EventDateTime | undefined;
  readonly end: calendar_v3.Schema$EventDateTime | undefined;
  readonly attendees: calendar_v3.Schema$EventAttendee[];
  readonly conferenceData?: calendar_v3.Schema$ConferenceData;
  readonly extendedProperties?: calendar_v3.Schema$Event['extendedProperties'];
  readonly etag?: string;
  readonly sequence?: number;
  readonly updated?: string;
}

function view(calendarId: string, event: calendar_v3.Schema$Event): FakeEventView {
  return {
    calendarId,
    id: event.id!,
    status: event.status ?? 'confirmed',
    ...(event.summary ? { summary: event.summary } : {}),
    start: event.start ?? undefined,
    end: event.end ?? undefined,
    attendees: event.attendees ?? [],
    ...(event.conferenceData ? { conferenceData: event.conferenceData } : {}),
    ...(event.extendedProperties ? { extendedProperties: event.extendedProperties } : {}),
    ...(event.etag ? { etag: event.etag } : {}),
    ...(typeof event.sequence === 'number' ? { sequence: event.sequence } : {}),
    ...(event.updated ? { updated: event.updated } : {}),
  };
}

/** A change "the user made in Google": the event changes and the calendar's channels are told. */
function userChange(ctx: FakeContext, calendarId: string, eventId: string, change: (event: calendar_v3.Schema$Event) => calendar_v3.Schema$Event) {
  const current = ctx.calendars.get(calendarId, eventId);
  if (current === undefined) return json(404, { error: `No event ${eventId} in ${calendarId}` });
  const stored = ctx.calendars.put(calendarId, change({ ...current, sequence: (current.sequence ?? 0) + 1 }));
  ctx.channels.changed(calendarId);
  ctx.changed();
  return json(200, view(calendarId, stored));
}

/**
 * The control API, for tests and for people trying the system by hand (never faulted):
 * - `GET /_fake/events`: every event of every calendar;
 * - `POST /_fake/faults`, `GET /_fake/faults`, `DELETE /_fake/faults`;
 * - `POST /_fake/calendars/{calendarId}/events/{eventId}/cancel` and `…/move { start, end }`:
 *   as if the user did it in Google (pushed to the watch channels);
 * - `GET /_fake/requests`: every API request with its status (`dropped` for a cut answer);
 * - `GET /_fake/channels`, `GET /_fake/notifications`: channels and push deliveries;
 * - `POST /_fake/tokens/expire`: every access token stops working (clients must refresh);
 * - `POST /_fake/accounts/{account}/revoke`: every refresh token of the account is refused
 *   from now on (`invalid_grant`), as if the user removed the app's access;
 * - `POST /_fake/sync-tokens/expire`: every sync token issued so far answers 410;
 * - `POST /_fake/clients { clientId, clientSecret, redirectUris }`: registers an OAuth client.
 */
export const controlRoutes: FakeRoute[] = [
  route('GET', '/_fake/events', undefined, async (ctx) => json(200, { events: ctx.calendars.all().map(({ calendarId, event }) => view(calendarId, event)) })),
  route('POST', '/_fake/faults', undefined, async (ctx, request) => {
    const parsed = parseFault(readJson(request));
    return typeof parsed === 'string' ? json(400, { error: `Invalid fault: ${parsed}` }) : json(201, ctx.faults.inject(parsed));
  }),
  route('GET', '/_fake/faults', undefined, async (ctx) => json(200, { faults: ctx.faults.list() })),
  route('DELETE', '/_fake/faults', undefined, async (ctx) => {
    ctx.faults.clear();
    return { status: 204 };
  }),
  route('POST', '/_fake/calendars/{calendarId}/events/{eventId}/cancel', undefined, async (ctx, { params }) =>
    userChange(ctx, decodeURIComponent(params['calendarId']!), decodeURIComponent(params['eventId']!), (event) => ({ ...event, status: 'cancelled' })),
  ),
  route('POST', '/_fake/calendars/{calendarId}/events/{eventId}/move', undefined, async (ctx, request) => {
    const { params } = request;
    const body = readJson(request) as { start?: unknown; end?: unknown };
    if (typeof body.start !== 'string' || typeof body.end !== 'string' || Number.isNaN(Date.parse(body.start)) || Number.isNaN(Date.parse(body.end))) {
      return json(400, { error: 'start and end: ISO date-times' });
    }
    const start = body.start;
    const end = body.end;
    return userChange(ctx, decodeURIComponent(params['calendarId']!), decodeURIComponent(params['eventId']!), (event) => ({
      ...event,
      start: { dateTime: start, ...(event.start?.timeZone ? { timeZone: event.start.timeZone } : {}) },
      end: { dateTime: end, ...(event.end?.timeZone ? { timeZone: event.end.timeZone } : {}) },
    }));
  }),
  route('GET', '/_fake/requests', undefined, async (ctx) => json(200, { requests: ctx.requests })),
  route('GET', '/_fake/channels', undefined, async (ctx) => json(200, { channels: ctx.channels.list() })),
  route('GET', '/_fake/notifications', undefined, async (ctx) => {
    await ctx.channels.settled();
    return json(200, { deliveries: ctx.channels.deliveries });
  }),
  route('POST', '/_fake/tokens/expire', undefined, async (ctx) => json(200, { expired: ctx.oauth.expireAccessTokens() })),
  route('POST', '/_fake/accounts/{account}/revoke', undefined, async (ctx, { params }) => {
    const revoked = ctx.oauth.revokeAccount(decodeURIComponent(params['account']!));
    ctx.changed();
    return json(200, { revoked });
  }),
  route('POST', '/_fake/sync-tokens/expire', undefined, async (ctx) => {
    ctx.calendars.expireSyncTokens();
    ctx.changed();
    return { status: 204 };
  }),
  route('POST', '/_fake/clients', undefined, async (ctx, request) => {
    const body = readJson(request) as { clientId?: unknown; clientSecret?: unknown; redirectUris?: unknown };
    if (typeof body.clientId !== 'string' || typeof body.clientSecret !== 'string' || !Array.isArray(body.redirectUris)) return json(400, { error: 'clientId, clientSecret, redirectUris[]' });
    ctx.oauth.registerClient({ clientId: body.clientId, clientSecret: body.clientSecret, redirectUris: body.redirectUris.map(String) });
    ctx.changed();
    return json(201, { clientId: body.clientId });
  }),
];
