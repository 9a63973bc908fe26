import type { Access } from '../../../auth/domain/permissions.ts';
import type { RetryAction } from '../../../platform/errors.ts';
import { DomainError } from '../../../platform/errors.ts';
import { invalidRequest } from '../../../platform/validation.ts';
import { stageViewFor } from '../../../stages/api/application-views.ts';
import type { StageResponse } from '../../../stages/api/application-views.schema.ts';
import { addStage, applyStageAction, type AggregateResult, type ApplicationDocument } from '../../../stages/domain/application.ts';
import type { CreateStageBody } from '../../../stages/domain/create-stage.schema.ts';
import type { LiveInterviewCall } from '../../../stages/domain/types/live-interview.schema.ts';
import type { Stage } from '../../../stages/domain/stage.model.ts';
import { calendarEventIdFor, callIdFor, stageIdForNewInterview } from '../../domain/call-identity.ts';
import { CalendarFailure, mayHaveTakenEffect } from '../../domain/calendar-failure.ts';
import { callSummary, type Attendee, type ScheduledCall } from '../../domain/scheduled-call.ts';
import type { Slot } from '../../domain/slot.ts';
import type { CalendarEvent } from '../../ports/calendar.port.ts';
import type { CallView } from '../../api/schedule.schema.ts';
import { callView, updateCall } from '../call-records.ts';
import { calendarUnavailable, startBudget } from '../calendar-retry.ts';
import { openCalendarSession, type CalendarSession } from '../calendar-session.ts';
import { holdSlotFor, quietly, releaseSlotHold } from '../slot-holds.ts';
import { compensate, createOrAdoptEvent, eventDraft, finalize } from './booking-steps.ts';
import type { SchedulingDeps } from '../scheduling-deps.ts';

/** What to book: an existing live interview, or a new one created with the booking. */
export type BookingTarget = {
  readonly access: Access;
  readonly applicationId: string;
  readonly slotId: string;
  /** The request that retries this one, for `CALENDAR.UNAVAILABLE`. */
  readonly retry: RetryAction;
} & ({ readonly stageId: string } | { readonly newStage: Extract<CreateStageBody, { type: 'live_interview' }> });

export interface BookingResult {
  readonly stage: StageResponse;
  readonly call: CallView;
}

interface StagePlan {
  readonly stageId: string;
  readonly recruiterId: string;
  readonly durationMinutes: number;
  readonly interviewerIds: readonly string[];
  readonly title: string;
  /** The pure stage change that commits the booking (a schedule, or a new stage plus its schedule). */
  change(application: ApplicationDocument, now: string, call: LiveInterviewCall): AggregateResult;
}

/**
 * Books a slot for a live interview, as the seed's "scheduleInterview invokes createEvent":
 * 1. check the stage could take the booking (the pure change, run dry) and the recruiter's
 *    calendar connection;
 * 2. hold the slot (conditional replace: one of two racing candidates wins);
 * 3. record the call as `pending` (the sweeper finds it if this request dies);
 * 4. `events.insert` with the event id derived from the call id, attendees, Meet link
 *    (a `duplicate` from an earlier attempt is fetched, checked and used);
 * 5. one conditional replace of the application: the call reference, status `scheduled`, the
 *    outbox event;
 * 6. the call `scheduled`, the slot `booked`.
 * A calendar failure releases the hold and answers 502 `CALENDAR.UNAVAILABLE` with the request
 * to retry; a failed commit deletes the event (compensation) — or, when it cannot tell whether
 * the commit happened, leaves the call pending for the sweeper, which adopts or deletes it.
 */
export async function bookInterview(deps: SchedulingDeps, target: BookingTarget): Promise<BookingResult> {
  const budget = startBudget(deps);
  const { access, applicationId, slotId } = target;
  const application = await deps.stages.visibleApplication(access, applicationId);
  const recruiterId = 'stageId' in target ? recruiterOfStage(application, target.stageId, access) : target.newStage.data.recruiterId;
  const slot = await deps.slots.get(access.tenantId, recruiterId, slotId);
  if (slot === undefined) throw new DomainError('SLOT.NOT_FOUND', { details: { slotId } });
  const callId = callIdFor({
    tenantId: access.tenantId,
    applicationId,
    ...('stageId' in target ? { stageId: target.stageId } : {}),
    slotId,
    slotGeneration: slot.document.generation,
  });
  const plan = planStage(target, callId, application, access);

  const done = await alreadyBooked(deps, access, application, plan.stageId, callId);
  if (done !== undefined) return done;

  const now = deps.clock.now();
  const { start, end } = interviewWindow(slot.document, plan.durationMinutes, now);
  // Fails now, before anything is held or created, if the stage cannot take this booking.
  plan.change(application, now, { start, end, timeZone: slot.document.timeZone, status: 'scheduled', calendarEventId: calendarEventIdFor(callId) });

  const session = await openCalendarSession(deps, budget, access.tenantId, recruiterId);
  const held = await holdSlotFor(deps, { tenantId: access.tenantId, recruiterId, slotId, callId, purpose: 'schedule', applicationId, stageId: plan.stageId, heldBy: access.actor });
  if (held.kind === 'booked_by_call') {
    const booked = await alreadyBooked(deps, access, await deps.stages.visibleApplication(access, applicationId), plan.stageId, callId);
    if (booked !== undefined) return booked;
  }

  let call: ScheduledCall;
  try {
    call = await recordPendingCall(deps, access, application, plan, session, slot.document, callId, { start, end });
  } catch (error) {
    await quietly(() => releaseSlotHold(deps, access.tenantId, recruiterId, slotId, callId));
    throw error;
  }

  let event: CalendarEvent;
  try {
    event = await createOrAdoptEvent(deps, session, eventDraft(call, plan.title, applicationId));
  } catch (error) {
    await quietly(() => releaseSlotHold(deps, access.tenantId, recruiterId, slotId, callId));
    if (!(error instanceof CalendarFailure)) throw error;
    // Refused outright (nothing was created): the call is over. Otherwise it stays pending: a
    // retry adopts the event, or the sweeper deletes it.
    if (!mayHaveTakenEffect(error)) await quietly(() => updateCall(deps, access.tenantId, applicationId, callId, (c) => (c.status === 'pending' ? { ...c, status: 'abandoned' } : undefined)));
    throw calendarUnavailable(error, target.retry);
  }

  const scheduled: ScheduledCall = { ...call, ...(event.meetLink ? { meetLink: event.meetLink } : {}), ...(event.etag ? { eventEtag: event.etag } : {}) };
  let stage: StageResponse;
  try {
    stage = await commit(deps, access, applicationId, plan, callSummary(scheduled));
  } catch (error) {
    const committed = await alreadyBooked(deps, access, undefined, plan.stageId, callId, applicationId).catch(() => 'unknown' as const);
    if (committed !== undefined && committed !== 'unknown') return committed;
    if (committed === undefined) await compensate(deps, session, scheduled);
    throw error;
  }
  await finalize(deps, scheduled);
  return { stage, call: callView({ ...scheduled, status: 'scheduled' }, access.actor.role) };
}

function recruiterOfStage(application: ApplicationDocument, stageId: string, access: Access): string {
  const stage = application.stages.find((candidate) => candidate.id === stageId);
  if (stage === undefined || (access.actor.role === 'candidate' && !stage.visibleToCandidate)) {
    throw new DomainError('STAGE.NOT_FOUND', { details: { applicationId: application.id, stageId } });
  }
  if (stage.type !== 'live_interview') {
    throw new DomainError('STAGE.TRANSITION_NOT_ALLOWED', { message: `A ${stage.type} stage has no interview to schedule.`, details: { stageId, stageType: stage.type, action: 'schedule', reason: 'unknown_action_for_type', allowedActions: [] } });
  }
  if (stage.data.recruiterId === undefined) throw new DomainError('SLOT.NOT_FOUND', { message: 'This interview names no recruiter whose slots could be booked.', details: { stageId } });
  return stage.data.recruiterId;
}

function planStage(target: BookingTarget, callId: string, application: ApplicationDocument, access: Access): StagePlan {
  const schedule = (call: LiveInterviewCall) => ({ slotId: target.slotId, scheduledCallId: callId, call });
  if ('stageId' in target) {
    const stage = application.stages.find((candidate) => candidate.id === target.stageId) as Extract<Stage, { type: 'live_interview' }>;
    return {
      stageId: stage.id,
      recruiterId: stage.data.recruiterId!,
      durationMinutes: stage.data.durationMinutes,
      interviewerIds: stage.data.interviewerIds,
      title: stage.title,
      change: (current, now, call) => applyStageAction(current, stage.id, 'schedule', access.actor, now, schedule(call)),
    };
  }
  const body = target.newStage;
  const stageId = stageIdForNewInterview(callId);
  return {
    stageId,
    recruiterId: body.data.recruiterId,
    durationMinutes: body.data.durationMinutes ?? 60,
    interviewerIds: body.data.interviewerIds ?? [],
    title: body.title ?? 'Live interview',
    change: (current, now, call) => {
      // A concurrent twin of this request committed first: its booking is ours.
      if (current.stages.some((existing) => existing.id === stageId)) {
        throw new DomainError('STAGE.TRANSITION_NOT_ALLOWED', { details: { stageId, action: 'schedule', reason: 'already_created', allowedActions: [] } });
      }
      const added = addStage(current, body, access.actor, now, stageId);
      const scheduled = applyStageAction(added.application, stageId, 'schedule', access.actor, now, schedule(call));
      return { ...scheduled, events: [...added.events, ...scheduled.events] };
    },
  };
}

/** The interview runs from the slot's start for the stage's duration; the slot must be long enough and not yet started. */
function interviewWindow(slot: Slot, durationMinutes: number, now: string): { start: string; end: string } {
  if (Date.parse(slot.start) <= Date.parse(now)) throw new DomainError('SLOT.IN_PAST', { details: { slotId: slot.id, start: slot.start } });
  const end = new Date(Date.parse(slot.start) + durationMinutes * 60_000).toISOString();
  if (Date.parse(end) > Date.parse(slot.end)) {
    throw invalidRequest([{ path: 'slotId', message: `The slot is shorter than the interview (${durationMinutes} minutes).`, code: 'slot_too_short' }]);
  }
  return { start: slot.start, end };
}

/** The booking committed earlier (a retry after a lost answer): the stage references this call. */
async function alreadyBooked(
  deps: SchedulingDeps,
  access: Access,
  known: ApplicationDocument | undefined,
  stageId: string,
  callId: string,
  applicationId?: string,
): Promise<BookingResult | undefined> {
  const application = known ?? (await deps.stages.visibleApplication(access, applicationId!));
  const stage = application.stages.find((candidate) => candidate.id === stageId);
  if (stage?.type !== 'live_interview' || stage.data.scheduledCallId !== callId) return undefined;
  const stored = await deps.calls.get(access.tenantId, application.id, callId);
  if (stored === undefined) return undefined;
  await finalize(deps, stored.document);
  const call = stored.document.status === 'pending' ? { ...stored.document, status: 'scheduled' as const } : stored.document;
  return {
    stage: { applicationId: application.id, model: 'stages', stage: stageViewFor(application, stage, access.actor, deps.clock.now()) },
    call: callView(call, access.actor.role),
  };
}

async function attendeesOf(deps: SchedulingDeps, tenantId: string, application: ApplicationDocument, interviewerIds: readonly string[]): Promise<Attendee[]> {
  const people: Array<{ id: string; role: Attendee['role'] }> = [{ id: application.candidateId, role: 'candidate' }, ...interviewerIds.map((id) => ({ id, role: 'interviewer' as const }))];
  const attendees: Attendee[] = [];
  for (const person of people) {
    const email = await deps.directory.emailOf(tenantId, person.id);
    if (email !== undefined && !attendees.some((attendee) => attendee.email === email)) attendees.push({ email, role: person.role });
  }
  return attendees;
}

/** The call as `pending`: created, or an earlier attempt's record taken over. */
async function recordPendingCall(
  deps: SchedulingDeps,
  access: Access,
  application: ApplicationDocument,
  plan: StagePlan,
  session: CalendarSession,
  slot: Slot,
  callId: string,
  window: { start: string; end: string },
): Promise<ScheduledCall> {
  const now = deps.clock.now();
  const call: ScheduledCall = {
    id: callId,
    kind: 'call',
    tenantId: access.tenantId,
    applicationId: application.id,
    stageId: plan.stageId,
    recruiterId: plan.recruiterId,
    slotId: slot.id,
    calendarId: session.calendarId,
    calendarEventId: calendarEventIdFor(callId),
    attendees: await attendeesOf(deps, access.tenantId, application, plan.interviewerIds),
    start: window.start,
    end: window.end,
    timeZone: slot.timeZone,
    status: 'pending',
    createdBy: access.actor,
    createdAt: now,
    updatedAt: now,
  };
  const created = await deps.calls.create(call);
  if (created !== 'exists') return created.document;
  const updated = await updateCall(deps, access.tenantId, application.id, callId, (existing) =>
    existing.status === 'pending' ? undefined : { ...call, createdAt: existing.createdAt, ...(existing.meetLink ? { meetLink: existing.meetLink } : {}) },
  );
  return updated?.document ?? call;
}

async function commit(deps: SchedulingDeps, access: Access, applicationId: string, plan: StagePlan, call: LiveInterviewCall): Promise<StageResponse> {
  const result = await deps.stages.mutate(access, applicationId, (application, now) => plan.change(application, now, call));
  return { applicationId, model: 'stages', stage: stageViewFor(result.application, result.stage, access.actor, deps.clock.now()) };
}

