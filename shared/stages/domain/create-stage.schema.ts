import { z } from 'zod';
import { createAssignmentDataSchema } from './types/assignment.schema.ts';
import { createDisqualifiedDataSchema } from './types/disqualified.schema.ts';
import { createLiveInterviewDataSchema } from './types/live-interview.schema.ts';
import { createOfferAcceptedDataSchema } from './types/offer-accepted.schema.ts';
import { createOfferDataSchema } from './types/offer.schema.ts';
import { freeTextSchema, internalNotesSchema } from './schema-primitives.ts';
import type { StageType } from './stage.model.ts';

/**
 * Fields every create-stage body may carry. `title` defaults to the type's name;
 * `visibleToCandidate` defaults to true; `internalNotes` is recruiter-only.
 */
const commonCreateShape = {
  title: freeTextSchema(200).optional(),
  visibleToCandidate: z.boolean().default(true),
  internalNotes: internalNotesSchema.optional(),
};

/** The create body of one stage type: its `type`, the common fields and its create-time `data`. */
export function createBodySchema<T extends StageType, D extends z.ZodType>(type: T, data: D) {
  return z.strictObject({
    type: z.literal(type),
    ...commonCreateShape,
    data,
  });
}

/** Body of `POST /applications/{applicationId}/stages`, discriminated by `type`. */
export const createStageBodySchema = z.discriminatedUnion('type', [
  createBodySchema('live_interview', createLiveInterviewDataSchema),
  createBodySchema('assignment', createAssignmentDataSchema),
  createBodySchema('offer', createOfferDataSchema),
  createBodySchema('offer_accepted', createOfferAcceptedDataSchema),
  createBodySchema('disqualified', createDisqualifiedDataSchema),
]);

/** The body as a client sends it (defaults not yet applied). */
export type CreateStageBody = z.input<typeof createStageBodySchema>;
/** The body after validation, defaults applied. */
export type CreateStageInput = z.output<typeof createStageBodySchema>;
