import type { Clock } from '../../platform/clock.ts';
import { parseStageCloudEvent, type StageEventNotice } from '../domain/stage-cloud-event.ts';
import { countCallbackOutcome, type CallbackOutcome } from './callback-metrics.ts';
import type { CallbackRegistry, PostTransitionCallback } from '../domain/callback-registry.ts';
import type { CallbackRunStore } from '../ports/callback-run-store.port.ts';

export interface CallbackRunnerDeps {
  readonly registry: CallbackRegistry;
  readonly runs: CallbackRunStore;
  readonly clock: Clock;
}

/** One delivery of a `stage-events` message on the `post-transition-callbacks` subscription. */
export interface CallbackDelivery {
  readonly body: unknown;
  /** 1 on the first delivery. */
  readonly deliveryCount: number;
  /** The subscription's limit: a failure on this delivery dead-letters the message. */
  readonly maxDeliveryCount: number;
}

export interface CallbackAttempt {
  readonly callback: string;
  readonly outcome: CallbackOutcome;
  readonly error?: string;
}

/** Thrown when a callback failed: the message is abandoned and redelivered (dead-lettered after the last delivery). */
export class CallbacksFailedError extends Error {
  readonly attempts: readonly CallbackAttempt[];

  constructor(event: StageEventNotice, attempts: readonly CallbackAttempt[]) {
    const failed = attempts.filter((attempt) => attempt.error !== undefined);
    super(`Post-transition callbacks failed for ${event.id}: ${failed.map((attempt) => `${attempt.callback} (${attempt.error})`).join('; ')}`);
    this.name = 'CallbacksFailedError';
    this.attempts = attempts;
  }
}

/**
 * Runs every registered callback that wants the event and has not yet succeeded for it: all at
 * once, each under its own timeout, so one that throws or hangs cannot hold up or fail another.
 * When every callback succeeds on the first delivery, nothing is written. When one fails, the
 * outcome of each callback of this delivery is recorded and this throws, so the broker redelivers
 * the message; a redelivery reads the records, runs only the callbacks still outstanding and
 * records their outcomes (a `failing` record becomes `succeeded`).
 */
export async function runStageCallbacks(deps: CallbackRunnerDeps, delivery: CallbackDelivery): Promise<readonly CallbackAttempt[]> {
  const event = parseStageCloudEvent(delivery.body);
  const wanted = deps.registry.for(event);
  const done =
    delivery.deliveryCount > 1
      ? await deps.runs.succeeded(event.tenantId, event.applicationId, event.id, wanted.map((callback) => callback.name))
      : new Set<string>();
  const attempts: CallbackAttempt[] = wanted
    .filter((callback) => done.has(callback.name))
    .map((callback) => ({ callback: callback.name, outcome: 'skipped' }));
  const pending = wanted.filter((callback) => !done.has(callback.name));
  const results = await Promise.all(pending.map(async (callback) => ({ callback, result: await withTimeout(callback, event, delivery.deliveryCount) })));
  const record = delivery.deliveryCount > 1 || results.some(({ result }) => !result.ok);
  for (const { callback, result } of results) attempts.push(record ? await recorded(deps, callback, event, delivery, result) : { callback: callback.name, outcome: 'succeeded' });
  for (const { callback, outcome } of attempts) countCallbackOutcome(callback, outcome);
  if (attempts.some((result) => result.error !== undefined)) throw new CallbacksFailedError(event, attempts);
  return attempts;
}

/** A callback's outcome on a delivery that had a failure, recorded so the next delivery knows. */
async function recorded(deps: CallbackRunnerDeps, callback: PostTransitionCallback, event: StageEventNotice, delivery: CallbackDelivery, result: Settled): Promise<CallbackAttempt> {
  const last = delivery.deliveryCount >= delivery.maxDeliveryCount;
  const base = { tenantId: event.tenantId, applicationId: event.applicationId, eventId: event.id, callback: callback.name, attempt: delivery.deliveryCount, updatedAt: deps.clock.now() };
  if (result.ok) {
    try {
      await deps.runs.record({ ...base, status: 'succeeded' });
      return { callback: callback.name, outcome: 'succeeded' };
    } catch (error) {
      // Not recorded = not done: the callback runs again on the next delivery (at least once).
      return { callback: callback.name, outcome: 'failed', error: `succeeded, but its completion could not be recorded: ${(error as Error).message}` };
    }
  }
  await deps.runs.record({ ...base, status: last ? 'dead_lettered' : 'failing', lastError: result.error }).catch(() => undefined);
  if (last) countCallbackOutcome(callback.name, 'dead_lettered');
  return { callback: callback.name, outcome: result.timedOut ? 'timed_out' : 'failed', error: result.error };
}

type Settled = { readonly ok: true } | { readonly ok: false; readonly timedOut: boolean; readonly error: string };

async function withTimeout(callback: PostTransitionCallback, event: StageEventNotice, deliveryCount: number): Promise<Settled> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Settled>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new Error(`timed out after ${callback.timeoutMs} ms`));
      resolve({ ok: false, timedOut: true, error: `timed out after ${callback.timeoutMs} ms` });
    }, callback.timeoutMs);
  });
  const run = (async (): Promise<Settled> => {
    await callback.handle(event, { signal: controller.signal, attempt: deliveryCount });
    return { ok: true };
  })().catch((error: unknown): Settled => ({ ok: false, timedOut: false, error: error instanceof Error ? error.message : String(error) }));
  try {
    return await Promise.race([run, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
