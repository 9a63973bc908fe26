import { DomainError } from '../../../platform/errors.ts';
import type { ApplicationDocument } from '../../../stages/domain/application.ts';
import type { Stage } from '../../../stages/domain/stage.model.ts';
import { isCalendarFailure } from '../../domain/calendar-failure.ts';
import type { ScheduledCall } from '../../domain/scheduled-call.ts';
import { HOLD_TTL_MS, releaseHold, type Slot } from '../../domain/slot.ts';
import { finalize } from './booking-steps.ts';
import { updateCall } from '../call-records.ts';
import { startBudget } from '../calendar-retry.ts';
import { openCalendarSession } from '../calendar-session.ts';
import { systemAccess } from './cancel-interview-event.ts';
import { finalizeMove, moveEvent } from './reschedule-interview.ts';
import { quietly, releaseSlotHold } from '../slot-holds.ts';
import type { SchedulingDeps } from '../scheduling-deps.ts';

export interface SweepReport {
  /** Expired holds given back (their booking never committed). */
  readonly released: number;
  /** Bookings and moves that had committed but not finished (a crash after the commit): finished. */
  readonly rolledForward: number;
  /** Uncommitted bookings whose event was deleted; moves whose event went back. */
  readonly undone: number;
  /** Events that could not be deleted for lack of a usable connection. */
  readonly orphaned: number;
  readonly failed: number;
}

/**
 * Finishes or undoes what a request left half done (timer, every minute). The stage is the
 * judge: a booking (or move) it references is finished — call `scheduled`, slot `booked` —
 * otherwise it is undone: the hold released after two minutes, and the pending call's event
 * deleted (or a pending move's event moved back). So no event outlives a booking that never
 * committed, and no committed booking loses its event.
 */
export async function sweepBookings(deps: SchedulingDeps): Promise<SweepReport> {
  const report = { released: 0, rolledForward: 0, undone: 0, orphaned: 0, failed: 0 };
  const now = deps.clock.now();
  for (const stored of await deps.slots.expiredHolds(now)) {
    try {
      const outcome = await settleExpiredHold(deps, stored.document, stored.etag);
      if (outcome === 'released') report.released += 1;
      if (outcome === 'rolled_forward') report.rolledForward += 1;
    } catch {
      report.failed += 1;
    }
  }
  const before = new Date(Date.parse(now) - HOLD_TTL_MS).toISOString();
  for (const stored of await deps.calls.unsettled(before)) {
    try {
      const outcome = await settleCall(deps, stored.document);
      if (outcome === 'rolled_forward') report.rolledForward += 1;
      if (outcome === 'undone') report.undone += 1;
      if (outcome === 'orphaned') report.orphaned += 1;
    } catch {
      report.failed += 1;
    }
  }
  return report;
}

async function stageOf(deps: SchedulingDeps, tenantId: string, applicationId: string, stageId: string): Promise<Stage | undefined> {
  let application: ApplicationDocument;
  try {
    application = await deps.stages.visibleApplication(systemAccess(tenantId), applicationId);
  } catch (error) {
    if (error instanceof DomainError && error.code === 'APPLICATION.NOT_FOUND') return undefined;
    throw error;
  }
  return application.stages.find((stage) => stage.id === stageId);
}

function references(stage: Stage | undefined, call: Pick<ScheduledCall, 'id'>, slotId: string): boolean {
  return stage?.type === 'live_interview' && stage.data.scheduledCallId === call.id && stage.data.slotId === slotId;
}

async function settleExpiredHold(deps: SchedulingDeps, slot: Slot, etag: string): Promise<'released' | 'rolled_forward' | 'none'> {
  const hold = slot.hold!;
  const stage = await stageOf(deps, slot.tenantId, hold.applicationId, hold.stageId);
  const call = (await deps.calls.get(slot.tenantId, hold.applicationId, hold.callId))?.document;
  if (call !== undefined && references(stage, call, slot.id)) {
    if (hold.purpose === 'schedule') await finalize(deps, call);
    else if (call.pendingMove !== undefined) await finalizeMove(deps, call, { ...call, slotId: call.pendingMove.slotId, start: call.pendingMove.start, end: call.pendingMove.end, timeZone: call.pendingMove.timeZone });
    return 'rolled_forward';
  }
  // Not committed: give the slot back (only if nobody touched it since it was read).
  const written = await deps.slots.replace(releaseHold(slot, hold.callId, deps.clock.now()), etag);
  return written === 'conflict' || written === undefined ? 'none' : 'released';
}

async function settleCall(deps: SchedulingDeps, call: ScheduledCall): Promise<'rolled_forward' | 'undone' | 'orphaned' | 'none'> {
  const stage = await stageOf(deps, call.tenantId, call.applicationId, call.stageId);
  if (call.status === 'pending') {
    if (references(stage, call, call.slotId)) {
      await finalize(deps, call);
      return 'rolled_forward';
    }
    const session = await openCalendarSession(deps, startBudget(deps), call.tenantId, call.recruiterId).catch((error: unknown) => {
      if (error instanceof DomainError && (error.code === 'CALENDAR.NOT_CONNECTED' || error.code === 'CALENDAR.CONNECTION_INVALID')) return undefined;
      throw error;
    });
    if (session !== undefined) {
      try {
        await session.call((token) => deps.calendar.deleteEvent(token, call.calendarId, call.calendarEventId));
      } catch (error) {
        if (!isCalendarFailure(error, 'gone', 'not_found')) throw error;
      }
    }
    await updateCall(deps, call.tenantId, call.applicationId, call.id, (current) => (current.status === 'pending' ? { ...current, status: 'abandoned' } : undefined));
    await quietly(() => releaseSlotHold(deps, call.tenantId, call.recruiterId, call.slotId, call.id));
    return session === undefined ? 'orphaned' : 'undone';
  }
  const move = call.pendingMove;
  if (move === undefined) return 'none';
  if (stage?.type === 'live_interview' && stage.data.slotId === move.slotId) {
    await finalizeMove(deps, call, { ...call, slotId: move.slotId, start: move.start, end: move.end, timeZone: move.timeZone });
    return 'rolled_forward';
  }
  // The stage kept the old slot: the event goes back to the call's times.
  const session = await openCalendarSession(deps, startBudget(deps), call.tenantId, call.recruiterId).catch(() => undefined);
  if (session !== undefined && call.status === 'scheduled') await moveEvent(deps, session, call, call);
  await updateCall(deps, call.tenantId, call.applicationId, call.id, (current) => {
    if (current.pendingMove === undefined) return undefined;
    const { pendingMove: _move, ...rest } = current;
    return rest;
  });
  await quietly(() => releaseSlotHold(deps, call.tenantId, call.recruiterId, move.slotId, call.id));
  return session === undefined ? 'orphaned' : 'undone';
}
