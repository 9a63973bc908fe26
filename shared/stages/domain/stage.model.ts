import { z } from 'zod';
import { actorRefSchema } from '../../auth/domain/actor.ts';
import { assignmentDataSchema, assignmentStatuses } from './types/assignment.schema.ts';
import { disqualifiedDataSchema, disqualifiedStatuses } from './types/disqualified.schema.ts';
import { feedbackSchema } from './feedback.schema.ts';
import { liveInterviewDataSchema, liveInterviewStatuses } from './types/live-interview.schema.ts';
import { offerAcceptedDataSchema, offerAcceptedStatuses } from './types/offer-accepted.schema.ts';
import { offerDataSchema, offerStatuses } from './types/offer.schema.ts';
import { idSchema, internalNotesSchema, isoDateTimeSchema } from './schema-primitives.ts';

export const stageTypes = ['live_interview', 'assignment', 'offer', 'offer_accepted', 'disqualified'] as const;
export type StageType = (typeof stageTypes)[number];

/** Every status a stage of each type can be in. */
export const stageStatuses = {
  live_interview: liveInterviewStatuses,
  assignment: assignmentStatuses,
  offer: offerStatuses,
  offer_accepted: offerAcceptedStatuses,
  disqualified: disqualifiedStatuses,
} as const satisfies Record<StageType, readonly string[]>;

export type StageStatusOf<T extends StageType> = (typeof stageStatuses)[T][number];
export type StageStatus = StageStatusOf<StageType>;

/**
 * Fields every stage has.
 * - `order`: 1-based position in the application, assigned on creation.
 * - `actionableBy`: derived from type + status by the lifecycle; never set by hand.
 * - `feedback`, `internalNotes`: recruiter-only.
 * - `readOnly`: true on stages produced by the legacy transformation; no action applies.
 */
const stageCommonShape = {
  id: idSchema,
  order: z.number().int().min(1),
  title: z.string().min(1).max(200),
  visibleToCandidate: z.boolean(),
  actionableBy: z.enum(['candidate', 'recruiter']).nullable(),
  feedback: z.array(feedbackSchema),
  internalNotes: internalNotesSchema.optional(),
  readOnly: z.boolean().optional(),
  createdAt: isoDateTimeSchema,
  createdBy: actorRefSchema,
  updatedAt: isoDateTimeSchema,
};

/** The stored schema of one stage type: the common fields, its `type`, one of its `stageStatuses` and its `data`. */
function storedStageSchema<T extends StageType, D extends z.ZodType>(type: T, data: D) {
  return z.object({
    ...stageCommonShape,
    type: z.literal(type),
    status: z.enum(stageStatuses[type]),
    data,
  });
}

export const liveInterviewStageSchema = storedStageSchema('live_interview', liveInterviewDataSchema);
export const assignmentStageSchema = storedStageSchema('assignment', assignmentDataSchema);
export const offerStageSchema = storedStageSchema('offer', offerDataSchema);
export const offerAcceptedStageSchema = storedStageSchema('offer_accepted', offerAcceptedDataSchema);
export const disqualifiedStageSchema = storedStageSchema('disqualified', disqualifiedDataSchema);

/** A stored stage; `data` is discriminated by `type`. */
export const stageSchema = z.discriminatedUnion('type', [
  liveInterviewStageSchema,
  assignmentStageSchema,
  offerStageSchema,
  offerAcceptedStageSchema,
  disqualifiedStageSchema,
]);

export type LiveInterviewStage = z.infer<typeof liveInterviewStageSchema>;
export type AssignmentStage = z.infer<typeof assignmentStageSchema>;
export type OfferStage = z.infer<typeof offerStageSchema>;
export type OfferAcceptedStage = z.infer<typeof offerAcceptedStageSchema>;
export type DisqualifiedStage = z.infer<typeof disqualifiedStageSchema>;
export type Stage = z.infer<typeof stageSchema>;
export type StageOf<T extends StageType> = Extract<Stage, { type: T }>;

export function isStageType(value: unknown): value is StageType {
  return typeof value === 'string' && (stageTypes as readonly string[]).includes(value);
}

export function isStatusOf<T extends StageType>(type: T, status: unknown): status is StageStatusOf<T> {
  return typeof status === 'string' && (stageStatuses[type] as readonly string[]).includes(status);
}
