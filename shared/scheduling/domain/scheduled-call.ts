import { z } from 'zod';
import { actorRefSchema } from '../../auth/domain/actor.ts';
import { idSchema, isoDateTimeSchema } from '../../stages/domain/schema-primitives.ts';
import type { LiveInterviewCall } from '../../stages/domain/types/live-interview.schema.ts';

/**
 * - `pending`: the slot is held and the event is being created; nothing committed yet.
 * - `scheduled`: the stage references the call and the event exists.
 * - `completed` / `cancelled`: mirrored to the stage.
 * - `abandoned`: the booking never committed and its event (if any) was deleted.
 */
export const callStatuses = ['pending', 'scheduled', 'completed', 'cancelled', 'abandoned'] as const;
export type CallStatus = (typeof callStatuses)[number];

export const attendeeSchema = z.object({
  email: z.string().min(3).max(320),
  role: z.enum(['candidate', 'interviewer']),
});
export type Attendee = z.infer<typeof attendeeSchema>;

/** An approved reschedule in flight: the event is being moved to `slotId`; cleared once the stage committed it. */
export const pendingMoveSchema = z.object({
  slotId: idSchema,
  start: isoDateTimeSchema,
  end: isoDateTimeSchema,
  timeZone: z.string().min(1),
  since: isoDateTimeSchema,
});
export type PendingMove = z.infer<typeof pendingMoveSchema>;

/**
 * A scheduled call (`scheduledCalls`, partition `/applicationId`): `stage.data.scheduledCallId`
 * points here. Identity is (tenantId, applicationId, id). The calendar event's id is derived from
 * the call id (`calendarEventIdFor`), so a retry meets the same event instead of making another.
 */
export const scheduledCallSchema = z.object({
  id: idSchema,
  kind: z.literal('call'),
  tenantId: idSchema,
  applicationId: idSchema,
  stageId: idSchema,
  recruiterId: idSchema,
  slotId: idSchema,
  calendarId: z.string().min(1),
  calendarEventId: z.string().min(5),
  attendees: z.array(attendeeSchema).max(25),
  start: isoDateTimeSchema,
  end: isoDateTimeSchema,
  timeZone: z.string().min(1),
  meetLink: z.string().url().optional(),
  status: z.enum(callStatuses),
  eventEtag: z.string().optional(),
  pendingMove: pendingMoveSchema.optional(),
  createdBy: actorRefSchema,
  createdAt: isoDateTimeSchema,
  updatedAt: isoDateTimeSchema,
});
export type ScheduledCall = z.infer<typeof scheduledCallSchema>;

/** What the stage keeps of its call (so a stage read needs no second read). */
export function callSummary(call: Pick<ScheduledCall, 'start' | 'end' | 'timeZone' | 'meetLink' | 'calendarEventId'>, status: LiveInterviewCall['status'] = 'scheduled'): LiveInterviewCall {
  return {
    start: call.start,
    end: call.end,
    timeZone: call.timeZone,
    ...(call.meetLink === undefined ? {} : { meetLink: call.meetLink }),
    status,
    calendarEventId: call.calendarEventId,
  };
}

/** Whether a call's end has passed. */
export function hasEnded(call: Pick<ScheduledCall, 'end'>, now: string): boolean {
  return Date.parse(call.end) <= Date.parse(now);
}
