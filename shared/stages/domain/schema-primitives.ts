import { z } from 'zod';
import { actorRefSchema } from '../../auth/domain/actor.ts';

/** ISO 8601 date-time with `Z` or an offset, e.g. `2025-03-01T09:00:00Z`. */
export const isoDateTimeSchema = z.iso.datetime({ offset: true });

/** ISO 8601 calendar date, e.g. `2025-04-01`. */
export const isoDateSchema = z.iso.date();

/**
 * An opaque identifier of another record (slot, call, user, document …): 1–128 characters, none
 * of them a control or format character (NUL, bidirectional overrides, zero-width marks), an
 * unpaired surrogate or a line/paragraph separator, so an id always displays as what it is.
 */
export const idSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[^\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]*$/u, 'No control or format characters (NUL, bidirectional overrides, zero-width marks) or unpaired surrogates');

/**
 * Free text as a person typed it: trimmed, normalised to Unicode NFC (so the same words are the
 * same stored text), without NUL or unpaired surrogates.
 */
export function freeTextSchema(max: number, min = 1) {
  return z
    .string()
    .trim()
    .normalize('NFC')
    .min(min)
    .max(max)
    .regex(/^[^\u0000\p{Cs}]*$/u, 'No NUL characters or unpaired surrogates');
}

/** Application ids are also URL path segments and Cosmos DB ids: no `/ \ ? #`, no spaces. */
export const applicationIdSchema = idSchema.regex(/^[A-Za-z0-9][A-Za-z0-9._:@~-]*$/, 'Letters, digits and . _ : @ ~ - only, starting with a letter or digit');

/** A short free-text reason given with an action; visible to everyone who sees the stage. */
export const reasonSchema = freeTextSchema(1000);

/** Recruiter-only notes; never part of the candidate view. */
export const internalNotesSchema = freeTextSchema(5000, 0);

/** Who closed something, when, and why (cancellation, revocation, …). */
export const closureSchema = z.object({
  reason: reasonSchema.optional(),
  by: actorRefSchema,
  at: isoDateTimeSchema,
});
export type Closure = z.infer<typeof closureSchema>;
