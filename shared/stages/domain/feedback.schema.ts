import { z } from 'zod';
import { freeTextSchema, idSchema, isoDateTimeSchema } from './schema-primitives.ts';

export const recommendations = ['strong_no', 'no', 'mixed', 'yes', 'strong_yes'] as const;
export type Recommendation = (typeof recommendations)[number];

/** Roles that may author feedback; `admin` acts as a recruiter and is recorded as such. */
export const feedbackAuthorRoles = ['interviewer', 'recruiter', 'admin'] as const;

/** Body of `POST …/stages/{stageId}/feedback`: a scorecard. */
export const feedbackInputSchema = z.strictObject({
  /** Overall rating, integer 1 (poor) … 5 (excellent). */
  rating: z.number().int().min(1).max(5),
  recommendation: z.enum(recommendations),
  notes: freeTextSchema(5000, 0).optional(),
});
export type FeedbackInput = z.input<typeof feedbackInputSchema>;

/**
 * A scorecard as stored on the stage. Recruiter-only: the candidate view never includes
 * feedback, and feedback events carry only the feedback id.
 */
export const feedbackSchema = z.object({
  id: idSchema,
  authorId: z.string().min(1).max(256),
  authorRole: z.enum(feedbackAuthorRoles),
  rating: z.number().int().min(1).max(5),
  recommendation: z.enum(recommendations),
  notes: z.string().max(5000).optional(),
  submittedAt: isoDateTimeSchema,
});
export type Feedback = z.infer<typeof feedbackSchema>;
