import { recordInvalidConnections } from '../../calendar-metrics.ts';
import { updateCall } from '../call-records.ts';
import { startBudget } from '../calendar-retry.ts';
import { isConnectionUnusable, openCalendarSession, sendInvalidNotice } from '../calendar-session.ts';
import { systemAccess } from '../booking/cancel-interview-event.ts';
import { quietly } from '../slot-holds.ts';
import { applyQuietlyIfAllowed, syncSession } from './sync-calendar.ts';
import { renewChannels } from '../connection/watch-channels.ts';
import type { SchedulingDeps } from '../scheduling-deps.ts';

export interface PollReport {
  readonly connections: number;
  readonly synced: number;
  readonly failed: readonly { readonly recruiterId: string; readonly reason: string }[];
  readonly completed: number;
  readonly channelsStarted: number;
  readonly channelsStopped: number;
  readonly invalid: number;
  readonly noticesSent: number;
}

/**
 * The backstop of status sync (timer): for every connected calendar, an incremental sync (410 →
 * full), the push channel renewed before it expires, and every scheduled call whose end has
 * passed (its event not cancelled: the sync just applied cancellations) marked `completed`,
 * with its stage completed by `system`. Invalid connections whose recruiter was not told yet
 * get their notice. The invalid-connection gauge is refreshed.
 */
export async function pollCalendars(deps: SchedulingDeps): Promise<PollReport> {
  let connections = 0;
  let synced = 0;
  let completed = 0;
  let channelsStarted = 0;
  let channelsStopped = 0;
  let invalid = 0;
  let noticesSent = 0;
  const failed: Array<{ recruiterId: string; reason: string }> = [];
  for await (const stored of deps.connections.each(['connected', 'invalid'])) {
    const connection = stored.document;
    connections += 1;
    if (connection.state === 'invalid') {
      invalid += 1;
      if (connection.invalid?.noticeSentAt === undefined && (await quietly(() => sendInvalidNotice(deps, connection)))) noticesSent += 1;
      continue;
    }
    try {
      // One session per connection, from the listed document: no read of it before the sync's write.
      let session;
      try {
        session = await openCalendarSession(deps, startBudget(deps), connection.tenantId, connection.recruiterId, stored);
      } catch (error) {
        if (!isConnectionUnusable(error)) throw error;
        invalid += 1;
        continue;
      }
      await syncSession(deps, session);
      synced += 1;
      const channels = await renewChannels(deps, session);
      channelsStarted += channels.started;
      channelsStopped += channels.stopped;
      completed += await completeEndedCalls(deps, connection.tenantId, connection.recruiterId);
    } catch (error) {
      failed.push({ recruiterId: connection.recruiterId, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  recordInvalidConnections(invalid);
  return { connections, synced, failed, completed, channelsStarted, channelsStopped, invalid, noticesSent };
}

/** Scheduled calls of the recruiter that have ended: `completed`, and their stages completed by `system`. */
export async function completeEndedCalls(deps: SchedulingDeps, tenantId: string, recruiterId: string): Promise<number> {
  let completed = 0;
  for (const stored of await deps.calls.endedScheduled(tenantId, recruiterId, deps.clock.now())) {
    const call = stored.document;
    if (call.pendingMove !== undefined) continue;
    await applyQuietlyIfAllowed(() => deps.stages.applyOwnedAction(systemAccess(tenantId), call.applicationId, call.stageId, 'complete', {}));
    await updateCall(deps, tenantId, call.applicationId, call.id, (current) => (current.status === 'scheduled' ? { ...current, status: 'completed' } : undefined));
    completed += 1;
  }
  return completed;
}
