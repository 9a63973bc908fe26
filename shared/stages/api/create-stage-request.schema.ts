import { z } from 'zod';
import { createBodySchema } from '../domain/create-stage.schema.ts';
import { documentIdRefSchema, linkRefSchema } from '../domain/document-ref.schema.ts';
import { createAssignmentDataSchema, maxAssignmentArtifacts } from '../domain/types/assignment.schema.ts';
import { createDisqualifiedDataSchema } from '../domain/types/disqualified.schema.ts';
import { createLiveInterviewDataSchema } from '../domain/types/live-interview.schema.ts';
import { createOfferAcceptedDataSchema, maxOnboardingDocuments } from '../domain/types/offer-accepted.schema.ts';
import { createOfferDataSchema } from '../domain/types/offer.schema.ts';
import { idSchema } from '../domain/schema-primitives.ts';

/**
 * Body of `POST /applications/{applicationId}/stages` as clients send it: like the domain's
 * create body, except that documents are named by `documentId` only. The use case resolves each
 * id to the verified document before the stage is built; anything else is `DOCUMENT.NOT_FOUND`.
 * A live interview may name `data.slotId`: it is then created already scheduled in that slot
 * (through the scheduling capability's `InterviewBooking`).
 */
export const createStageRequestSchema = z.discriminatedUnion('type', [
  createBodySchema(
    'live_interview',
    createLiveInterviewDataSchema.extend({
      slotId: idSchema.optional().describe('Book this slot of the recruiter now: the calendar event is created first, and no stage is created when that fails.'),
    }),
  ),
  createBodySchema(
    'assignment',
    createAssignmentDataSchema.extend({
      artifacts: z.array(z.union([documentIdRefSchema, linkRefSchema])).max(maxAssignmentArtifacts).default([]),
    }),
  ),
  // Optional here so that an offer without its letter is 409 OFFER.LETTER_REQUIRED (upload it first), not a shape error.
  createBodySchema('offer', createOfferDataSchema.extend({ offerLetter: documentIdRefSchema.optional() })),
  createBodySchema(
    'offer_accepted',
    createOfferAcceptedDataSchema.extend({ onboardingDocuments: z.array(documentIdRefSchema).max(maxOnboardingDocuments).default([]) }),
  ),
  createBodySchema('disqualified', createDisqualifiedDataSchema),
]);

/** The body as a client sends it (defaults not yet applied). */
export type CreateStageRequest = z.input<typeof createStageRequestSchema>;
