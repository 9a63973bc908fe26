import { z } from 'zod';
import { applicationDocumentSchema } from '../domain/application.schema.ts';
import { documentRefSchema, linkRefSchema } from '../domain/document-ref.schema.ts';
import { assignmentDataSchema, maxAssignmentArtifacts, maxSubmissionHistory, previousSubmissionSchema } from '../domain/types/assignment.schema.ts';
import { disqualifiedDataSchema } from '../domain/types/disqualified.schema.ts';
import { maxOnboardingDocuments, offerAcceptedDataSchema, onboardingDocumentSchema } from '../domain/types/offer-accepted.schema.ts';
import { offerDataSchema } from '../domain/types/offer.schema.ts';
import { feedbackSchema } from '../domain/feedback.schema.ts';
import { candidateLiveInterviewCallSchema, liveInterviewDataSchema } from '../domain/types/live-interview.schema.ts';
import { idSchema, isoDateTimeSchema } from '../domain/schema-primitives.ts';
import { stageActionSchema } from '../domain/stage-action.schema.ts';
import {
  assignmentStageSchema, disqualifiedStageSchema, liveInterviewStageSchema, offerAcceptedStageSchema, offerStageSchema,
} from '../domain/stage.model.ts';

/**
 * Response shapes of the stage API, as zod schemas: the OpenAPI document is generated from them
 * and the HTTP tests check responses against them.
 */
export const readModelSchema = z.enum(['stages', 'legacy']).describe('`stages`: stored dynamic stages; `legacy`: the legacy transformation (flag off, or an imported application without stages).');

const allowedActionsSchema = z.array(stageActionSchema).describe('What the caller may do on this stage now.');

/** A short-lived read URL, minted on each read for those who may see the stage; never stored. */
const readUrlSchema = z.url().describe('Read-only URL of this one document, valid for at most 15 minutes (content-disposition: attachment), minted on this read and never stored.');

/** A verified document as a read shows it: its reference and, when one could be made, a read URL. */
export const documentViewSchema = documentRefSchema.extend({ url: readUrlSchema.optional() });

/** Document-bearing `data` as reads show it (the stored shape plus read URLs). */
const assignmentDataViewSchema = assignmentDataSchema.extend({
  artifacts: z.array(z.union([documentViewSchema, linkRefSchema])).max(maxAssignmentArtifacts),
  submission: documentViewSchema.optional(),
  submissionUrl: readUrlSchema.optional(),
  submissionHistory: z.array(previousSubmissionSchema.extend({ submission: documentViewSchema })).max(maxSubmissionHistory).optional(),
});
const offerDataViewSchema = offerDataSchema.extend({ offerLetter: documentViewSchema.optional() });
const offerAcceptedDataViewSchema = offerAcceptedDataSchema.extend({
  onboardingDocuments: z.array(onboardingDocumentSchema.extend({ url: readUrlSchema.optional() })).max(maxOnboardingDocuments),
});

/** A stage as staff (recruiters, interviewers, admins) see it. */
export const staffStageViewSchema = z.discriminatedUnion('type', [
  liveInterviewStageSchema.extend({ allowedActions: allowedActionsSchema }),
  assignmentStageSchema.extend({ data: assignmentDataViewSchema, allowedActions: allowedActionsSchema }),
  offerStageSchema.extend({ data: offerDataViewSchema, allowedActions: allowedActionsSchema }),
  offerAcceptedStageSchema.extend({ data: offerAcceptedDataViewSchema, allowedActions: allowedActionsSchema }),
  disqualifiedStageSchema.extend({ allowedActions: allowedActionsSchema }),
]);

const candidateHidden = { feedback: true, internalNotes: true, visibleToCandidate: true, createdBy: true } as const;

/** A stage as its candidate sees it: no feedback, internal notes, creator or internal data fields. */
export const candidateStageViewSchema = z.discriminatedUnion('type', [
  liveInterviewStageSchema.omit(candidateHidden).extend({ data: liveInterviewDataSchema.omit({ interviewerIds: true }).extend({ call: candidateLiveInterviewCallSchema.optional() }), allowedActions: allowedActionsSchema }),
  assignmentStageSchema.omit(candidateHidden).extend({ data: assignmentDataViewSchema.omit({ reviewerIds: true, reviewedBy: true }), allowedActions: allowedActionsSchema }),
  offerStageSchema.omit(candidateHidden).extend({ data: offerDataViewSchema, allowedActions: allowedActionsSchema }),
  offerAcceptedStageSchema.omit(candidateHidden).extend({ data: offerAcceptedDataViewSchema, allowedActions: allowedActionsSchema }),
  disqualifiedStageSchema.omit(candidateHidden).extend({ data: disqualifiedDataSchema.omit({ reason: true, notifyCandidate: true }), allowedActions: allowedActionsSchema }),
]);

export const staffApplicationViewSchema = applicationDocumentSchema.omit({ outbox: true, eventSeq: true }).extend({
  view: z.literal('staff'),
  model: readModelSchema,
  stages: z.array(staffStageViewSchema),
});

export const candidateApplicationViewSchema = z.object({
  view: z.literal('candidate'),
  model: readModelSchema,
  id: idSchema,
  applicationId: idSchema,
  jobId: idSchema,
  candidateId: idSchema,
  stages: z.array(candidateStageViewSchema),
  closedAt: isoDateTimeSchema.optional(),
  createdAt: isoDateTimeSchema,
  updatedAt: isoDateTimeSchema,
});

export const applicationViewSchema = z.discriminatedUnion('view', [staffApplicationViewSchema, candidateApplicationViewSchema]);

export const applicationPageSchema = z.object({
  items: z.array(staffApplicationViewSchema),
  continuationToken: z.string().optional().describe('Pass back as `continuationToken` for the next page; absent on the last page.'),
});

/** Answer of the stage routes: the stage in the caller's view. */
export const stageResponseSchema = z.object({
  applicationId: idSchema,
  model: readModelSchema,
  stage: z.union([staffStageViewSchema, candidateStageViewSchema]),
});

export const feedbackResponseSchema = z.object({
  applicationId: idSchema,
  stageId: idSchema,
  feedback: feedbackSchema,
});

export const batchItemResultSchema = z.object({
  applicationId: z.string(),
  status: z.enum(['succeeded', 'failed']),
  stageId: idSchema.optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});

export const batchResultSchema = z.object({
  operation: z.enum(['disqualify', 'create_stage']),
  succeeded: z.number().int().min(0),
  failed: z.number().int().min(0),
  items: z.array(batchItemResultSchema),
});

export type StaffStageView = z.infer<typeof staffStageViewSchema>;
export type StaffApplicationView = z.infer<typeof staffApplicationViewSchema>;
export type CandidateApplicationViewBody = z.infer<typeof candidateApplicationViewSchema>;
export type ApplicationView = z.infer<typeof applicationViewSchema>;
export type ApplicationPageView = z.infer<typeof applicationPageSchema>;
export type StageResponse = z.infer<typeof stageResponseSchema>;
export type FeedbackResponse = z.infer<typeof feedbackResponseSchema>;
export type BatchItemResult = z.infer<typeof batchItemResultSchema>;
export type BatchResult = z.infer<typeof batchResultSchema>;
