import type { Access } from '../../../auth/domain/permissions.ts';
import { DomainError } from '../../../platform/errors.ts';
import { isCalendarFailure } from '../../domain/calendar-failure.ts';
import { updateCall } from '../call-records.ts';
import { startBudget } from '../calendar-retry.ts';
import { openCalendarSession } from '../calendar-session.ts';
import { freeBookedSlot } from '../slot-holds.ts';
import type { SchedulingDeps } from '../scheduling-deps.ts';

export const CALENDAR_SYNC_ACTOR = { role: 'system', id: 'calendar-sync' } as const;

export function systemAccess(tenantId: string): Access {
  return { tenantId, actor: CALENDAR_SYNC_ACTOR };
}

export type CancellationOutcome = 'cancelled' | 'already' | 'no_call' | 'not_connected';

/**
 * A live interview was cancelled (a recruiter on the action route, or calendar sync): its
 * event is cancelled in Google (attendees told), the call marked `cancelled`, the slot freed.
 * Runs off the `stage-events` topic (`calendar-cancellations` subscription), so every path that
 * cancels the stage reaches it; a transient calendar failure throws and the message comes back.
 */
export async function cancelInterviewEvent(deps: SchedulingDeps, notice: { readonly tenantId: string; readonly applicationId: string; readonly stageId: string }): Promise<CancellationOutcome> {
  const access = systemAccess(notice.tenantId);
  let application;
  try {
    application = await deps.stages.visibleApplication(access, notice.applicationId);
  } catch (error) {
    if (error instanceof DomainError && error.code === 'APPLICATION.NOT_FOUND') return 'no_call';
    throw error;
  }
  const stage = application.stages.find((candidate) => candidate.id === notice.stageId);
  if (stage?.type !== 'live_interview' || stage.status !== 'cancelled' || stage.data.scheduledCallId === undefined) return 'no_call';
  const stored = await deps.calls.get(notice.tenantId, notice.applicationId, stage.data.scheduledCallId);
  if (stored === undefined) return 'no_call';
  const call = stored.document;
  if (call.status === 'cancelled') return 'already';
  if (call.status !== 'scheduled' && call.status !== 'pending') return 'already';

  let outcome: CancellationOutcome = 'cancelled';
  try {
    const session = await openCalendarSession(deps, startBudget(deps), call.tenantId, call.recruiterId);
    try {
      await session.call((token) => deps.calendar.deleteEvent(token, call.calendarId, call.calendarEventId));
    } catch (error) {
      if (!isCalendarFailure(error, 'gone', 'not_found')) throw error;
    }
  } catch (error) {
    // Without a usable connection nobody can cancel the event for the recruiter: record it and go on.
    if (!(error instanceof DomainError && (error.code === 'CALENDAR.NOT_CONNECTED' || error.code === 'CALENDAR.CONNECTION_INVALID'))) throw error;
    outcome = 'not_connected';
  }
  await updateCall(deps, call.tenantId, call.applicationId, call.id, (current) => (current.status === 'cancelled' ? undefined : { ...current, status: 'cancelled' }));
  await freeBookedSlot(deps, call.tenantId, call.recruiterId, call.slotId, call.id);
  return outcome;
}
