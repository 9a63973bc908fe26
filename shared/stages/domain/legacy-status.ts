import { z } from 'zod';

/** Statuses applications had before dynamic stages, in pipeline order (`rejected` can follow any). */
export const legacyStatuses = [
  'applied',
  'screening',
  'interview_scheduled',
  'assignment_sent',
  'offer_sent',
  'offer_accepted',
  'hired',
  'rejected',
] as const;
export type LegacyStatus = (typeof legacyStatuses)[number];

export const legacyStatusSchema = z.enum(legacyStatuses);
