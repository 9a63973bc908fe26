import { createHash } from 'node:crypto';
import { z } from 'zod';
import { sealedSchema } from '../../platform/crypto/envelope.ts';
import { idSchema, isoDateTimeSchema } from '../../stages/domain/schema-primitives.ts';

/**
 * - `pending`: an authorisation was started and has not completed yet (never connected);
 * - `connected`: tokens stored, events can be created, the push channel runs;
 * - `invalid`: Google refused the refresh token (`invalid_grant`): the recruiter must reconnect;
 * - `disconnected`: the recruiter disconnected; tokens are gone.
 */
export const connectionStates = ['pending', 'connected', 'invalid', 'disconnected'] as const;
export type ConnectionState = (typeof connectionStates)[number];

/** One push channel (`events.watch`) of a connection. */
export const channelRefSchema = z.object({
  id: z.string().min(1).max(64),
  resourceId: z.string().min(1),
  expiration: isoDateTimeSchema,
  createdAt: isoDateTimeSchema,
  /** Where Google pushes for this channel (a channel to an old push address is replaced). */
  address: z.string().optional(),
});
export type ChannelRef = z.infer<typeof channelRefSchema>;

/**
 * A recruiter's Google Calendar connection (`calendarConnections`, partition `/recruiterId`;
 * identity (tenantId, recruiterId)). The OAuth tokens are one sealed JSON value (AES-256-GCM,
 * key id per record, bound to this record); the PKCE verifier of an authorisation in progress is
 * sealed the same way. `generation` counts completed connections: a notice about an invalid
 * connection is sent once per generation.
 */
export const calendarConnectionSchema = z.object({
  id: z.string().min(1),
  kind: z.literal('connection'),
  tenantId: idSchema,
  recruiterId: idSchema,
  state: z.enum(connectionStates),
  generation: z.number().int().min(0),
  accountEmail: z.string().min(1).optional(),
  calendarId: z.string().min(1).optional(),
  tokens: sealedSchema.optional(),
  accessTokenExpiresAt: isoDateTimeSchema.optional(),
  authorization: z
    .object({ nonce: z.string().min(16), verifier: sealedSchema, startedAt: isoDateTimeSchema, expiresAt: isoDateTimeSchema })
    .optional(),
  sync: z.object({ token: z.string().min(1).optional(), lastSyncedAt: isoDateTimeSchema.optional(), lastFullSyncAt: isoDateTimeSchema.optional() }),
  channels: z.array(channelRefSchema).max(5),
  invalid: z.object({ at: isoDateTimeSchema, reason: z.string(), noticeSentAt: isoDateTimeSchema.optional() }).optional(),
  connectedAt: isoDateTimeSchema.optional(),
  disconnectedAt: isoDateTimeSchema.optional(),
  createdAt: isoDateTimeSchema,
  updatedAt: isoDateTimeSchema,
});
export type CalendarConnection = z.infer<typeof calendarConnectionSchema>;

/** The plaintext inside `tokens`. */
export interface ConnectionTokens {
  readonly accessToken: string;
  readonly refreshToken: string;
  /** ISO instant the access token stops working. */
  readonly expiresAt: string;
}

/** A Cosmos DB id for (tenant, recruiter): both parts escaped, so no id can collide or hold `/ \ ? #`. */
export function connectionIdFor(tenantId: string, recruiterId: string): string {
  return `${encodeURIComponent(tenantId)}:${encodeURIComponent(recruiterId)}`;
}

/** Where a sealed value of a connection lives: the `aad` that binds it to this record and field. */
export function connectionAad(tenantId: string, recruiterId: string, field: 'tokens' | 'verifier'): string {
  return `calendarConnections/${connectionIdFor(tenantId, recruiterId)}/${field}`;
}

/**
 * A Service Bus message id (at most 128 characters) that is the same for the same parts: the
 * readable `prefix:parts` when it fits, else `prefix:` and a SHA-256 of the parts.
 */
export function boundedMessageId(prefix: string, parts: readonly string[]): string {
  const readable = `${prefix}:${parts.join(':')}`;
  return readable.length <= 128 ? readable : `${prefix}:${createHash('sha256').update(JSON.stringify(parts)).digest('hex')}`;
}

export function channelTokenAad(channelId: string): string {
  return `calendarChannels/${channelId}/token`;
}

export function emptyConnection(tenantId: string, recruiterId: string, now: string): CalendarConnection {
  return {
    id: connectionIdFor(tenantId, recruiterId),
    kind: 'connection',
    tenantId,
    recruiterId,
    state: 'pending',
    generation: 0,
    sync: {},
    channels: [],
    createdAt: now,
    updatedAt: now,
  };
}

/** An access token this close to expiry is refreshed before use. */
export const ACCESS_TOKEN_MARGIN_MS = 60_000;

export function accessTokenFresh(connection: Pick<CalendarConnection, 'accessTokenExpiresAt'>, now: string): boolean {
  return connection.accessTokenExpiresAt !== undefined && Date.parse(connection.accessTokenExpiresAt) - ACCESS_TOKEN_MARGIN_MS > Date.parse(now);
}

/**
 * A push channel is renewed when it has less than a day (or a quarter of its lifetime, when that
 * is shorter) left; the old one is stopped once the new one has overlapped it for ten minutes.
 */
export function channelRenewBeforeMs(ttlSeconds: number): number {
  return Math.min(24 * 3_600_000, (ttlSeconds * 1000) / 4);
}
export const CHANNEL_OVERLAP_MS = 10 * 60_000;

/** The stored push channel (`calendarChannels`, partition `/id`): a notification names it by id. */
export const calendarChannelSchema = z.object({
  id: z.string().min(1).max(64),
  kind: z.literal('channel'),
  tenantId: idSchema,
  recruiterId: idSchema,
  token: sealedSchema,
  resourceId: z.string().min(1),
  expiration: isoDateTimeSchema,
  createdAt: isoDateTimeSchema,
});
export type CalendarChannel = z.infer<typeof calendarChannelSchema>;
