import type { CalendarConnectionInvalidNotice } from '../../events/api/notification-message.schema.ts';
import { open, seal } from '../../platform/crypto/envelope.ts';
import { DomainError } from '../../platform/errors.ts';
import { recordInvalidConnections } from '../calendar-metrics.ts';
import {
  accessTokenFresh, boundedMessageId, connectionAad, connectionIdFor, type CalendarConnection, type ConnectionTokens,
} from '../domain/calendar-connection.ts';
import { isCalendarFailure } from '../domain/calendar-failure.ts';
import type { StoredDocument } from '../ports/scheduling-stores.port.ts';
import { withRetries, type CallBudget } from './calendar-retry.ts';
import { CONNECT_ROUTE } from './scheduling-paths.ts';
import type { SchedulingDeps } from './scheduling-deps.ts';

/** A connected recruiter's calendar, ready for calls: the access token is fresh. */
export interface CalendarSession {
  readonly tenantId: string;
  readonly recruiterId: string;
  /** The calendar events go to (the account's primary calendar). */
  readonly calendarId: string;
  readonly connection: CalendarConnection;
  /** The connection as last read, with its etag (a write can be tried on it without reading again). */
  readonly stored: StoredDocument<CalendarConnection>;
  /**
   * Runs a Calendar call with the access token, retrying transient failures within the budget;
   * a 401 refreshes the token once and tries again.
   */
  call<T>(run: (accessToken: string) => Promise<T>): Promise<T>;
}

export function connectionInvalidError(recruiterId: string): DomainError {
  return new DomainError('CALENDAR.CONNECTION_INVALID', { details: { recruiterId, reconnect: CONNECT_ROUTE } });
}

/**
 * The recruiter's calendar session: `CALENDAR.NOT_CONNECTED` without a connection,
 * `CALENDAR.CONNECTION_INVALID` once Google refused its refresh token. `known`: the connection
 * as the caller has just read it (the poll's listing), so it is not read again.
 */
export async function openCalendarSession(
  deps: SchedulingDeps,
  budget: CallBudget,
  tenantId: string,
  recruiterId: string,
  known?: StoredDocument<CalendarConnection>,
): Promise<CalendarSession> {
  let stored = known ?? (await deps.connections.get(tenantId, recruiterId));
  if (stored === undefined || stored.document.state === 'pending' || stored.document.state === 'disconnected') {
    throw new DomainError('CALENDAR.NOT_CONNECTED', { details: { recruiterId, connect: CONNECT_ROUTE } });
  }
  if (stored.document.state === 'invalid') throw connectionInvalidError(recruiterId);
  const connection = stored.document;
  let accessToken = accessTokenFresh(connection, deps.clock.now()) ? tokensOf(deps, connection).accessToken : await refreshAccessToken(deps, budget, connection, false);
  return {
    tenantId,
    recruiterId,
    calendarId: connection.calendarId ?? 'primary',
    get connection() {
      return stored!.document;
    },
    get stored() {
      return stored!;
    },
    async call<T>(run: (token: string) => Promise<T>): Promise<T> {
      try {
        return await withRetries(deps, budget, () => run(accessToken));
      } catch (error) {
        if (!isCalendarFailure(error, 'unauthorized')) throw error;
        accessToken = await refreshAccessToken(deps, budget, stored!.document, true);
        stored = (await deps.connections.get(tenantId, recruiterId)) ?? stored;
        return withRetries(deps, budget, () => run(accessToken));
      }
    },
  };
}

/** Whether opening a session failed because the calendar is not (or no longer) usable: not connected, or invalid. */
export function isConnectionUnusable(error: unknown): boolean {
  return error instanceof DomainError && (error.code === 'CALENDAR.NOT_CONNECTED' || error.code === 'CALENDAR.CONNECTION_INVALID');
}

export function tokensOf(deps: Pick<SchedulingDeps, 'keyring'>, connection: CalendarConnection): ConnectionTokens {
  if (connection.tokens === undefined) throw new Error(`Connection ${connection.id} has no tokens`);
  return JSON.parse(open(deps.keyring, connection.tokens, connectionAad(connection.tenantId, connection.recruiterId, 'tokens'))) as ConnectionTokens;
}

export function sealTokens(deps: Pick<SchedulingDeps, 'keyring'>, connection: Pick<CalendarConnection, 'tenantId' | 'recruiterId'>, tokens: ConnectionTokens) {
  return seal(deps.keyring, JSON.stringify(tokens), connectionAad(connection.tenantId, connection.recruiterId, 'tokens'));
}

/**
 * A new access token for the connection. One refresh per connection runs at a time in this
 * process: concurrent callers share it. A refused refresh token (`invalid_grant`) marks the
 * connection invalid and tells the recruiter (notifications queue), then answers
 * `CALENDAR.CONNECTION_INVALID`.
 */
export function refreshAccessToken(deps: SchedulingDeps, budget: CallBudget, connection: CalendarConnection, force: boolean): Promise<string> {
  const key = `${connection.id}#${connection.generation}`;
  const inFlight = deps.refreshes.get(key) as Promise<string> | undefined;
  if (inFlight !== undefined) return inFlight;
  const refresh = runRefresh(deps, budget, connection, force).finally(() => deps.refreshes.delete(key));
  deps.refreshes.set(key, refresh);
  return refresh;
}

async function runRefresh(deps: SchedulingDeps, budget: CallBudget, known: CalendarConnection, force: boolean): Promise<string> {
  // Another request (or instance) may have refreshed it already.
  const latest = await deps.connections.get(known.tenantId, known.recruiterId);
  if (latest === undefined || latest.document.state !== 'connected') throw connectionInvalidError(known.recruiterId);
  const refreshedMeanwhile = latest.document.accessTokenExpiresAt !== known.accessTokenExpiresAt;
  if ((!force || refreshedMeanwhile) && accessTokenFresh(latest.document, deps.clock.now())) return tokensOf(deps, latest.document).accessToken;
  const current = tokensOf(deps, latest.document);
  let fresh;
  try {
    fresh = await withRetries(deps, budget, () => deps.authorization.refresh(current.refreshToken));
  } catch (error) {
    if (isCalendarFailure(error, 'invalid_grant')) {
      await markConnectionInvalid(deps, latest, 'invalid_grant: Google refused the refresh token (revoked, expired or the password changed).');
      throw connectionInvalidError(known.recruiterId);
    }
    throw error;
  }
  const tokens: ConnectionTokens = { accessToken: fresh.accessToken, refreshToken: fresh.refreshToken ?? current.refreshToken, expiresAt: fresh.expiresAt };
  await updateConnection(
    deps,
    known.tenantId,
    known.recruiterId,
    (connection) =>
      connection.state !== 'connected' || connection.generation !== latest.document.generation
        ? undefined
        : { ...connection, tokens: sealTokens(deps, connection, tokens), accessTokenExpiresAt: tokens.expiresAt, updatedAt: deps.clock.now() },
    latest,
  );
  return tokens.accessToken;
}

/**
 * Read → change → conditional replace, again on a lost race (up to 5 times). `change` returning
 * `undefined` leaves the document alone. Returns the stored result (or the unchanged document).
 * `known`: the connection as the caller last read it; the first attempt starts from it instead
 * of reading (if it is no longer current, the replace is refused and the loop reads).
 */
export async function updateConnection(
  deps: Pick<SchedulingDeps, 'connections'>,
  tenantId: string,
  recruiterId: string,
  change: (connection: CalendarConnection) => CalendarConnection | undefined,
  known?: StoredDocument<CalendarConnection>,
): Promise<StoredDocument<CalendarConnection> | undefined> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const stored = attempt === 0 && known !== undefined ? known : await deps.connections.get(tenantId, recruiterId);
    if (stored === undefined) return undefined;
    const next = change(stored.document);
    if (next === undefined) return stored;
    const written = await deps.connections.replace(next, stored.etag);
    if (written !== 'conflict' && written !== undefined) return written;
  }
  throw new DomainError('DEPENDENCY.UNAVAILABLE', { message: 'The calendar connection kept changing; retry.', retry: { after: 1 } });
}

/** The deterministic id of the notice about one connection generation turning invalid. */
export function invalidNoticeId(connection: Pick<CalendarConnection, 'tenantId' | 'recruiterId' | 'generation'>): string {
  return boundedMessageId('calendar.connection_invalid', [connectionIdFor(connection.tenantId, connection.recruiterId), String(connection.generation)]);
}

/** Marks the connection invalid (once per generation) and sends the recruiter's notice. */
export async function markConnectionInvalid(deps: SchedulingDeps, stored: StoredDocument<CalendarConnection>, reason: string): Promise<void> {
  const now = deps.clock.now();
  const marked = await updateConnection(deps, stored.document.tenantId, stored.document.recruiterId, (connection) =>
    connection.state !== 'connected' || connection.generation !== stored.document.generation
      ? undefined
      : { ...connection, state: 'invalid', invalid: { at: now, reason }, updatedAt: now },
  );
  if (marked !== undefined && marked.document.state === 'invalid') await sendInvalidNotice(deps, marked.document);
  recordInvalidConnections(await deps.connections.countInState('invalid').catch(() => 0));
}

/** Sends the notice (idempotent by message id) and records that it went. */
export async function sendInvalidNotice(deps: SchedulingDeps, connection: CalendarConnection): Promise<void> {
  if (connection.invalid?.noticeSentAt !== undefined) return;
  const eventId = invalidNoticeId(connection);
  const body: CalendarConnectionInvalidNotice = {
    kind: 'calendar.connection_invalid',
    eventId,
    tenantId: connection.tenantId,
    recruiterId: connection.recruiterId,
    timestamp: connection.invalid?.at ?? deps.clock.now(),
  };
  await deps.bus.send('notifications', [
    {
      messageId: eventId,
      body,
      contentType: 'application/json',
      subject: body.kind,
      correlationId: connection.recruiterId,
      applicationProperties: { kind: body.kind, tenantId: connection.tenantId },
    },
  ]);
  const sentAt = deps.clock.now();
  await updateConnection(deps, connection.tenantId, connection.recruiterId, (current) =>
    current.state !== 'invalid' || current.invalid === undefined || current.generation !== connection.generation
      ? undefined
      : { ...current, invalid: { ...current.invalid, noticeSentAt: sentAt }, updatedAt: sentAt },
  );
}

