/**
 * Function retry policies (`retry` option of `app.timer`, also valid for Cosmos DB, Event Hubs and
 * Kafka triggers): `fixedDelay` waits `delayInterval` between attempts; `exponentialBackoff` waits
 * `minimumInterval`, doubling per retry up to `maximumInterval`. `maxRetryCount` counts retries
 * after the first attempt; -1 retries forever. Like the host: in memory, best effort.
 *
 * Intervals arrive in `RegisteredFunction.retryOptions` as the library converted them, an
 * RpcDuration `{ seconds, nanos }` (seconds possibly a string or a protobuf Long), or as the user
 * wrote them: milliseconds or a `Duration` `{ hours, minutes, seconds, milliseconds }`.
 * Difference: the host adds a little random jitter to exponential delays; here they are exact.
 */
import type { RetryOptions } from './function-registry.ts';

export interface RetryPolicy {
  readonly strategy: 'fixedDelay' | 'exponentialBackoff';
  /** -1 = forever. */
  readonly maxRetryCount: number;
  readonly delayMs: number;
  readonly maximumMs: number;
}

function toNumber(value: unknown): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'bigint') return Number(value);
  if (typeof value === 'object' && 'low' in value && 'high' in value) {
    const long = value as { low: number; high: number };
    return long.high * 2 ** 32 + (long.low >>> 0);
  }
  return Number.NaN;
}

/** Milliseconds of an interval given as a number (ms), an RpcDuration or a Duration object. */
export function intervalToMs(value: unknown, property: string): number {
  let ms: number;
  if (typeof value === 'number') ms = value;
  else if (typeof value === 'object' && value !== null) {
    const parts = value as Record<string, unknown>;
    const seconds = toNumber(parts.hours) * 3600 + toNumber(parts.minutes) * 60 + toNumber(parts.seconds);
    ms = seconds * 1000 + toNumber(parts.milliseconds) + toNumber(parts.nanos) / 1e6;
  } else {
    ms = Number.NaN;
  }
  if (!Number.isFinite(ms) || ms < 0) throw new Error(`retry option '${property}' must be a non-negative duration (got ${JSON.stringify(value)})`);
  return ms;
}

/** `undefined` when the function has no retry policy; throws when the policy is malformed. */
export function parseRetryPolicy(options: RetryOptions | undefined): RetryPolicy | undefined {
  if (!options) return undefined;
  const strategy = options.strategy ?? options.retryStrategy;
  const maxRetryCount = options.maxRetryCount;
  if (!Number.isInteger(maxRetryCount) || maxRetryCount < -1) {
    throw new Error(`retry option 'maxRetryCount' must be an integer ≥ -1 (got ${String(maxRetryCount)})`);
  }
  if (strategy === 'fixedDelay') {
    const delayMs = intervalToMs(options.delayInterval, 'delayInterval');
    return { strategy, maxRetryCount, delayMs, maximumMs: delayMs };
  }
  if (strategy === 'exponentialBackoff') {
    const delayMs = intervalToMs(options.minimumInterval, 'minimumInterval');
    const maximumMs = intervalToMs(options.maximumInterval, 'maximumInterval');
    if (maximumMs < delayMs) throw new Error("retry option 'maximumInterval' must not be shorter than 'minimumInterval'");
    return { strategy, maxRetryCount, delayMs, maximumMs };
  }
  throw new Error(`retry strategy must be 'fixedDelay' or 'exponentialBackoff' (got ${String(strategy)})`);
}

/** Delay before retry number `retryIndex + 1` (0 → the first retry). */
export function retryDelayFor(policy: RetryPolicy, retryIndex: number): number {
  if (policy.strategy === 'fixedDelay') return policy.delayMs;
  return Math.min(policy.maximumMs, policy.delayMs * 2 ** Math.max(0, retryIndex));
}

/** Whether another attempt is allowed after `retriesDone` retries. */
export function mayRetry(policy: RetryPolicy, retriesDone: number): boolean {
  return policy.maxRetryCount === -1 || retriesDone < policy.maxRetryCount;
}

/** Convenience for other triggers: the delay for `retryIndex` straight from `retryOptions`. */
export function retryDelayMs(options: RetryOptions, retryIndex: number): number {
  const policy = parseRetryPolicy(options);
  return policy ? retryDelayFor(policy, retryIndex) : 0;
}
