import { z } from 'zod';
import { actorRoleSchema } from '../../auth/domain/actor.ts';
import { outboxEventSchema } from '../../stages/domain/application.schema.ts';
import { stageEventKinds } from '../../stages/domain/stage-event.ts';
import { stageTypes } from '../../stages/domain/stage.model.ts';
import { TIMELINE_PAGE_DEFAULT, TIMELINE_PAGE_MAX } from '../use-cases/read-timeline.ts';

/** Query of `GET /applications/{applicationId}/timeline`. */
export const timelinePageQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(TIMELINE_PAGE_MAX).default(TIMELINE_PAGE_DEFAULT),
  continuationToken: z.string().min(1).max(512).optional().describe('From the previous page; absent for the first.'),
});

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

export const staffTimelineEntrySchema = z
  .object({
    id: z.string().describe('= the event id, `${applicationId}:${seq}`'),
    applicationId: z.string(),
    seq: z.number().int().min(1),
    prevHash: sha256Hex.describe('`hash` of entry seq-1; 64 zeros for the first entry.'),
    hash: sha256Hex.describe('SHA-256 (hex) of the canonical JSON (RFC 8785) of `{ id, applicationId, seq, prevHash, event }`.'),
    kid: z.string().optional().describe('Id of the signing key (kept outside the database).'),
    mac: z.string().optional().describe('HMAC-SHA256 (base64url) of the chain position, by that key.'),
    event: outboxEventSchema.omit({ chain: true }),
    recordedAt: z.string(),
  })
  .describe('A timeline entry as stored (staff).');

export const candidateTimelineEntrySchema = z
  .object({
    id: z.string(),
    seq: z.number().int().min(1).describe('Position among the entries the candidate may see (1, 2, 3 …).'),
    recordedAt: z.string(),
    event: z.object({
      kind: z.enum(stageEventKinds),
      stageId: z.string(),
      stageType: z.enum(stageTypes),
      stageStatus: z.string(),
      previousStatus: z.string().optional(),
      action: z.string().optional(),
      actor: z.object({ role: actorRoleSchema, id: z.string().optional().describe('Only when the candidate acted.') }),
      timestamp: z.string(),
      actionableBy: z.enum(['candidate', 'recruiter']).nullable(),
    }),
  })
  .describe('A timeline entry as its candidate sees it: no hashes, no staff identities.');

export const timelinePageSchema = z.object({
  items: z.array(z.union([staffTimelineEntrySchema, candidateTimelineEntrySchema])),
  continuationToken: z.string().optional().describe('Present when more entries follow.'),
});

export const chainVerificationSchema = z.object({
  valid: z.boolean(),
  anchored: z.boolean().describe('The chain ends at the signed head kept in the application document (a chain rewritten in the database is not).'),
  entries: z.number().int().min(0),
  firstBrokenSeq: z.number().int().min(1).optional().describe('The first seq where the chain does not hold: changed, missing or extra.'),
});
