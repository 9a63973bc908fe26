import { z } from 'zod';
import { freeTextSchema } from '../schema-primitives.ts';

export const disqualifiedStatuses = ['completed'] as const;
export type DisqualifiedStatus = (typeof disqualifiedStatuses)[number];

/**
 * `disqualified` data. `reason` is internal (recruiter-only); `candidateMessage` is what the
 * candidate sees. `notifyCandidate` tells the notification module whether to tell them.
 */
export const disqualifiedDataSchema = z.object({
  reason: z.string().min(1).max(1000),
  notifyCandidate: z.boolean(),
  candidateMessage: z.string().max(2000).optional(),
});
export type DisqualifiedData = z.infer<typeof disqualifiedDataSchema>;

/** `data` of a create-stage body for `disqualified`. */
export const createDisqualifiedDataSchema = z.strictObject({
  reason: freeTextSchema(1000),
  notifyCandidate: z.boolean(),
  candidateMessage: freeTextSchema(2000).optional(),
});
