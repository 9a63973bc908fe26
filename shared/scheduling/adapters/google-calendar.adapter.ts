import { calendar, type calendar_v3 } from '@googleapis/calendar';
import { recordCalendarCall } from '../calendar-metrics.ts';
import { CalendarFailure, type CalendarFailureKind } from '../domain/calendar-failure.ts';
import type {
  CalendarEvent, CalendarEventStatus, CalendarPort, ChangesPage, ChannelRequest, EventChange, InterviewEventDraft, WatchedChannel,
} from '../ports/calendar.port.ts';

export interface GoogleCalendarConfig {
  /** `https://www.googleapis.com/` in Azure; the loopback fake locally. */
  readonly rootUrl: string;
  /** One request gives up after this long (`timeout`). */
  readonly timeoutMs: number;
}

/**
 * Google Calendar API v3 behind the `CalendarPort`, with the official client
 * (`@googleapis/calendar`). The only place `calendar_v3.Schema$Event` appears. Every request
 * carries the recruiter's access token, no client-side retry (the use cases retry with their own
 * budget), `sendUpdates=all` on writes, and is counted (`stageline.calendar.calls`/`latency`).
 * Google's statuses and `errors[].reason` become `CalendarFailure` kinds.
 */
export class GoogleCalendarAdapter implements CalendarPort {
  readonly #api: calendar_v3.Calendar;
  readonly #timeoutMs: number;

  constructor(config: GoogleCalendarConfig) {
    this.#api = calendar({ version: 'v3', rootUrl: config.rootUrl });
    this.#timeoutMs = config.timeoutMs;
  }

  async insertEvent(accessToken: string, draft: InterviewEventDraft): Promise<CalendarEvent> {
    const requestBody: calendar_v3.Schema$Event = {
      id: draft.eventId,
      summary: draft.summary,
      description: draft.description,
      start: { dateTime: draft.start, timeZone: draft.timeZone },
      end: { dateTime: draft.end, timeZone: draft.timeZone },
      attendees: draft.attendees.map((attendee) => ({ email: attendee.email })),
      extendedProperties: { private: { ...draft.privateProperties } },
      guestsCanModify: false,
      reminders: { useDefault: true },
      ...(draft.conferenceRequestId === undefined
        ? {}
        : { conferenceData: { createRequest: { requestId: draft.conferenceRequestId, conferenceSolutionKey: { type: 'hangoutsMeet' } } } }),
    };
    const response = await this.#call('events.insert', () =>
      this.#api.events.insert(
        { calendarId: draft.calendarId, sendUpdates: 'all', conferenceDataVersion: 1, requestBody },
        this.#options(accessToken),
      ),
    );
    return toCalendarEvent(response.data);
  }

  async getEvent(accessToken: string, calendarId: string, eventId: string): Promise<CalendarEvent> {
    const response = await this.#call('events.get', () => this.#api.events.get({ calendarId, eventId }, this.#options(accessToken)));
    return toCalendarEvent(response.data);
  }

  async patchEvent(accessToken: string, calendarId: string, eventId: string, change: EventChange, etag?: string): Promise<CalendarEvent> {
    const requestBody: calendar_v3.Schema$Event = {
      ...(change.start === undefined ? {} : { start: { dateTime: change.start, ...(change.timeZone ? { timeZone: change.timeZone } : {}) } }),
      ...(change.end === undefined ? {} : { end: { dateTime: change.end, ...(change.timeZone ? { timeZone: change.timeZone } : {}) } }),
      ...(change.status === undefined ? {} : { status: change.status }),
    };
    const response = await this.#call('events.patch', () =>
      this.#api.events.patch(
        { calendarId, eventId, sendUpdates: 'all', conferenceDataVersion: 1, requestBody },
        this.#options(accessToken, etag === undefined ? {} : { 'If-Match': etag }),
      ),
    );
    return toCalendarEvent(response.data);
  }

  async deleteEvent(accessToken: string, calendarId: string, eventId: string): Promise<void> {
    await this.#call('events.delete', () => this.#api.events.delete({ calendarId, eventId, sendUpdates: 'all' }, this.#options(accessToken)));
  }

  async listChanges(accessToken: string, calendarId: string, syncToken: string | undefined, pageToken?: string): Promise<ChangesPage> {
    const response = await this.#call('events.list', () =>
      this.#api.events.list(
        {
          calendarId,
          showDeleted: true,
          maxResults: 250,
          ...(syncToken === undefined ? {} : { syncToken }),
          ...(pageToken === undefined ? {} : { pageToken }),
        },
        this.#options(accessToken),
      ),
    );
    const data = response.data;
    return {
      events: (data.items ?? []).map(toCalendarEvent),
      ...(data.nextPageToken ? { nextPageToken: data.nextPageToken } : {}),
      ...(data.nextSyncToken ? { nextSyncToken: data.nextSyncToken } : {}),
      ...(data.summary ? { calendarSummary: data.summary } : {}),
    };
  }

  async watch(accessToken: string, calendarId: string, channel: ChannelRequest): Promise<WatchedChannel> {
    const requestBody: calendar_v3.Schema$Channel = {
      id: channel.id,
      type: 'web_hook',
      address: channel.address,
      token: channel.token,
      expiration: String(Date.parse(channel.expiresAt)),
    };
    const response = await this.#call('events.watch', () => this.#api.events.watch({ calendarId, requestBody }, this.#options(accessToken)));
    const { resourceId, expiration } = response.data;
    if (!resourceId) throw new CalendarFailure('events.watch', 'server_error', { message: 'events.watch answered without a resourceId' });
    return { resourceId, expiration: expiration ? new Date(Number(expiration)).toISOString() : channel.expiresAt };
  }

  async stopChannel(accessToken: string, channelId: string, resourceId: string): Promise<void> {
    await this.#call('channels.stop', () => this.#api.channels.stop({ requestBody: { id: channelId, resourceId } }, this.#options(accessToken)));
  }

  #options(accessToken: string, headers: Record<string, string> = {}) {
    return { headers: { Authorization: `Bearer ${accessToken}`, ...headers }, retry: false, timeout: this.#timeoutMs };
  }

  async #call<R>(operation: string, run: () => Promise<R>): Promise<R> {
    const started = performance.now();
    try {
      const result = await run();
      recordCalendarCall(operation, 'success', performance.now() - started);
      return result;
    } catch (error) {
      const failure = toCalendarFailure(operation, error);
      recordCalendarCall(operation, failure.kind, performance.now() - started);
      throw failure;
    }
  }
}

function toCalendarEvent(event: calendar_v3.Schema$Event): CalendarEvent {
  const video = event.conferenceData?.entryPoints?.find((entry) => entry.entryPointType === 'video')?.uri ?? event.hangoutLink ?? undefined;
  const status: CalendarEventStatus = event.status === 'cancelled' ? 'cancelled' : event.status === 'tentative' ? 'tentative' : 'confirmed';
  const start = event.start?.dateTime ?? undefined;
  const end = event.end?.dateTime ?? undefined;
  return {
    eventId: event.id ?? '',
    status,
    ...(start ? { start: new Date(start).toISOString() } : {}),
    ...(end ? { end: new Date(end).toISOString() } : {}),
    ...(video ? { meetLink: video } : {}),
    ...(event.etag ? { etag: event.etag } : {}),
    attendeeEmails: (event.attendees ?? []).map((attendee) => attendee.email ?? '').filter((email) => email !== ''),
    privateProperties: { ...(event.extendedProperties?.private ?? {}) },
  };
}

interface GaxiosLikeError {
  readonly status?: number;
  readonly code?: unknown;
  readonly response?: { readonly status?: number; readonly data?: unknown };
}

/** Google's error body: `{ error: { code, message, errors: [{ domain, reason, message }], status } }`. */
function reasonOf(data: unknown): string | undefined {
  const error = (data as { error?: { errors?: Array<{ reason?: unknown }> } } | undefined)?.error;
  const reason = error?.errors?.[0]?.reason;
  return typeof reason === 'string' ? reason : undefined;
}

export function toCalendarFailure(operation: string, error: unknown): CalendarFailure {
  if (error instanceof CalendarFailure) return error;
  const failure = (error ?? {}) as GaxiosLikeError;
  const status = failure.response?.status ?? failure.status;
  if (status === undefined) {
    const kind: CalendarFailureKind = failure.code === 'TimeoutError' ? 'timeout' : 'connection_lost';
    return new CalendarFailure(operation, kind, { cause: error });
  }
  const reason = reasonOf(failure.response?.data);
  return new CalendarFailure(operation, kindOf(status, reason), { status, ...(reason ? { reason } : {}), cause: error });
}

function kindOf(status: number, reason: string | undefined): CalendarFailureKind {
  if (status === 429) return 'rate_limited';
  if (status === 403) {
    if (reason === 'rateLimitExceeded' || reason === 'userRateLimitExceeded') return 'rate_limited';
    if (reason === 'quotaExceeded' || reason === 'dailyLimitExceeded') return 'quota_exceeded';
    return 'forbidden';
  }
  if (status === 401) return 'unauthorized';
  if (status === 404) return 'not_found';
  if (status === 409) return 'duplicate';
  if (status === 410) return reason === 'fullSyncRequired' || reason === 'updatedMinTooLongAgo' ? 'sync_token_expired' : 'gone';
  if (status === 412) return 'precondition_failed';
  if (status >= 500) return 'server_error';
  if (status === 408) return 'timeout';
  return 'invalid_request';
}
