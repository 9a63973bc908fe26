import { open } from '../../../platform/crypto/envelope.ts';
import { connectionAad, type ConnectionTokens } from '../../domain/calendar-connection.ts';
import { isCalendarFailure } from '../../domain/calendar-failure.ts';
import type { OAuthCallbackQuery } from '../../api/calendar-connection.schema.ts';
import { startBudget, withRetries } from '../calendar-retry.ts';
import { openCalendarSession, sealTokens, updateConnection } from '../calendar-session.ts';
import { quietly } from '../slot-holds.ts';
import { startChannel, stopChannel } from './watch-channels.ts';
import { requestSync } from './receive-calendar-notification.ts';
import type { SchedulingDeps } from '../scheduling-deps.ts';

export type CallbackOutcome = { readonly connected: true } | { readonly connected: false; readonly reason: string };

/**
 * `GET /api/calendar/oauth-callback?code&state` (public: the signed state is the proof). The
 * state must verify, be unexpired and match the connection's pending nonce (once: a replay
 * finds none); the code is exchanged with the PKCE verifier; the tokens are stored encrypted;
 * the connection learns its calendar, starts its push channel and queues a first full sync.
 * The browser is then sent to the app (`?calendar=connected`, or `?calendar=error&reason=…`).
 */
export async function completeCalendarConnection(deps: SchedulingDeps, query: OAuthCallbackQuery): Promise<{ location: string; outcome: CallbackOutcome }> {
  const outcome = await complete(deps, query);
  const url = new URL(deps.settings.appRedirectUrl);
  url.searchParams.set('calendar', outcome.connected ? 'connected' : 'error');
  if (!outcome.connected) url.searchParams.set('reason', outcome.reason);
  return { location: url.toString(), outcome };
}

async function complete(deps: SchedulingDeps, query: OAuthCallbackQuery): Promise<CallbackOutcome> {
  const claims = query.state === undefined ? undefined : await deps.stateSigner.verify(query.state);
  if (claims === undefined) return { connected: false, reason: 'state_invalid' };
  const { tenantId, recruiterId } = claims;
  const stored = await deps.connections.get(tenantId, recruiterId);
  const pending = stored?.document.authorization;
  if (stored === undefined || pending === undefined || pending.nonce !== claims.nonce || Date.parse(pending.expiresAt) <= Date.parse(deps.clock.now())) {
    return { connected: false, reason: 'state_used_or_expired' };
  }
  // One use: whatever happens next, this authorisation cannot be completed again.
  const taken = await deps.connections.replace({ ...withoutAuthorization(stored.document), updatedAt: deps.clock.now() }, stored.etag);
  if (taken === 'conflict' || taken === undefined) return { connected: false, reason: 'state_used_or_expired' };
  if (query.error !== undefined || query.code === undefined) return { connected: false, reason: query.error ?? 'no_code' };

  const budget = startBudget(deps);
  const verifier = open(deps.keyring, pending.verifier, connectionAad(tenantId, recruiterId, 'verifier'));
  let tokens: ConnectionTokens;
  try {
    const exchanged = await deps.authorization.exchangeCode(query.code, verifier);
    if (exchanged.refreshToken === undefined) return { connected: false, reason: 'no_offline_access' };
    tokens = { accessToken: exchanged.accessToken, refreshToken: exchanged.refreshToken, expiresAt: exchanged.expiresAt };
  } catch (error) {
    return { connected: false, reason: isCalendarFailure(error, 'invalid_grant') ? 'code_refused' : 'calendar_unavailable' };
  }
  let calendarSummary: string | undefined;
  try {
    const page = await withRetries(deps, budget, () => deps.calendar.listChanges(tokens.accessToken, 'primary', undefined));
    calendarSummary = page.calendarSummary;
  } catch {
    return { connected: false, reason: 'calendar_unavailable' };
  }
  const now = deps.clock.now();
  const previousChannels = taken.document.channels;
  const connected = await updateConnection(deps, tenantId, recruiterId, (connection) => {
    const { invalid: _invalid, disconnectedAt: _gone, ...rest } = withoutAuthorization(connection);
    return {
      ...rest,
      state: 'connected',
      generation: connection.generation + 1,
      tokens: sealTokens(deps, connection, tokens),
      accessTokenExpiresAt: tokens.expiresAt,
      ...(calendarSummary ? { accountEmail: calendarSummary, calendarId: calendarSummary } : {}),
      sync: {},
      channels: [],
      connectedAt: now,
      updatedAt: now,
    };
  });
  if (connected === undefined) return { connected: false, reason: 'connection_gone' };
  // The push channel and the first sync: a failure here is caught up by the poll.
  await quietly(async () => {
    const session = await openCalendarSession(deps, budget, tenantId, recruiterId);
    for (const channel of previousChannels) await stopChannel(deps, session, channel);
    await startChannel(deps, session);
  });
  await quietly(() => requestSync(deps, tenantId, recruiterId, `connected:${connected.document.generation}`));
  return { connected: true };
}

function withoutAuthorization<T extends { authorization?: unknown }>(connection: T): Omit<T, 'authorization'> {
  const { authorization: _authorization, ...rest } = connection;
  return rest;
}
