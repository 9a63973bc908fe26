import type { Principal } from '../../auth/domain/principal.ts';
import { isDomainError } from '../../platform/errors.ts';
import type { BatchBody } from '../api/application-requests.schema.ts';
import type { BatchItemResult, BatchResult } from '../api/application-views.schema.ts';
import type { CreateStageBody } from '../domain/create-stage.schema.ts';
import { actorFor } from '../../auth/domain/permissions.ts';
import type { StageService } from './stage-use-cases.ts';

export interface BatchServiceOptions {
  readonly stages: StageService;
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
export class BatchService {
  readonly #stages: StageService;
  readonly #concurrency: number;
  readonly #onUnexpectedError: (applicationId: string, error: unknown) => void;

  constructor(options: BatchServiceOptions) {
    this.#stages = options.stages;
    this.#concurrency = Math.max(1, options.concurrency ?? 8);
    this.#onUnexpectedError = options.onUnexpectedError ?? (() => undefined);
  }

  async run(principal: Principal, body: BatchBody): Promise<BatchResult> {
    actorFor(principal, 'batch');
    await this.#stages.mutator.assertEnabled();
    const stage: CreateStageBody =
      body.operation === 'disqualify'
        ? { type: 'disqualified', ...(body.title === undefined ? {} : { title: body.title }), data: body.disqualification }
        : body.stage;
    const items = await mapBounded(body.applicationIds, this.#concurrency, (applicationId) => this.#one(principal, applicationId, stage));
    const succeeded = items.filter((item) => item.status === 'succeeded').length;
    return { operation: body.operation, succeeded, failed: items.length - succeeded, items };
  }

  async #one(principal: Principal, applicationId: string, stage: CreateStageBody): Promise<BatchItemResult> {
    try {
      const result = await this.#stages.createStage(principal, applicationId, stage);
      return { applicationId, status: 'succeeded', stageId: result.stage.id };
    } catch (error) {
      if (isDomainError(error)) return { applicationId, status: 'failed', error: { code: error.code, message: error.message } };
      this.#onUnexpectedError(applicationId, error);
      return { applicationId, status: 'failed', error: { code: 'INTERNAL', message: 'Something went wrong on our side.' } };
    }
  }
}

/** `map` with at most `limit` calls in flight; results keep the input order. */
export async function mapBounded<T, R>(values: readonly T[], limit: number, run: (value: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(values.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < values.length) {
      const index = next;
      next += 1;
      results[index] = await run(values[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, values.length) }, worker));
  return results;
}
