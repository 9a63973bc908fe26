import { z } from 'zod';
import { stageEventKinds } from '../../stages/domain/stage-event.ts';
import { stageEventPayloadSchema } from '../domain/stage-cloud-event.ts';
import { applicationFactsSchema } from '../domain/notification-facts.ts';

/**
 * The body of a `notifications` queue message: the seed payload (`type` … `timestamp`, exactly)
 * plus the event's id, order and the facts a notification fan-out decides on (the event's, and
 * the application's as of publishing). One message per
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
  /**
   * The application's facts as of publishing (`notification-facts.ts`); absent in messages sent
   * before they were added. Facts that do not read are left out, not fatal: the fan-out then
   * reads the application, as for an older message.
   */
  application: applicationFactsSchema.optional().catch(undefined),
});

export type NotificationMessageBody = z.infer<typeof notificationMessageSchema>;

/**
 * Notices that are not stage events but reach the same `notifications` queue (one message each,
 * `messageId` = `eventId`, deterministic so a resend is dropped as a duplicate):
 * - `upload.rejected`: the documents capability's content gate refused an upload; the uploader is told.
 * - `calendar.connection_invalid`: Google refused a recruiter's refresh token (`invalid_grant`);
 *   the recruiter is told to reconnect.
 */
export const uploadRejectedNoticeSchema = z.object({
  kind: z.literal('upload.rejected'),
  eventId: z.string().min(1),
  tenantId: z.string().min(1),
  applicationId: z.string().min(1),
  stageId: z.string().min(1).optional(),
  uploadId: z.string().min(1),
  purpose: z.string().min(1),
  reason: z.string().min(1),
  uploader: z.object({ role: z.string().min(1), id: z.string().min(1) }),
  timestamp: z.string().min(1),
});

export const calendarConnectionInvalidNoticeSchema = z.object({
  kind: z.literal('calendar.connection_invalid'),
  eventId: z.string().min(1),
  tenantId: z.string().min(1),
  recruiterId: z.string().min(1),
  timestamp: z.string().min(1),
});

export type UploadRejectedNotice = z.infer<typeof uploadRejectedNoticeSchema>;
export type CalendarConnectionInvalidNotice = z.infer<typeof calendarConnectionInvalidNoticeSchema>;

/** Anything on the `notifications` queue. */
export const notificationsQueueBodySchema = z.union([notificationMessageSchema, uploadRejectedNoticeSchema, calendarConnectionInvalidNoticeSchema]);
export type NotificationsQueueBody = z.infer<typeof notificationsQueueBodySchema>;
