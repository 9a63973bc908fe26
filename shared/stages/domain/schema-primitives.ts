import { z } from 'zod';
import { actorRefSchema } from '../../auth/domain/actor.ts';

/** ISO 8601 date-time with `Z` or an offset, e.g. `2025-03-01T09:00:00Z`. */
export const isoDateTimeSchema = z.iso.datetime({ offset: true });

/** ISO 8601 calendar date, e.g. `2025-04-01`. */
export const isoDateSchema = z.iso.date();

/** An opaque identifier of another record (slot, call, user, document …). */
export const idSchema = z.string().min(1).max(128);

/** Application ids are also URL path segments and Cosmos DB ids: no `/ \ ? #`, no spaces. */
export const applicationIdSchema = idSchema.regex(/^[A-Za-z0-9][A-Za-z0-9._:@~-]*$/, 'Letters, digits and . _ : @ ~ - only, starting with a letter or digit');

/** A short free-text reason given with an action; visible to everyone who sees the stage. */
export const reasonSchema = z.string().trim().min(1).max(1000);

/** Recruiter-only notes; never part of the candidate view. */
export const internalNotesSchema = z.string().max(5000);

/** Who closed something, when, and why (cancellation, revocation, …). */
export const closureSchema = z.object({
  reason: reasonSchema.optional(),
  by: actorRefSchema,
  at: isoDateTimeSchema,
});
export type Closure = z.infer<typeof closureSchema>;
