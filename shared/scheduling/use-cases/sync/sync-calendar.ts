import { DomainError } from '../../../platform/errors.ts';
import { isCalendarFailure } from '../../domain/calendar-failure.ts';
import { callSummary, type ScheduledCall } from '../../domain/scheduled-call.ts';
import type { CalendarEvent } from '../../ports/calendar.port.ts';
import type { CalendarConnection } from '../../domain/calendar-connection.ts';
import { updateCall } from '../call-records.ts';
import { startBudget, type CallBudget } from '../calendar-retry.ts';
import { isConnectionUnusable, openCalendarSession, updateConnection, type CalendarSession } from '../calendar-session.ts';
import { systemAccess } from '../booking/cancel-interview-event.ts';
import { freeBookedSlot, quietly } from '../slot-holds.ts';
import type { SchedulingDeps } from '../scheduling-deps.ts';

export interface SyncOutcome {
  readonly status: 'synced' | 'not_connected';
  readonly fullSync: boolean;
  readonly events: number;
  readonly applied: number;
}

/**
 * Brings the recruiter's calls in line with Google (`syncSession`), on a session of its own:
 * `not_connected` when the calendar is not connected or no longer valid.
 */
export async function syncCalendar(deps: SchedulingDeps, tenantId: string, recruiterId: string, budget: CallBudget = startBudget(deps)): Promise<SyncOutcome> {
  let session: CalendarSession;
  try {
    session = await openCalendarSession(deps, budget, tenantId, recruiterId);
  } catch (error) {
    if (isConnectionUnusable(error)) return { status: 'not_connected', fullSync: false, events: 0, applied: 0 };
    throw error;
  }
  return syncSession(deps, session);
}

/**
 * Brings the session's calls in line with Google: one incremental listing from the stored
 * `syncToken` (`showDeleted=true`, every page), or a full one when there is none or Google
 * answers 410 (`fullSyncRequired`). Each event Stageline made is mapped to its call:
 * - cancelled in Google → call `cancelled`, stage `cancel` by `system` (+ event), slot freed;
 * - moved in Google → call times updated, stage `move_call` by `system` (+ event).
 * Then the new sync token is stored: a conditional replace of the connection as the session
 * read it (read again only if it changed meanwhile).
 */
export async function syncSession(deps: SchedulingDeps, session: CalendarSession): Promise<SyncOutcome> {
  const { tenantId, recruiterId } = session;
  let syncToken = session.connection.sync.token;
  let fullSync = syncToken === undefined;
  let events = 0;
  let applied = 0;
  let pageToken: string | undefined;
  let nextSyncToken: string | undefined;
  for (;;) {
    let page;
    try {
      page = await session.call((token) => deps.calendar.listChanges(token, session.calendarId, syncToken, pageToken));
    } catch (error) {
      if (!isCalendarFailure(error, 'sync_token_expired') || syncToken === undefined) throw error;
      // 410: the token is too old; start over with a full listing.
      syncToken = undefined;
      pageToken = undefined;
      fullSync = true;
      continue;
    }
    for (const event of page.events) {
      events += 1;
      if (await applyEventChange(deps, tenantId, event)) applied += 1;
    }
    if (page.nextPageToken === undefined) {
      nextSyncToken = page.nextSyncToken;
      break;
    }
    pageToken = page.nextPageToken;
  }
  const now = deps.clock.now();
  const stored = (connection: CalendarConnection): CalendarConnection | undefined =>
    connection.state !== 'connected'
      ? undefined
      : {
          ...connection,
          sync: {
            ...(nextSyncToken === undefined ? {} : { token: nextSyncToken }),
            lastSyncedAt: now,
            ...(fullSync ? { lastFullSyncAt: now } : connection.sync.lastFullSyncAt ? { lastFullSyncAt: connection.sync.lastFullSyncAt } : {}),
          },
          updatedAt: now,
        };
  await updateConnection(deps, tenantId, recruiterId, stored, session.stored);
  return { status: 'synced', fullSync, events, applied };
}

function sameInstant(a: string | undefined, b: string): boolean {
  return a !== undefined && Date.parse(a) === Date.parse(b);
}

/** Whether the event changed a call (true) or was ours already / not ours (false). */
async function applyEventChange(deps: SchedulingDeps, tenantId: string, event: CalendarEvent): Promise<boolean> {
  const callId = event.privateProperties['stagelineCallId'];
  const applicationId = event.privateProperties['stagelineApplicationId'];
  if (callId === undefined || applicationId === undefined || event.privateProperties['stagelineTenantId'] !== tenantId) return false;
  const stored = await deps.calls.get(tenantId, applicationId, callId);
  // Pending bookings and moves in flight are their request's (or the sweeper's) business.
  if (stored === undefined || stored.document.status !== 'scheduled' || stored.document.pendingMove !== undefined) return false;
  const call = stored.document;
  if (event.status === 'cancelled') return cancelledInGoogle(deps, call);
  if (event.start !== undefined && event.end !== undefined && (!sameInstant(event.start, call.start) || !sameInstant(event.end, call.end))) {
    return movedInGoogle(deps, call, event.start, event.end, event);
  }
  if ((event.meetLink !== undefined && event.meetLink !== call.meetLink) || (event.etag !== undefined && event.etag !== call.eventEtag)) {
    await updateCall(deps, tenantId, applicationId, callId, (current) => ({ ...current, ...(event.meetLink ? { meetLink: event.meetLink } : {}), ...(event.etag ? { eventEtag: event.etag } : {}) }));
  }
  return false;
}

async function cancelledInGoogle(deps: SchedulingDeps, call: ScheduledCall): Promise<boolean> {
  // The stage first: if it cannot change now (flag off), the sync fails before storing its token and comes back to this event.
  await applyQuietlyIfAllowed(() =>
    deps.stages.applyOwnedAction(systemAccess(call.tenantId), call.applicationId, call.stageId, 'cancel', { reason: 'The calendar event was cancelled in Google Calendar.' }),
  );
  await updateCall(deps, call.tenantId, call.applicationId, call.id, (current) => (current.status !== 'scheduled' ? undefined : { ...current, status: 'cancelled' }));
  await quietly(() => freeBookedSlot(deps, call.tenantId, call.recruiterId, call.slotId, call.id));
  return true;
}

async function movedInGoogle(deps: SchedulingDeps, call: ScheduledCall, start: string, end: string, event: CalendarEvent): Promise<boolean> {
  const moved: ScheduledCall = { ...call, start, end, ...(event.etag ? { eventEtag: event.etag } : {}) };
  await applyQuietlyIfAllowed(() =>
    deps.stages.applyOwnedAction(systemAccess(call.tenantId), call.applicationId, call.stageId, 'move_call', { call: callSummary(moved) }),
  );
  await updateCall(deps, call.tenantId, call.applicationId, call.id, (current) =>
    current.status !== 'scheduled' ? undefined : { ...current, start, end, ...(event.etag ? { eventEtag: event.etag } : {}) },
  );
  return true;
}

/** A stage that moved on already (cancelled, completed) refuses the change: that is fine here. */
export async function applyQuietlyIfAllowed(apply: () => Promise<unknown>): Promise<void> {
  try {
    await apply();
  } catch (error) {
    if (error instanceof DomainError && (error.code === 'STAGE.TRANSITION_NOT_ALLOWED' || error.code === 'STAGE.NOT_FOUND' || error.code === 'APPLICATION.NOT_FOUND')) return;
    throw error;
  }
}
