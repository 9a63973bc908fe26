import type { Access } from '../../auth/domain/permissions.ts';
import { isDomainError } from '../../platform/errors.ts';
import { mapBounded } from '../../platform/map-bounded.ts';
import type { BatchBody } from '../api/application-requests.schema.ts';
import type { BatchItemResult, BatchResult } from '../api/application-views.schema.ts';
import type { CreateStageRequest } from '../api/create-stage-request.schema.ts';
import { createStage } from './create-stage.ts';
import type { StageDeps } from './stage-deps.ts';

export interface BatchOptions {
  /** Items in flight at once (default 8): bounded so one batch cannot monopolise the container. */
  readonly concurrency?: number;
  /** Told about failures that are not domain errors (they are answered as `INTERNAL`). */
  readonly onUnexpectedError?: (applicationId: string, error: unknown) => void;
}

/**
 * Bulk operations over up to 500 applications: disqualify them, or add the same stage to each.
 * Not atomic across applications: each item is its own mutation (gate, read, conditional
 * replace) and the answer lists each item's outcome. The gate is checked once before any item,
 * so a disabled flag refuses the whole batch; it is checked again per item by the mutation path.
 */
export async function runBatch(deps: StageDeps, access: Access, body: BatchBody, options: BatchOptions = {}): Promise<BatchResult> {
  await deps.mutator.assertEnabled();
  const stage: CreateStageRequest =
    body.operation === 'disqualify'
      ? { type: 'disqualified', ...(body.title === undefined ? {} : { title: body.title }), data: body.disqualification }
      : body.stage;
  const items = await mapBounded(body.applicationIds, options.concurrency ?? 8, async (applicationId): Promise<BatchItemResult> => {
    try {
      const result = await createStage(deps, access, applicationId, stage);
      return { applicationId, status: 'succeeded', stageId: result.stage.id };
    } catch (error) {
      if (isDomainError(error)) return { applicationId, status: 'failed', error: { code: error.code, message: error.message } };
      options.onUnexpectedError?.(applicationId, error);
      return { applicationId, status: 'failed', error: { code: 'INTERNAL', message: 'Something went wrong on our side.' } };
    }
  });
  const succeeded = items.filter((item) => item.status === 'succeeded').length;
  return { operation: body.operation, succeeded, failed: items.length - succeeded, items };
}
