import { z } from 'zod';
import { stageResponseSchema } from '../../stages/api/application-views.schema.ts';
import { idSchema, reasonSchema } from '../../stages/domain/schema-primitives.ts';

export const scheduleBodySchema = z.strictObject({ slotId: idSchema });
export const rescheduleBodySchema = z.strictObject({ slotId: idSchema, reason: reasonSchema.optional() });

export const callViewSchema = z.object({
  id: idSchema,
  status: z.enum(['pending', 'scheduled', 'completed', 'cancelled', 'abandoned']),
  start: z.string(),
  end: z.string(),
  timeZone: z.string(),
  meetLink: z.string().optional(),
  calendarEventId: z.string().optional().describe('Staff only.'),
});

/** The stage in the caller's view and the call it now points to. */
export const scheduleResponseSchema = stageResponseSchema.extend({ call: callViewSchema });

export type ScheduleBody = z.infer<typeof scheduleBodySchema>;
export type RescheduleBody = z.infer<typeof rescheduleBodySchema>;
export type CallView = z.infer<typeof callViewSchema>;
export type ScheduleResponse = z.infer<typeof scheduleResponseSchema>;
