/**
 * The one catalogue of error codes. Every error the core raises carries one of these codes;
 * `functions/http/problem.ts` is the only place that turns a code's kind into an HTTP status.
 */
export type ErrorKind =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'unprocessable'
  | 'too_large'
  | 'unsupported_media_type'
  | 'unavailable'
  | 'bad_gateway'
  | 'internal';

export const errorCatalogue = {
  'REQUEST.INVALID': { kind: 'invalid', message: 'The request is not valid.' },
  'REQUEST.MALFORMED_JSON': { kind: 'invalid', message: 'The request body is not valid JSON.' },
  'REQUEST.TOO_LARGE': { kind: 'too_large', message: 'The request body is larger than this route accepts.' },
  'REQUEST.UNSUPPORTED_MEDIA_TYPE': { kind: 'unsupported_media_type', message: 'This route takes a JSON body: send content-type: application/json.' },
  'ROUTE.NOT_FOUND': { kind: 'not_found', message: 'No such route.' },
  'AUTH.UNAUTHENTICATED': { kind: 'unauthenticated', message: 'A valid bearer token is required.' },
  'AUTH.FORBIDDEN': { kind: 'forbidden', message: 'Your role may not do this.' },
  'APPLICATION.NOT_FOUND': { kind: 'not_found', message: 'No such application.' },
  'APPLICATION.CLOSED': { kind: 'conflict', message: 'The application is closed.' },
  'APPLICATION.CONCURRENT_UPDATE': { kind: 'conflict', message: 'The application changed while this request ran; retry it.' },
  'APPLICATION.LIMIT_REACHED': { kind: 'conflict', message: 'The application has reached a size limit.' },
  'APPLICATION.ALREADY_EXISTS': { kind: 'conflict', message: 'An application with this id already exists.' },
  'STAGE.NOT_FOUND': { kind: 'not_found', message: 'No such stage.' },
  'STAGE.TRANSITION_NOT_ALLOWED': { kind: 'conflict', message: 'This action is not allowed in the stage\'s current status.' },
  'STAGE.ACTION_NOT_DIRECT': { kind: 'conflict', message: 'This action is taken through its own route, not the generic action route.' },
  'DOCUMENT.NOT_FOUND': { kind: 'conflict', message: 'No verified document with this id for this application.' },
  'OFFER.LETTER_REQUIRED': { kind: 'conflict', message: 'An offer needs its letter: upload it (POST /api/uploads, purpose offer_letter) and name it as data.offerLetter { documentId }.' },
  'UPLOAD.TOO_LARGE': { kind: 'invalid', message: 'The file is larger than the 5 MB limit.' },
  'UPLOAD.TYPE_NOT_ALLOWED': { kind: 'invalid', message: 'This content type is not accepted for this purpose.' },
  'UPLOAD.NOT_FOUND': { kind: 'not_found', message: 'No such upload.' },
  'STORAGE.UNAVAILABLE': { kind: 'unavailable', message: 'Document storage did not answer, so no upload URL was made; nothing was stored. Request a new upload URL after the advised delay.' },
  'IDEMPOTENCY.KEY_REUSED': { kind: 'unprocessable', message: 'This Idempotency-Key was used with a different request.' },
  'IDEMPOTENCY.IN_PROGRESS': { kind: 'conflict', message: 'A request with this Idempotency-Key is still running.' },
  'FEATURE.DISABLED': { kind: 'forbidden', message: 'Dynamic stages are disabled.' },
  'FEATURE.UNAVAILABLE': { kind: 'unavailable', message: 'The feature flag provider is unavailable; mutations are denied until it answers.' },
  'NOTIFICATION.NOT_FOUND': { kind: 'not_found', message: 'No such notification in your inbox.' },
  'WEBHOOK.NOT_FOUND': { kind: 'not_found', message: 'No such webhook.' },
  'WEBHOOK.URL_NOT_ALLOWED': { kind: 'invalid', message: 'This webhook URL is not allowed.' },
  'DEAD_LETTER.NOT_FOUND': { kind: 'not_found', message: 'No such dead-lettered delivery.' },
  'DEAD_LETTER.ALREADY_REPLAYED': { kind: 'conflict', message: 'This delivery was already replayed; it is back in the log only if the replay fails too.' },
  'DEPENDENCY.UNAVAILABLE': { kind: 'unavailable', message: 'A service this request needs is unavailable.' },
  'CALENDAR.UNAVAILABLE': { kind: 'bad_gateway', message: 'Google Calendar did not complete the request; nothing was booked. Follow retry.action to try again.' },
  'CALENDAR.NOT_CONNECTED': { kind: 'conflict', message: 'The recruiter has not connected a Google Calendar.' },
  'CALENDAR.CONNECTION_INVALID': { kind: 'conflict', message: 'Google no longer accepts this recruiter\'s calendar connection; the recruiter must reconnect.' },
  'CALENDAR.OAUTH_STATE_INVALID': { kind: 'invalid', message: 'The calendar authorisation link is invalid, expired or already used; start the connection again.' },
  'SLOT.NOT_FOUND': { kind: 'not_found', message: 'No such slot.' },
  'SLOT.TAKEN': { kind: 'conflict', message: 'This slot is no longer free.' },
  'SLOT.OVERLAPS': { kind: 'conflict', message: 'The slot overlaps another slot of the same recruiter.' },
  'SLOT.IN_PAST': { kind: 'invalid', message: 'The slot has already started.' },
  'CALL.NOT_FOUND': { kind: 'conflict', message: 'The stage has no scheduled call.' },
  'INTERNAL': { kind: 'internal', message: 'Something went wrong on our side.' },
} as const satisfies Record<string, { kind: ErrorKind; message: string }>;

export type ErrorCode = keyof typeof errorCatalogue;

/** A request the client can send as is to retry (same method, path and body). */
export interface RetryAction {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** Path under the API host, e.g. `/api/applications/a-1/stages/s-1/schedule`. */
  readonly href: string;
  readonly body?: unknown;
}

/** Advice to the caller on how to retry: after a delay, and/or through a request it can send. */
export interface RetryAdvice {
  /** Seconds to wait before retrying. */
  readonly after?: number;
  /**
   * What to do: a request to send again as is (send the same `Idempotency-Key` with it), or the
   * name of an action the client knows (e.g. `retry-upload`).
   */
  readonly action?: RetryAction | string;
}

export interface DomainErrorOptions {
  readonly message?: string;
  readonly details?: unknown;
  readonly retry?: RetryAdvice;
  readonly cause?: unknown;
}

export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly kind: ErrorKind;
  readonly details: unknown;
  readonly retry: RetryAdvice | undefined;

  constructor(code: ErrorCode, options: DomainErrorOptions = {}) {
    super(options.message ?? errorCatalogue[code].message, { cause: options.cause });
    this.name = 'DomainError';
    this.code = code;
    this.kind = errorCatalogue[code].kind;
    this.details = options.details;
    this.retry = options.retry;
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
