import { z } from 'zod';
import { legacyStatusSchema } from '../domain/legacy-status.ts';
import { createDisqualifiedDataSchema } from '../domain/types/disqualified.schema.ts';
import { createStageRequestSchema } from './create-stage-request.schema.ts';
import { applicationIdSchema, freeTextSchema, idSchema } from '../domain/schema-primitives.ts';

export { applicationIdSchema } from '../domain/schema-primitives.ts';
import { stageActionSchema } from '../domain/stage-action.schema.ts';
import { stageStatuses, stageTypes } from '../domain/stage.model.ts';

/**
 * Request shapes of the stage API that are not stage bodies: path parameters, the board query,
 * the create-application body and the batch body.
 */


export const applicationPathSchema = z.object({ applicationId: z.string().min(1).max(128) });
export const stagePathSchema = applicationPathSchema.extend({ stageId: z.string().min(1).max(128) });
export const actionPathSchema = stagePathSchema.extend({ action: stageActionSchema });

/** Body of `POST /applications`. `legacyStatus` imports an application from the legacy pipeline. */
export const createApplicationBodySchema = z
  .strictObject({
    id: applicationIdSchema.optional().describe('Client-chosen id; generated when absent.'),
    jobId: idSchema,
    candidateId: idSchema.describe("The candidate's subject (`sub`) in the tenant's identity provider."),
    recruiterIds: z.array(idSchema).max(50).optional().describe('Defaults to the calling recruiter.'),
    legacyStatus: legacyStatusSchema.optional().describe('Import: the status the application had in the legacy pipeline. Allowed while dynamic stages are disabled.'),
    legacyScheduledCallId: idSchema.optional().describe('Import: the scheduled call the legacy application references.'),
  })
  .refine((body) => body.legacyScheduledCallId === undefined || body.legacyStatus !== undefined, {
    path: ['legacyScheduledCallId'],
    message: 'Only with legacyStatus (an import).',
  });
export type CreateApplicationBody = z.output<typeof createApplicationBodySchema>;

const allStatuses = [...new Set(Object.values(stageStatuses).flat())] as [string, ...string[]];

/** Query of `GET /applications` (the board). */
export const listApplicationsQuerySchema = z
  .strictObject({
    jobId: idSchema.optional(),
    stageType: z.enum(stageTypes).optional(),
    stageStatus: z.enum(allStatuses).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    continuationToken: z.string().min(1).max(8192).optional(),
  })
  .superRefine((query, ctx) => {
    if (query.stageType === undefined || query.stageStatus === undefined) return;
    const statuses: readonly string[] = stageStatuses[query.stageType];
    if (!statuses.includes(query.stageStatus)) {
      ctx.addIssue({ code: 'custom', path: ['stageStatus'], message: `A ${query.stageType} stage is never '${query.stageStatus}'; expected one of: ${statuses.join(', ')}` });
    }
  });
export type ListApplicationsQuery = z.output<typeof listApplicationsQuerySchema>;

export const maxBatchItems = 500;

const batchApplicationIdsSchema = z
  .array(z.string().min(1).max(128))
  .min(1)
  .max(maxBatchItems)
  .refine((ids) => new Set(ids).size === ids.length, { message: 'Each application id at most once.' });

/** Body of `POST /applications/batch`: one operation over up to 500 applications. */
export const batchBodySchema = z.discriminatedUnion('operation', [
  z.strictObject({
    operation: z.literal('disqualify'),
    applicationIds: batchApplicationIdsSchema,
    disqualification: createDisqualifiedDataSchema,
    title: freeTextSchema(200).optional(),
  }),
  z.strictObject({
    operation: z.literal('create_stage'),
    applicationIds: batchApplicationIdsSchema,
    stage: createStageRequestSchema,
  }),
]);
export type BatchBody = z.input<typeof batchBodySchema>;
