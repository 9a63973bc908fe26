import type { Access } from '../../../auth/domain/permissions.ts';
import { isCalendarFailure } from '../../domain/calendar-failure.ts';
import type { CalendarConnection } from '../../domain/calendar-connection.ts';
import type { CalendarConnectionView } from '../../api/calendar-connection.schema.ts';
import { startBudget } from '../calendar-retry.ts';
import { openCalendarSession, tokensOf, updateConnection, type CalendarSession } from '../calendar-session.ts';
import { CONNECT_ROUTE } from '../scheduling-paths.ts';
import { quietly } from '../slot-holds.ts';
import { stopChannel } from './watch-channels.ts';
import type { SchedulingDeps } from '../scheduling-deps.ts';

export function connectionView(connection: CalendarConnection | undefined): CalendarConnectionView {
  if (connection === undefined) return { state: 'not_connected' };
  const newest = [...connection.channels].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))[0];
  return {
    state: connection.state,
    ...(connection.accountEmail && connection.state !== 'disconnected' ? { accountEmail: connection.accountEmail } : {}),
    ...(connection.connectedAt && connection.state !== 'disconnected' ? { connectedAt: connection.connectedAt } : {}),
    ...(connection.state === 'invalid' && connection.invalid ? { invalid: { at: connection.invalid.at, reason: connection.invalid.reason }, reconnect: CONNECT_ROUTE } : {}),
    ...(newest && connection.state === 'connected' ? { channel: { expiration: newest.expiration } } : {}),
    ...(connection.sync.lastSyncedAt ? { lastSyncedAt: connection.sync.lastSyncedAt } : {}),
  };
}

/** `GET /api/calendar/connection`: the recruiter's own connection. */
export async function getCalendarConnection(deps: SchedulingDeps, access: Access): Promise<CalendarConnectionView> {
  return connectionView((await deps.connections.get(access.tenantId, access.actor.id))?.document);
}

/**
 * `DELETE /api/calendar/connection`: stops the push channels, revokes the refresh token at
 * Google and forgets the tokens. Google being unreachable does not keep the tokens here: they
 * are deleted anyway and `revoked: false` says the revocation did not go through.
 */
export async function disconnectCalendar(deps: SchedulingDeps, access: Access): Promise<CalendarConnectionView> {
  const { tenantId } = access;
  const recruiterId = access.actor.id;
  const stored = await deps.connections.get(tenantId, recruiterId);
  if (stored === undefined) return { state: 'not_connected' };
  const connection = stored.document;
  let session: CalendarSession | undefined;
  if (connection.state === 'connected') session = await openCalendarSession(deps, startBudget(deps), tenantId, recruiterId).catch(() => undefined);
  for (const channel of connection.channels) await stopChannel(deps, session, channel);
  let revoked = false;
  if (connection.tokens !== undefined) {
    revoked = await quietly(async () => {
      try {
        await deps.authorization.revoke(tokensOf(deps, connection).refreshToken);
      } catch (error) {
        // Already revoked or expired: nothing left to revoke.
        if (!isCalendarFailure(error, 'invalid_grant', 'invalid_request')) throw error;
      }
    });
  }
  const now = deps.clock.now();
  const updated = await updateConnection(deps, tenantId, recruiterId, (current) => {
    const { tokens: _tokens, accessTokenExpiresAt: _expiry, authorization: _authorization, invalid: _invalid, ...rest } = current;
    return { ...rest, state: 'disconnected', channels: [], sync: {}, disconnectedAt: now, updatedAt: now };
  });
  return { ...connectionView(updated?.document), revoked };
}
