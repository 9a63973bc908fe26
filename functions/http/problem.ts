import type { HttpResponseInit, InvocationContext } from '@azure/functions';
import { DomainError, errorCatalogue, type ErrorCode, type ErrorKind, type RetryAdvice } from '../../shared/platform/errors.ts';

/** The one mapping from error kinds to HTTP statuses. */
export const statusByKind: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unprocessable: 422,
  too_large: 413,
  unsupported_media_type: 415,
  unavailable: 503,
  bad_gateway: 502,
  internal: 500,
};

export interface ProblemBody {
  readonly code: ErrorCode;
  readonly message: string;
  readonly details?: unknown;
  readonly retry?: RetryAdvice;
  readonly correlationId?: string;
}

export function statusOf(code: ErrorCode): number {
  return statusByKind[errorCatalogue[code].kind];
}

/**
 * Turns any error into `{ code, message, details?, retry? }`. Domain errors keep their code;
 * anything else is a 500 that names only the correlation id, never internals.
 */
export function problemResponse(error: unknown, context: InvocationContext): HttpResponseInit {
  if (error instanceof DomainError) {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (error.retry?.after !== undefined) headers['retry-after'] = String(Math.ceil(error.retry.after));
    if (error.kind === 'unauthenticated') headers['www-authenticate'] = 'Bearer';
    const body: ProblemBody = {
      code: error.code,
      message: error.message,
      ...(error.details !== undefined ? { details: error.details } : {}),
      ...(error.retry ? { retry: error.retry } : {}),
    };
    return { status: statusOf(error.code), headers, jsonBody: body };
  }
  context.error(`Unhandled error (correlation id ${context.invocationId}):`, error);
  const body: ProblemBody = { code: 'INTERNAL', message: errorCatalogue.INTERNAL.message, correlationId: context.invocationId };
  return { status: 500, headers: { 'content-type': 'application/json' }, jsonBody: body };
}
