import { z } from 'zod';
import { applicationDocumentSchema } from '../domain/application.schema.ts';
import { assignmentDataSchema } from '../domain/types/assignment.schema.ts';
import { disqualifiedDataSchema } from '../domain/types/disqualified.schema.ts';
import { feedbackSchema } from '../domain/feedback.schema.ts';
import { candidateLiveInterviewCallSchema, liveInterviewDataSchema } from '../domain/types/live-interview.schema.ts';
import { idSchema, isoDateTimeSchema } from '../domain/schema-primitives.ts';
import { stageActionSchema } from '../domain/stage-action.schema.ts';
import {
  assignmentStageSchema, disqualifiedStageSchema, liveInterviewStageSchema, offerAcceptedStageSchema, offerStageSchema, stageSchema,
} from '../domain/stage.model.ts';

/**
 * Response shapes of the stage API, as zod schemas: the OpenAPI document is generated from them
 * and the HTTP tests check responses against them.
 */
export const readModelSchema = z.enum(['stages', 'legacy']).describe('`stages`: stored dynamic stages; `legacy`: the legacy transformation (flag off, or an imported application without stages).');

const allowedActionsSchema = z.array(stageActionSchema).describe('What the caller may do on this stage now.');

/** A stage as staff (recruiters, interviewers, admins) see it. */
export const staffStageViewSchema = z.intersection(stageSchema, z.object({ allowedActions: allowedActionsSchema }));

const candidateHidden = { feedback: true, internalNotes: true, visibleToCandidate: true, createdBy: true } as const;

/** A stage as its candidate sees it: no feedback, internal notes, creator or internal data fields. */
export const candidateStageViewSchema = z.discriminatedUnion('type', [
  liveInterviewStageSchema.omit(candidateHidden).extend({ data: liveInterviewDataSchema.omit({ interviewerIds: true }).extend({ call: candidateLiveInterviewCallSchema.optional() }), allowedActions: allowedActionsSchema }),
  assignmentStageSchema.omit(candidateHidden).extend({ data: assignmentDataSchema.omit({ reviewerIds: true, reviewedBy: true }), allowedActions: allowedActionsSchema }),
  offerStageSchema.omit(candidateHidden).extend({ allowedActions: allowedActionsSchema }),
  offerAcceptedStageSchema.omit(candidateHidden).extend({ allowedActions: allowedActionsSchema }),
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
