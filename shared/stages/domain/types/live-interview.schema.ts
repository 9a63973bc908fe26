import { z } from 'zod';
import { actorRefSchema } from '../../../auth/domain/actor.ts';
import { closureSchema, freeTextSchema, idSchema, isoDateTimeSchema, reasonSchema } from '../schema-primitives.ts';

export const liveInterviewStatuses = ['awaiting_candidate', 'scheduled', 'completed', 'cancelled'] as const;
export type LiveInterviewStatus = (typeof liveInterviewStatuses)[number];

export const interviewModes = ['video', 'phone', 'in_person'] as const;

/** A candidate's pending request to move a scheduled interview; cleared when a recruiter decides. */
export const rescheduleRequestSchema = z.object({
  requestedBy: actorRefSchema,
  reason: reasonSchema,
  requestedAt: isoDateTimeSchema,
  /** Slots the candidate would prefer instead, if they named any. */
  preferredSlotIds: z.array(idSchema).max(10).optional(),
});
export type RescheduleRequest = z.infer<typeof rescheduleRequestSchema>;

/** The recruiter's answer to the latest reschedule request (kept for display; history lives in the timeline). */
export const rescheduleDecisionSchema = z.object({
  decision: z.enum(['approved', 'denied']),
  decidedBy: actorRefSchema,
  decidedAt: isoDateTimeSchema,
  reason: reasonSchema.optional(),
  request: rescheduleRequestSchema,
  /** On approval: the slot the call was moved from and to. The scheduled call id never changes. */
  previousSlotId: idSchema.optional(),
  newSlotId: idSchema.optional(),
});
export type RescheduleDecision = z.infer<typeof rescheduleDecisionSchema>;

/**
 * What the stage keeps of its scheduled call (the `scheduledCalls` document is the record; the
 * scheduling capability writes this copy in the same replace as the stage change, so a stage read
 * needs no second read). `calendarEventId` is staff-only: the candidate view drops it.
 */
export const liveInterviewCallSchema = z.object({
  start: isoDateTimeSchema,
  end: isoDateTimeSchema,
  /** The zone the slot was published in. */
  timeZone: z.string().min(1).max(64),
  meetLink: z.string().url().optional(),
  status: z.enum(['scheduled', 'completed', 'cancelled']),
  calendarEventId: z.string().min(5).max(1024),
});
export type LiveInterviewCall = z.infer<typeof liveInterviewCallSchema>;

/** The call as a candidate sees it. */
export const candidateLiveInterviewCallSchema = liveInterviewCallSchema.omit({ calendarEventId: true });

/**
 * `live_interview` data.
 * - `recruiterId`: whose availability slots the candidate picks from (absent only on legacy stages).
 * - `slotOptions`: when set, the candidate must pick one of these slot ids; otherwise any open slot.
 * - `slotId` / `scheduledCallId` / `scheduledAt`: set by `schedule`; `scheduledCallId` points into
 *   the `scheduledCalls` container, which holds the calendar event id, times and Meet link;
 *   `call` is the stage's copy of them (start, end, Meet link, status).
 * - `rescheduleRequested`: present while a candidate's request awaits the recruiter.
 * - `interviewerIds`: internal staffing; interviewers listed here may submit feedback.
 */
export const liveInterviewDataSchema = z.object({
  recruiterId: idSchema.optional(),
  interviewerIds: z.array(idSchema).max(20),
  durationMinutes: z.number().int().min(15).max(480),
  mode: z.enum(interviewModes),
  /** Address or dial-in details for `in_person` / `phone`; video calls get their Meet link from the call. */
  location: z.string().trim().min(1).max(500).optional(),
  slotOptions: z.array(idSchema).min(1).max(50).optional(),
  slotId: idSchema.optional(),
  scheduledCallId: idSchema.optional(),
  scheduledAt: isoDateTimeSchema.optional(),
  call: liveInterviewCallSchema.optional(),
  rescheduleRequested: rescheduleRequestSchema.optional(),
  lastRescheduleDecision: rescheduleDecisionSchema.optional(),
  cancellation: closureSchema.optional(),
});
export type LiveInterviewData = z.infer<typeof liveInterviewDataSchema>;

/** `data` of a create-stage body for `live_interview`. */
export const createLiveInterviewDataSchema = z.strictObject({
  recruiterId: idSchema,
  interviewerIds: z.array(idSchema).max(20).default([]),
  durationMinutes: z.number().int().min(15).max(480).default(60),
  mode: z.enum(interviewModes).default('video'),
  location: freeTextSchema(500).optional(),
  slotOptions: z.array(idSchema).min(1).max(50).optional(),
});
