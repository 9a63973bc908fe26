import { DomainError, type RetryAction } from '../../platform/errors.ts';
import { CalendarFailure, isTransient, outcomeUnknown } from '../domain/calendar-failure.ts';
import { backoffDelay, retryPolicy, type RetryPolicy } from '../domain/retry-policy.ts';
import type { SchedulingDeps } from './scheduling-deps.ts';

/** The time one request (or one background run) may spend on Calendar calls, waits included. */
export interface CallBudget {
  readonly policy: RetryPolicy;
  elapsedMs(): number;
}

export function startBudget(deps: Pick<SchedulingDeps, 'settings'>): CallBudget {
  const started = performance.now();
  return { policy: retryPolicy(deps.settings.retryBudgetMs, deps.settings.backoffBaseMs), elapsedMs: () => performance.now() - started };
}

/**
 * Runs one Calendar operation, retrying transient failures (rate limits, 5xx, timeouts, cut
 * connections) with exponential backoff and full jitter while the budget lasts; anything else,
 * or the last transient failure, is thrown as is — marked `afterUnknownOutcome` when an earlier
 * attempt may have taken effect (a timed-out insert can land after a later attempt was refused).
 */
export async function withRetries<T>(deps: Pick<SchedulingDeps, 'sleep' | 'random'>, budget: CallBudget, run: () => Promise<T>): Promise<T> {
  let unknown = false;
  for (let retry = 0; ; retry += 1) {
    try {
      return await run();
    } catch (error) {
      if (error instanceof CalendarFailure) {
        if (unknown) error.afterUnknownOutcome = true;
        if (outcomeUnknown(error.kind)) unknown = true;
      }
      if (!(error instanceof CalendarFailure) || !isTransient(error.kind)) throw error;
      const delay = backoffDelay(budget.policy, retry, budget.elapsedMs(), deps.random());
      if (delay === undefined) throw error;
      await deps.sleep(delay);
    }
  }
}

/** Seconds a client should wait before following the retry action, by what went wrong. */
function retryAfterSeconds(failure: CalendarFailure): number {
  if (failure.kind === 'quota_exceeded') return 60;
  if (failure.kind === 'rate_limited') return 5;
  return 2;
}

/** 502 `CALENDAR.UNAVAILABLE` with the request to send again. */
export function calendarUnavailable(failure: unknown, action: RetryAction): DomainError {
  const kind = failure instanceof CalendarFailure ? failure.kind : 'server_error';
  return new DomainError('CALENDAR.UNAVAILABLE', {
    details: {
      reason: kind,
      ...(failure instanceof CalendarFailure && failure.status !== undefined ? { calendarStatus: failure.status } : {}),
      ...(failure instanceof CalendarFailure && failure.reason !== undefined ? { calendarReason: failure.reason } : {}),
    },
    retry: { after: failure instanceof CalendarFailure ? retryAfterSeconds(failure) : 2, action },
    cause: failure,
  });
}
