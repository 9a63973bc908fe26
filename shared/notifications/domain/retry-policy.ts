/**
 * What one delivery attempt got back, and what to do next: deliver, retry later, or give up.
 * Pure: the sender reports, this decides.
 */
export type AttemptResult =
  | { readonly kind: 'response'; readonly status: number; readonly retryAfterMs?: number }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'network'; readonly code: string }
  /** The URL resolved to an address Stageline may not call (SSRF guard), or the URL is no longer allowed. */
  | { readonly kind: 'blocked'; readonly reason: string };

export type Verdict =
  | { readonly kind: 'delivered' }
  | { readonly kind: 'retry'; readonly reason: string; readonly retryAfterMs?: number }
  | { readonly kind: 'permanent'; readonly reason: string };

/** Statuses that will not change by trying again: the endpoint refuses, is gone, or moved (redirects are not followed). */
const PERMANENT_STATUSES: ReadonlySet<number> = new Set([400, 401, 403, 404, 410]);

/**
 * 2xx → delivered. 429 → retry (at `Retry-After` when given). 400/401/403/404/410 and every
 * 3xx → permanent. Every other status, a timeout or a connection error → retry. A blocked
 * address → permanent.
 */
export function classifyAttempt(result: AttemptResult): Verdict {
  switch (result.kind) {
    case 'timeout':
      return { kind: 'retry', reason: 'timeout' };
    case 'network':
      return { kind: 'retry', reason: `connection failed (${result.code})` };
    case 'blocked':
      return { kind: 'permanent', reason: `blocked: ${result.reason}` };
    case 'response': {
      const { status } = result;
      if (status >= 200 && status < 300) return { kind: 'delivered' };
      if (status === 429) return { kind: 'retry', reason: 'HTTP 429', ...(result.retryAfterMs === undefined ? {} : { retryAfterMs: result.retryAfterMs }) };
      if ((status >= 300 && status < 400) || PERMANENT_STATUSES.has(status)) return { kind: 'permanent', reason: `HTTP ${status}` };
      return { kind: 'retry', reason: `HTTP ${status}` };
    }
  }
}

/** The default schedule: the upper bound of each wait (full jitter draws from 0 to it). */
export const DEFAULT_RETRY_SCHEDULE_MS: readonly number[] = [5_000, 30_000, 120_000, 600_000, 1_800_000, 7_200_000, 21_600_000, 43_200_000];

/**
 * How long to wait before attempt `failedAttempt + 1`, or `undefined` when `failedAttempt` was
 * the last one (attempts = schedule length + 1). Exponential backoff with full jitter: a uniform
 * draw from [0, schedule[n]) — spreading the retries of many deliveries that failed together.
 * A `Retry-After` replaces the draw, cut to `retryAfterMaxMs`.
 */
export function retryDelayMs(
  failedAttempt: number,
  verdict: Extract<Verdict, { kind: 'retry' }>,
  schedule: readonly number[],
  retryAfterMaxMs: number,
  random: () => number,
): number | undefined {
  const ceiling = schedule[failedAttempt - 1];
  if (ceiling === undefined) return undefined;
  if (verdict.retryAfterMs !== undefined) return Math.min(Math.max(0, verdict.retryAfterMs), retryAfterMaxMs);
  return Math.floor(random() * ceiling);
}

/** `Retry-After` as delay-seconds or an HTTP date; `undefined` when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
