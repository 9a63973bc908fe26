import { z } from 'zod';
import { actorRefSchema } from '../../../auth/domain/actor.ts';
import { artifactRefSchema, documentRefSchema } from '../document-ref.schema.ts';
import { closureSchema, freeTextSchema, idSchema, isoDateTimeSchema } from '../schema-primitives.ts';

export const assignmentStatuses = ['awaiting_candidate', 'awaiting_recruiter', 'completed', 'cancelled'] as const;
export type AssignmentStatus = (typeof assignmentStatuses)[number];

export const maxAssignmentArtifacts = 20;
/** Earlier submissions kept when a later accepted one replaced them (while awaiting the recruiter). */
export const maxSubmissionHistory = 20;

/** A submission a later one replaced: the document, its note, when it was submitted and replaced. */
export const previousSubmissionSchema = z.strictObject({
  submission: documentRefSchema,
  submissionNote: z.string().max(2000).optional(),
  submittedAt: isoDateTimeSchema,
  replacedAt: isoDateTimeSchema,
});
export type PreviousSubmission = z.infer<typeof previousSubmissionSchema>;

/**
 * `assignment` data.
 * - `artifacts`: recruiter material (uploaded documents or HTTPS links), appended with `add_artifact`.
 * - `submission`: the candidate's verified document; a short-lived read URL (`submissionUrl`) is
 *   minted on read by the documents module and never stored.
 * - `submissionHistory`: earlier submissions, oldest first, each replaced by a later accepted one
 *   while the stage still awaited the recruiter.
 * - `outcome`: set when the recruiter passes or fails the submission (status `completed`).
 * - `reviewerIds`: internal; interviewers listed here may submit feedback.
 */
export const assignmentDataSchema = z.object({
  instructions: z.string().min(1).max(10_000),
  dueAt: isoDateTimeSchema.optional(),
  artifacts: z.array(artifactRefSchema).max(maxAssignmentArtifacts),
  reviewerIds: z.array(idSchema).max(20),
  submission: documentRefSchema.optional(),
  submissionNote: z.string().max(2000).optional(),
  submittedAt: isoDateTimeSchema.optional(),
  submissionHistory: z.array(previousSubmissionSchema).max(maxSubmissionHistory).optional(),
  outcome: z.enum(['passed', 'failed']).optional(),
  reviewedBy: actorRefSchema.optional(),
  reviewedAt: isoDateTimeSchema.optional(),
  cancellation: closureSchema.optional(),
});
export type AssignmentData = z.infer<typeof assignmentDataSchema>;

/** `data` of a create-stage body for `assignment`. `dueAt` must lie in the future. */
export const createAssignmentDataSchema = z.strictObject({
  instructions: freeTextSchema(10_000),
  dueAt: isoDateTimeSchema.optional(),
  artifacts: z.array(artifactRefSchema).max(maxAssignmentArtifacts).default([]),
  reviewerIds: z.array(idSchema).max(20).default([]),
});
