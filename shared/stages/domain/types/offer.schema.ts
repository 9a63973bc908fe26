import { z } from 'zod';
import { actorRefSchema } from '../../../auth/domain/actor.ts';
import { documentRefSchema } from '../document-ref.schema.ts';
import { freeTextSchema, isoDateSchema, isoDateTimeSchema, reasonSchema } from '../schema-primitives.ts';

export const offerStatuses = ['awaiting_candidate', 'accepted', 'declined', 'revoked', 'expired'] as const;
export type OfferStatus = (typeof offerStatuses)[number];

/** Compensation as offered; `amount` in major units of `currency` (ISO 4217) per `period`. */
export const salarySchema = z.strictObject({
  amount: z.number().positive().max(1_000_000_000),
  currency: z.string().regex(/^[A-Z]{3}$/, 'Expected an ISO 4217 currency code such as EUR'),
  period: z.enum(['year', 'month', 'hour']),
});

/** How the offer ended: the action's outcome, who, when and an optional reason. */
export const offerResolutionSchema = z.object({
  outcome: z.enum(['accepted', 'declined', 'revoked', 'expired']),
  reason: reasonSchema.optional(),
  by: actorRefSchema,
  at: isoDateTimeSchema,
});

/**
 * `offer` data.
 * - `offerLetter`: a verified document, required on creation (absent only on legacy stages).
 * - `expiresAt`: after it the candidate can no longer accept or decline; `expire` closes the stage.
 * - `resolution`: set by accept / decline / revoke / expire.
 */
export const offerDataSchema = z.object({
  offerLetter: documentRefSchema.optional(),
  expiresAt: isoDateTimeSchema.optional(),
  salary: salarySchema.optional(),
  startDate: isoDateSchema.optional(),
  message: z.string().max(5000).optional(),
  resolution: offerResolutionSchema.optional(),
});
export type OfferData = z.infer<typeof offerDataSchema>;

/** `data` of a create-stage body for `offer`. `expiresAt` must lie in the future. */
export const createOfferDataSchema = z.strictObject({
  offerLetter: documentRefSchema,
  expiresAt: isoDateTimeSchema.optional(),
  salary: salarySchema.optional(),
  startDate: isoDateSchema.optional(),
  message: freeTextSchema(5000).optional(),
});
