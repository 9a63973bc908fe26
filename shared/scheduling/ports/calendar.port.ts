/**
 * What the scheduling capability needs from a calendar service, in its own words: interviews
 * (events with attendees and a video link), their changes, push channels. No vendor type
 * crosses this port; failures are `CalendarFailure`s (`domain/calendar-failure.ts`).
 * `accessToken` is the recruiter's current OAuth access token (see `CalendarAuthorization`).
 */
export interface InterviewAttendee {
  readonly email: string;
}

/** The event of one interview as Stageline wants it to be. */
export interface InterviewEventDraft {
  /** Client-supplied event id (derived from the call id). */
  readonly eventId: string;
  readonly calendarId: string;
  readonly summary: string;
  readonly description: string;
  readonly start: string;
  readonly end: string;
  readonly timeZone: string;
  readonly attendees: readonly InterviewAttendee[];
  /** Asks for a video conference (Google Meet); the same id never makes two. */
  readonly conferenceRequestId?: string;
  /** Private key/values kept on the event: how sync finds the call again. */
  readonly privateProperties: Readonly<Record<string, string>>;
}

export type CalendarEventStatus = 'confirmed' | 'tentative' | 'cancelled';

/** An event as the calendar holds it now. */
export interface CalendarEvent {
  readonly eventId: string;
  readonly status: CalendarEventStatus;
  readonly start?: string;
  readonly end?: string;
  readonly meetLink?: string;
  readonly etag?: string;
  readonly attendeeEmails: readonly string[];
  readonly privateProperties: Readonly<Record<string, string>>;
}

export interface EventChange {
  readonly start?: string;
  readonly end?: string;
  readonly timeZone?: string;
  /** `confirmed` brings back a deleted (cancelled) event. */
  readonly status?: 'confirmed';
}

export interface ChangesPage {
  readonly events: readonly CalendarEvent[];
  readonly nextPageToken?: string;
  /** On the last page: the token the next incremental sync starts from. */
  readonly nextSyncToken?: string;
  /** The calendar's title (for a primary calendar, the account's email address). */
  readonly calendarSummary?: string;
}

export interface ChannelRequest {
  readonly id: string;
  readonly token: string;
  readonly address: string;
  /** ISO instant the channel should stop (Google may stop it sooner). */
  readonly expiresAt: string;
}

export interface WatchedChannel {
  readonly resourceId: string;
  /** ISO instant the channel stops. */
  readonly expiration: string;
}

export interface CalendarPort {
  /** `duplicate` when an event with this id exists (even deleted). Invites go to every attendee. */
  insertEvent(accessToken: string, draft: InterviewEventDraft): Promise<CalendarEvent>;
  getEvent(accessToken: string, calendarId: string, eventId: string): Promise<CalendarEvent>;
  /** Moves (or restores) an event, notifying attendees. With `etag`, only if it is unchanged (`precondition_failed`). */
  patchEvent(accessToken: string, calendarId: string, eventId: string, change: EventChange, etag?: string): Promise<CalendarEvent>;
  /** Cancels an event, notifying attendees. `gone` / `not_found` when it is already. */
  deleteEvent(accessToken: string, calendarId: string, eventId: string): Promise<void>;
  /** One page of changes since `syncToken` (deleted events included); without it, every event. `sync_token_expired` when too old. */
  listChanges(accessToken: string, calendarId: string, syncToken: string | undefined, pageToken?: string): Promise<ChangesPage>;
  watch(accessToken: string, calendarId: string, channel: ChannelRequest): Promise<WatchedChannel>;
  stopChannel(accessToken: string, channelId: string, resourceId: string): Promise<void>;
}
