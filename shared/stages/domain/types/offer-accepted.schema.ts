import { z } from 'zod';
import { actorRefSchema } from '../../../auth/domain/actor.ts';
import { documentRefSchema } from '../document-ref.schema.ts';
import { freeTextSchema, isoDateSchema, isoDateTimeSchema } from '../schema-primitives.ts';

export const offerAcceptedStatuses = ['awaiting_candidate', 'completed'] as const;
export type OfferAcceptedStatus = (typeof offerAcceptedStatuses)[number];

export const maxOnboardingDocuments = 50;

/** An onboarding document and who attached it when. */
export const onboardingDocumentSchema = documentRefSchema.extend({
  addedBy: actorRefSchema,
  addedAt: isoDateTimeSchema,
});
export type OnboardingDocument = z.infer<typeof onboardingDocumentSchema>;

/**
 * `offer_accepted` data: onboarding documents appended one by one (`add_onboarding_document`,
 * by candidate or recruiter, each after its upload was verified) until `complete`.
 */
export const offerAcceptedDataSchema = z.object({
  onboardingDocuments: z.array(onboardingDocumentSchema).max(maxOnboardingDocuments),
  startDate: isoDateSchema.optional(),
  message: z.string().max(5000).optional(),
  completedAt: isoDateTimeSchema.optional(),
});
export type OfferAcceptedData = z.infer<typeof offerAcceptedDataSchema>;

/** `data` of a create-stage body for `offer_accepted`. */
export const createOfferAcceptedDataSchema = z.strictObject({
  onboardingDocuments: z.array(documentRefSchema).max(maxOnboardingDocuments).default([]),
  startDate: isoDateSchema.optional(),
  message: freeTextSchema(5000).optional(),
});
