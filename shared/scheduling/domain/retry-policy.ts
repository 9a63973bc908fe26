/**
 * Exponential backoff with full jitter inside a time budget (Google's error guide: back off on
 * 403 rate limits, 429 and 5xx). Attempt n (0-based retry index) waits a random time in
 * [0, min(capMs, baseMs · 2ⁿ)]; no retry starts once the budget would be exceeded by its wait.
 */
export interface RetryPolicy {
  readonly baseMs: number;
  readonly capMs: number;
  /** Total time one request may spend on a Calendar operation, waits and attempts included. */
  readonly budgetMs: number;
  readonly maxAttempts: number;
}

export function retryPolicy(budgetMs: number, baseMs = 250): RetryPolicy {
  return { baseMs, capMs: baseMs * 16, budgetMs, maxAttempts: 6 };
}

/** The wait before retry `retryIndex` (0 = the first retry), or `undefined` when none may start. */
export function backoffDelay(policy: RetryPolicy, retryIndex: number, elapsedMs: number, random: number): number | undefined {
  if (retryIndex + 1 >= policy.maxAttempts) return undefined;
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** retryIndex);
  const delay = Math.floor(random * ceiling);
  return elapsedMs + delay >= policy.budgetMs ? undefined : delay;
}
