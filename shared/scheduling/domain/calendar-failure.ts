/**
 * How a call to Google Calendar (or its OAuth endpoints) failed, in the capability's words:
 * adapters map Google's statuses and `errors[].reason` to these kinds; use cases decide on them.
 * - `rate_limited`: 429, or 403 `rateLimitExceeded` / `userRateLimitExceeded` → back off, retry;
 * - `quota_exceeded`, `forbidden`: 403 `quotaExceeded` / anything else 403 → no retry;
 * - `unauthorized`: 401 → refresh the access token once, retry;
 * - `invalid_grant`: the refresh token (or code) is refused → the connection is invalid;
 * - `duplicate`: 409 on insert with our event id → the event exists already (adopt it);
 * - `not_found`: 404; `gone`: 410 on an event (already deleted);
 * - `sync_token_expired`: 410 `fullSyncRequired` on list → full resync;
 * - `precondition_failed`: 412 (`If-Match`) → re-fetch and re-apply;
 * - `invalid_request`: 400 → a defect, no retry;
 * - `server_error` (5xx), `timeout`, `connection_lost` (reset, refused, cut before the answer):
 *   the outcome is unknown — the change may or may not have happened — retried (our writes are
 *   idempotent: the event id is ours, patches set absolute values, deletes accept 410).
 */
export type CalendarFailureKind =
  | 'rate_limited'
  | 'quota_exceeded'
  | 'forbidden'
  | 'unauthorized'
  | 'invalid_grant'
  | 'duplicate'
  | 'not_found'
  | 'gone'
  | 'sync_token_expired'
  | 'precondition_failed'
  | 'invalid_request'
  | 'server_error'
  | 'timeout'
  | 'connection_lost';

export class CalendarFailure extends Error {
  readonly kind: CalendarFailureKind;
  readonly status: number | undefined;
  /** Google's `errors[0].reason` (or the OAuth `error`), when it sent one. */
  readonly reason: string | undefined;
  readonly operation: string;
  /**
   * Set when an earlier attempt of the same operation failed with an unknown outcome: even if
   * this failure is a definite refusal, that earlier attempt may have taken effect.
   */
  afterUnknownOutcome = false;

  constructor(operation: string, kind: CalendarFailureKind, options: { status?: number; reason?: string; message?: string; cause?: unknown } = {}) {
    super(options.message ?? `${operation} failed: ${kind}${options.status === undefined ? '' : ` (${options.status}${options.reason ? ` ${options.reason}` : ''})`}`, { cause: options.cause });
    this.name = 'CalendarFailure';
    this.kind = kind;
    this.status = options.status;
    this.reason = options.reason;
    this.operation = operation;
  }
}

export function isCalendarFailure(error: unknown, ...kinds: CalendarFailureKind[]): error is CalendarFailure {
  return error instanceof CalendarFailure && (kinds.length === 0 || kinds.includes(error.kind));
}

/** Failures worth retrying with backoff inside one request. */
export function isTransient(kind: CalendarFailureKind): boolean {
  return kind === 'rate_limited' || kind === 'server_error' || kind === 'timeout' || kind === 'connection_lost';
}

/** Failures after which the change may have happened anyway. */
export function outcomeUnknown(kind: CalendarFailureKind): boolean {
  return kind === 'server_error' || kind === 'timeout' || kind === 'connection_lost';
}

/** Whether the operation that ended in `failure` (any of its attempts) may have taken effect. */
export function mayHaveTakenEffect(failure: CalendarFailure): boolean {
  return outcomeUnknown(failure.kind) || failure.afterUnknownOutcome;
}
