import { z } from 'zod';
import { stageEventKinds } from '../../stages/domain/stage-event.ts';
import { stageEventPayloadSchema } from '../domain/stage-cloud-event.ts';

/**
 * The body of a `notifications` queue message: the seed payload (`type` … `timestamp`, exactly)
 * plus the event's id, order and the facts a notification fan-out decides on. One message per
 * stage event; `messageId` = `eventId`.
 */
export const notificationMessageSchema = stageEventPayloadSchema.extend({
  eventId: z.string().min(1),
  seq: z.number().int().min(1),
  tenantId: z.string().min(1),
  kind: z.enum(stageEventKinds),
  stageId: z.string().min(1),
  previousStatus: z.string().min(1).optional(),
  action: z.string().min(1).optional(),
  feedbackId: z.string().min(1).optional(),
  visibleToCandidate: z.boolean(),
  actionableBy: z.enum(['candidate', 'recruiter']).nullable(),
});

export type NotificationMessageBody = z.infer<typeof notificationMessageSchema>;
