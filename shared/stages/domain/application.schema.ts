import { z } from 'zod';
import { legacyStatusSchema } from './legacy-status.ts';
import { actorRefSchema } from '../../auth/domain/actor.ts';
import { stageActionSchema } from './stage-action.schema.ts';
import { stageEventKinds } from './stage-event.ts';
import type { StageEvent } from './stage-event.ts';
import type { ChainLink } from './event-chain.ts';
import { idSchema, isoDateTimeSchema } from './schema-primitives.ts';
import { stageSchema, stageTypes } from './stage.model.ts';

/**
 * A stage event waiting in the aggregate's outbox. `id` = `${tenantId}:${applicationId}:${seq}`:
 * unique across applications and tenants and stable, so it serves as the Service Bus `messageId`
 * and the timeline id.
 */
export type OutboxEvent = StageEvent & {
  readonly id: string;
  readonly seq: number;
  readonly applicationId: string;
  readonly tenantId: string;
  /** The event's place in the application's hash chain (absent on events committed before chains were kept on the aggregate). */
  readonly chain?: ChainLink;
};

const sha256HexSchema = z.string().regex(/^[0-9a-f]{64}$/);
const signatureShape = { kid: z.string().min(1).max(64).optional(), mac: z.string().min(1).max(128).optional() };
export const chainLinkSchema = z.object({ prevHash: sha256HexSchema, hash: sha256HexSchema, ...signatureShape });
export const chainHeadSchema = z.object({ seq: z.number().int().min(0), hash: sha256HexSchema, ...signatureShape });

const stageStatusSchema = z.string().min(1);

export const outboxEventSchema = z.object({
  id: z.string().min(1),
  seq: z.number().int().min(1),
  applicationId: idSchema,
  tenantId: idSchema,
  kind: z.enum(stageEventKinds),
  stageId: idSchema,
  stageType: z.enum(stageTypes),
  stageStatus: stageStatusSchema,
  previousStatus: stageStatusSchema.optional(),
  action: stageActionSchema.optional(),
  feedbackId: idSchema.optional(),
  actor: actorRefSchema,
  timestamp: isoDateTimeSchema,
  visibleToCandidate: z.boolean(),
  actionableBy: z.enum(['candidate', 'recruiter']).nullable(),
  chain: chainLinkSchema.optional(),
});

/**
 * The `applications` document: the aggregate. Partitioned by `applicationId` (= `id`).
 * - `legacyStatus` / `legacyScheduledCallId`: pre-dynamic-stages state, read through the legacy
 *   transformation when the application has no stored stages or the feature flag is off.
 * - `outbox`: events not yet published; `eventSeq`: the last sequence number handed out.
 * - `closedAt`: set when a `disqualified` stage is added.
 * The schema uses non-strict objects: parsing strips Cosmos system fields (`_etag` …), so keep
 * the etag aside before parsing a read.
 */
export const applicationDocumentSchema = z.object({
  id: idSchema,
  applicationId: idSchema,
  tenantId: idSchema,
  jobId: idSchema,
  candidateId: idSchema,
  recruiterIds: z.array(idSchema).max(50),
  legacyStatus: legacyStatusSchema.optional(),
  legacyScheduledCallId: idSchema.optional(),
  stages: z.array(stageSchema),
  outbox: z.array(outboxEventSchema),
  eventSeq: z.number().int().min(0),
  /** The chain's last link, signed on every write (see `event-chain.ts`). */
  chainHead: chainHeadSchema.optional(),
  closedAt: isoDateTimeSchema.optional(),
  createdAt: isoDateTimeSchema,
  updatedAt: isoDateTimeSchema,
});

export type ApplicationDocument = Omit<z.infer<typeof applicationDocumentSchema>, 'outbox'> & {
  outbox: OutboxEvent[];
};
