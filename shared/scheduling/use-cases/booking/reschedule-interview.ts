import type { Access } from '../../../auth/domain/permissions.ts';
import { DomainError } from '../../../platform/errors.ts';
import { invalidRequest } from '../../../platform/validation.ts';
import type { StageResponse } from '../../../stages/api/application-views.schema.ts';
import { applyStageAction, findStage } from '../../../stages/domain/application.ts';
import { isCalendarFailure, mayHaveTakenEffect, CalendarFailure } from '../../domain/calendar-failure.ts';
import { callSummary, type PendingMove, type ScheduledCall } from '../../domain/scheduled-call.ts';
import type { CalendarEvent } from '../../ports/calendar.port.ts';
import type { RescheduleBody, ScheduleResponse } from '../../api/schedule.schema.ts';
import { callView, updateCall } from '../call-records.ts';
import { calendarUnavailable, startBudget } from '../calendar-retry.ts';
import { openCalendarSession, type CalendarSession } from '../calendar-session.ts';
import { rescheduleHref } from '../scheduling-paths.ts';
import { bookHeldSlot, freeBookedSlot, holdSlotFor, quietly, releaseSlotHold } from '../slot-holds.ts';
import type { SchedulingDeps } from '../scheduling-deps.ts';

/**
 * `POST …/stages/{stageId}/reschedule { slotId, reason? }`: the recruiter approves the
 * candidate's pending request by moving the interview to another slot.
 * 1. the new slot is held first;
 * 2. the call records the move as pending;
 * 3. the same event is patched to the new time (`events.patch`, `sendUpdates=all`; a 412 re-fetches
 *    and re-applies) — never deleted and created again;
 * 4. the stage commits `approve_reschedule` (its event notifies everyone);
 * 5. the call takes the new times; the new slot is booked; only now is the old slot released.
 * A calendar failure releases the new hold and answers 502 with the request to retry; a failed
 * commit moves the event back (or leaves that to the sweeper when it cannot).
 */
export async function rescheduleInterview(deps: SchedulingDeps, access: Access, applicationId: string, stageId: string, body: RescheduleBody): Promise<ScheduleResponse> {
  const budget = startBudget(deps);
  const retry = { method: 'POST' as const, href: rescheduleHref(applicationId, stageId), body };
  const application = await deps.stages.visibleApplication(access, applicationId);
  const stage = findStage(application, stageId, access.actor);
  const callId = stage.type === 'live_interview' ? stage.data.scheduledCallId : undefined;
  const stored = callId === undefined ? undefined : await deps.calls.get(access.tenantId, applicationId, callId);
  const now = deps.clock.now();
  const placeholder = stored === undefined ? undefined : callSummary(stored.document);
  // The lifecycle decides first: a pending request, a scheduled stage, another slot.
  applyStageAction(application, stageId, 'approve_reschedule', access.actor, now, {
    slotId: body.slotId,
    ...(body.reason === undefined ? {} : { reason: body.reason }),
    call: placeholder ?? { start: now, end: now, timeZone: 'UTC', status: 'scheduled', calendarEventId: 'none0' },
  });
  if (stored === undefined || stored.document.status !== 'scheduled' || stage.type !== 'live_interview') {
    throw new DomainError('CALL.NOT_FOUND', { details: { applicationId, stageId } });
  }
  const call = stored.document;
  const slot = await deps.slots.get(access.tenantId, call.recruiterId, body.slotId);
  if (slot === undefined) throw new DomainError('SLOT.NOT_FOUND', { details: { slotId: body.slotId } });
  if (Date.parse(slot.document.start) <= Date.parse(now)) throw new DomainError('SLOT.IN_PAST', { details: { slotId: body.slotId } });
  const end = new Date(Date.parse(slot.document.start) + stage.data.durationMinutes * 60_000).toISOString();
  if (Date.parse(end) > Date.parse(slot.document.end)) {
    throw invalidRequest([{ path: 'slotId', message: `The slot is shorter than the interview (${stage.data.durationMinutes} minutes).`, code: 'slot_too_short' }]);
  }
  const move: PendingMove = { slotId: body.slotId, start: slot.document.start, end, timeZone: slot.document.timeZone, since: now };

  const session = await openCalendarSession(deps, budget, access.tenantId, call.recruiterId);
  await holdSlotFor(deps, { tenantId: access.tenantId, recruiterId: call.recruiterId, slotId: body.slotId, callId: call.id, purpose: 'reschedule', applicationId, stageId, heldBy: access.actor });
  const moving = await updateCall(deps, access.tenantId, applicationId, call.id, (current) => ({ ...current, pendingMove: move }));

  let event: CalendarEvent;
  try {
    event = await moveEvent(deps, session, moving?.document ?? call, move);
  } catch (error) {
    await quietly(() => releaseSlotHold(deps, access.tenantId, call.recruiterId, body.slotId, call.id));
    if (!(error instanceof CalendarFailure)) throw error;
    if (!mayHaveTakenEffect(error)) await quietly(() => clearPendingMove(deps, call));
    throw calendarUnavailable(error, retry);
  }

  const moved: ScheduledCall = { ...call, slotId: move.slotId, start: move.start, end: move.end, timeZone: move.timeZone, ...(event.etag ? { eventEtag: event.etag } : {}), ...(event.meetLink ? { meetLink: event.meetLink } : {}) };
  let response: StageResponse;
  try {
    response = await deps.stages.applyOwnedAction(access, applicationId, stageId, 'approve_reschedule', {
      slotId: body.slotId,
      ...(body.reason === undefined ? {} : { reason: body.reason }),
      call: callSummary(moved),
    });
  } catch (error) {
    const committed = await deps.stages
      .visibleApplication(access, applicationId)
      .then((current) => current.stages.some((s) => s.id === stageId && s.type === 'live_interview' && s.data.slotId === body.slotId))
      .catch(() => undefined);
    if (committed === true) {
      await finalizeMove(deps, call, moved);
      throw error;
    }
    if (committed === false) {
      // Put the event back where the stage says the interview is.
      const restored = await quietly(() => moveEvent(deps, session, call, { start: call.start, end: call.end, timeZone: call.timeZone }));
      await quietly(() => releaseSlotHold(deps, access.tenantId, call.recruiterId, body.slotId, call.id));
      if (restored) await quietly(() => clearPendingMove(deps, call));
    }
    throw error;
  }
  await finalizeMove(deps, call, moved);
  return { ...response, call: callView({ ...moved, status: 'scheduled' }, access.actor.role) };
}

/**
 * Patches the event to the move's times. With the etag the call last saw, so an edit made in
 * Google meanwhile is not overwritten blindly: a 412 re-fetches the event and applies the move
 * again on its current version (an event already there needs nothing).
 */
export async function moveEvent(deps: SchedulingDeps, session: CalendarSession, call: ScheduledCall, move: Pick<PendingMove, 'start' | 'end' | 'timeZone'>): Promise<CalendarEvent> {
  let etag = call.eventEtag;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      return await session.call((token) => deps.calendar.patchEvent(token, call.calendarId, call.calendarEventId, { start: move.start, end: move.end, timeZone: move.timeZone }, etag));
    } catch (error) {
      if (!isCalendarFailure(error, 'precondition_failed')) throw error;
      const current = await session.call((token) => deps.calendar.getEvent(token, call.calendarId, call.calendarEventId));
      if (current.status !== 'cancelled' && current.start !== undefined && Date.parse(current.start) === Date.parse(move.start) && current.end !== undefined && Date.parse(current.end) === Date.parse(move.end)) return current;
      etag = current.etag;
    }
  }
  throw new CalendarFailure('events.patch', 'precondition_failed', { message: 'The event kept changing while it was being moved.' });
}

async function clearPendingMove(deps: SchedulingDeps, call: ScheduledCall): Promise<void> {
  await updateCall(deps, call.tenantId, call.applicationId, call.id, (current) => {
    if (current.pendingMove === undefined) return undefined;
    const { pendingMove: _move, ...rest } = current;
    return rest;
  });
}

/** The committed move: the call takes its new times and slot; the new slot is booked, then the old one freed. */
export async function finalizeMove(deps: SchedulingDeps, before: Pick<ScheduledCall, 'slotId'>, moved: ScheduledCall): Promise<void> {
  await quietly(() =>
    updateCall(deps, moved.tenantId, moved.applicationId, moved.id, (current) => {
      const { pendingMove: _move, ...rest } = current;
      return { ...rest, slotId: moved.slotId, start: moved.start, end: moved.end, timeZone: moved.timeZone, ...(moved.eventEtag ? { eventEtag: moved.eventEtag } : {}), ...(moved.meetLink ? { meetLink: moved.meetLink } : {}) };
    }),
  );
  await quietly(() => bookHeldSlot(deps, moved.tenantId, moved.recruiterId, moved.slotId, moved.id));
  if (before.slotId !== moved.slotId) await quietly(() => freeBookedSlot(deps, moved.tenantId, moved.recruiterId, before.slotId, moved.id));
}
