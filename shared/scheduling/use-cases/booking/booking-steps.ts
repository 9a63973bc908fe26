import { CalendarFailure, isCalendarFailure } from '../../domain/calendar-failure.ts';
import type { ScheduledCall } from '../../domain/scheduled-call.ts';
import type { CalendarEvent, InterviewEventDraft } from '../../ports/calendar.port.ts';
import { updateCall } from '../call-records.ts';
import type { CalendarSession } from '../calendar-session.ts';
import { bookHeldSlot, quietly, releaseSlotHold } from '../slot-holds.ts';
import type { SchedulingDeps } from '../scheduling-deps.ts';

/** The steps of a booking around its commit: the event (made or adopted), undoing it, finishing it. */

export function eventDraft(call: ScheduledCall, title: string, applicationId: string): InterviewEventDraft {
  return {
    eventId: call.calendarEventId,
    calendarId: call.calendarId,
    summary: title,
    description: 'Interview booked through Stageline. Join with the video link in this invitation.',
    start: call.start,
    end: call.end,
    timeZone: call.timeZone,
    attendees: call.attendees.map((attendee) => ({ email: attendee.email })),
    conferenceRequestId: call.id,
    privateProperties: { stagelineCallId: call.id, stagelineApplicationId: applicationId, stagelineTenantId: call.tenantId },
  };
}

function sameInstant(a: string | undefined, b: string): boolean {
  return a !== undefined && Date.parse(a) === Date.parse(b);
}

/**
 * `events.insert`; when the id is taken (an earlier attempt created it and its answer was lost),
 * the existing event is fetched, checked (ours, at the right time, not cancelled) and used,
 * moved back or restored first when it is not.
 */
export async function createOrAdoptEvent(deps: SchedulingDeps, session: CalendarSession, draft: InterviewEventDraft): Promise<CalendarEvent> {
  try {
    return await session.call((token) => deps.calendar.insertEvent(token, draft));
  } catch (error) {
    if (!isCalendarFailure(error, 'duplicate')) throw error;
  }
  const existing = await session.call((token) => deps.calendar.getEvent(token, draft.calendarId, draft.eventId));
  if (existing.privateProperties['stagelineCallId'] !== draft.privateProperties['stagelineCallId']) {
    throw new CalendarFailure('events.insert', 'forbidden', { message: `Event ${draft.eventId} exists and is not this call's.` });
  }
  if (existing.status !== 'cancelled' && sameInstant(existing.start, draft.start) && sameInstant(existing.end, draft.end)) return existing;
  return session.call((token) =>
    deps.calendar.patchEvent(token, draft.calendarId, draft.eventId, { start: draft.start, end: draft.end, timeZone: draft.timeZone, status: 'confirmed' }),
  );
}

/**
 * The stage did not take the booking: delete the event, free the slot, close the call. When
 * the event cannot be deleted now, the call stays pending and the sweeper deletes it.
 */
export async function compensate(deps: SchedulingDeps, session: CalendarSession, call: ScheduledCall): Promise<void> {
  const deleted = await quietly(async () => {
    try {
      await session.call((token) => deps.calendar.deleteEvent(token, call.calendarId, call.calendarEventId));
    } catch (error) {
      if (!isCalendarFailure(error, 'gone', 'not_found')) throw error;
    }
  });
  await quietly(() => releaseSlotHold(deps, call.tenantId, call.recruiterId, call.slotId, call.id));
  if (deleted) await quietly(() => updateCall(deps, call.tenantId, call.applicationId, call.id, (c) => (c.status === 'pending' ? { ...c, status: 'abandoned' } : undefined)));
}

/** After the commit: the call `scheduled`, the slot `booked`. Best effort: the sweeper finishes what a crash left. */
export async function finalize(deps: SchedulingDeps, call: ScheduledCall): Promise<void> {
  await quietly(() =>
    updateCall(deps, call.tenantId, call.applicationId, call.id, (current) =>
      current.status !== 'pending'
        ? undefined
        : { ...current, status: 'scheduled', ...(call.meetLink ? { meetLink: call.meetLink } : {}), ...(call.eventEtag ? { eventEtag: call.eventEtag } : {}) },
    ),
  );
  await quietly(() => bookHeldSlot(deps, call.tenantId, call.recruiterId, call.slotId, call.id));
}
