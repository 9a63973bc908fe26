import { z } from 'zod';
import { createAssignmentDataSchema } from './assignment.schema.ts';
import { createDisqualifiedDataSchema } from './disqualified.schema.ts';
import { createLiveInterviewDataSchema } from './live-interview.schema.ts';
import { createOfferAcceptedDataSchema } from './offer-accepted.schema.ts';
import { createOfferDataSchema } from './offer.schema.ts';
import { internalNotesSchema } from './schema-primitives.ts';

/**
 * Fields every create-stage body may carry. `title` defaults to the type's name;
 * `visibleToCandidate` defaults to true; `internalNotes` is recruiter-only.
 */
const commonCreateShape = {
  title: z.string().trim().min(1).max(200).optional(),
  visibleToCandidate: z.boolean().default(true),
  internalNotes: internalNotesSchema.optional(),
};

export const createLiveInterviewBodySchema = z.strictObject({
  type: z.literal('live_interview'),
  ...commonCreateShape,
  data: createLiveInterviewDataSchema,
});
export const createAssignmentBodySchema = z.strictObject({
  type: z.literal('assignment'),
  ...commonCreateShape,
  data: createAssignmentDataSchema,
});
export const createOfferBodySchema = z.strictObject({
  type: z.literal('offer'),
  ...commonCreateShape,
  data: createOfferDataSchema,
});
export const createOfferAcceptedBodySchema = z.strictObject({
  type: z.literal('offer_accepted'),
  ...commonCreateShape,
  data: createOfferAcceptedDataSchema,
});
export const createDisqualifiedBodySchema = z.strictObject({
  type: z.literal('disqualified'),
  ...commonCreateShape,
  data: createDisqualifiedDataSchema,
});

/** Body of `POST /applications/{applicationId}/stages`, discriminated by `type`. */
export const createStageBodySchema = z.discriminatedUnion('type', [
  createLiveInterviewBodySchema,
  createAssignmentBodySchema,
  createOfferBodySchema,
  createOfferAcceptedBodySchema,
  createDisqualifiedBodySchema,
]);

/** The body as a client sends it (defaults not yet applied). */
export type CreateStageBody = z.input<typeof createStageBodySchema>;
/** The body after validation, defaults applied. */
export type CreateStageInput = z.output<typeof createStageBodySchema>;
