import { randomBytes } from 'node:crypto';
import { seal } from '../../../platform/crypto/envelope.ts';
import { CHANNEL_OVERLAP_MS, channelRenewBeforeMs, channelTokenAad, type ChannelRef } from '../../domain/calendar-connection.ts';
import { isCalendarFailure } from '../../domain/calendar-failure.ts';
import { updateConnection, type CalendarSession } from '../calendar-session.ts';
import { quietly } from '../slot-holds.ts';
import type { SchedulingDeps } from '../scheduling-deps.ts';

/**
 * Starts a push channel (`events.watch`) on the recruiter's calendar: a random channel token,
 * stored encrypted with the channel (`calendarChannels`), and the channel listed on the
 * connection. Google then POSTs to the push address on every change.
 */
export async function startChannel(deps: SchedulingDeps, session: CalendarSession): Promise<ChannelRef> {
  const id = deps.newId();
  const token = randomBytes(32).toString('base64url');
  const now = deps.clock.now();
  const expiresAt = new Date(Date.parse(now) + deps.settings.channelTtlSeconds * 1000).toISOString();
  const watched = await session.call((accessToken) => deps.calendar.watch(accessToken, session.calendarId, { id, token, address: deps.settings.pushAddress, expiresAt }));
  await deps.channels.upsert({
    id,
    kind: 'channel',
    tenantId: session.tenantId,
    recruiterId: session.recruiterId,
    token: seal(deps.keyring, token, channelTokenAad(id)),
    resourceId: watched.resourceId,
    expiration: watched.expiration,
    createdAt: now,
  });
  const ref: ChannelRef = { id, resourceId: watched.resourceId, expiration: watched.expiration, createdAt: now, address: deps.settings.pushAddress };
  await updateConnection(deps, session.tenantId, session.recruiterId, (connection) =>
    connection.state !== 'connected' ? undefined : { ...connection, channels: [...connection.channels, ref].slice(-5), updatedAt: now },
  );
  return ref;
}

/** Stops a channel at Google (already gone is fine) and forgets it. */
export async function stopChannel(deps: SchedulingDeps, session: CalendarSession | undefined, channel: Pick<ChannelRef, 'id' | 'resourceId'>): Promise<boolean> {
  const stopped =
    session === undefined
      ? false
      : await quietly(async () => {
          try {
            await session.call((accessToken) => deps.calendar.stopChannel(accessToken, channel.id, channel.resourceId));
          } catch (error) {
            if (!isCalendarFailure(error, 'not_found', 'gone')) throw error;
          }
        });
  await quietly(() => deps.channels.delete(channel.id));
  return stopped;
}

/**
 * Keeps one live channel per connection: a new one starts when the newest has less than a day
 * (or a quarter of its lifetime) left, when it pushes to an address that is no longer this app's,
 * or when there is none; older ones are stopped once the new one has overlapped them for ten
 * minutes, so no change falls between two channels.
 */
export async function renewChannels(deps: SchedulingDeps, session: CalendarSession): Promise<{ started: number; stopped: number }> {
  const now = Date.parse(deps.clock.now());
  const channels = [...session.connection.channels].sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
  const newest = channels.at(-1);
  let started = 0;
  let current = newest;
  const expiring = newest !== undefined && Date.parse(newest.expiration) - now < channelRenewBeforeMs(deps.settings.channelTtlSeconds);
  const moved = newest !== undefined && newest.address !== undefined && newest.address !== deps.settings.pushAddress;
  if (newest === undefined || expiring || moved) {
    current = await startChannel(deps, session);
    started = 1;
  }
  const retire = channels.filter((channel) => channel.id !== current!.id && (Date.parse(channel.expiration) <= now || Date.parse(current!.createdAt) + CHANNEL_OVERLAP_MS <= now));
  for (const channel of retire) await stopChannel(deps, session, channel);
  if (retire.length > 0) {
    const gone = new Set(retire.map((channel) => channel.id));
    await updateConnection(deps, session.tenantId, session.recruiterId, (connection) =>
      connection.channels.some((channel) => gone.has(channel.id)) ? { ...connection, channels: connection.channels.filter((channel) => !gone.has(channel.id)), updatedAt: deps.clock.now() } : undefined,
    );
  }
  return { started, stopped: retire.length };
}
