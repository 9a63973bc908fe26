import type { HttpRequest } from '@azure/functions';
import type { Caller } from './request-input.ts';
import { DomainError } from '../../shared/platform/errors.ts';
import { IDEMPOTENCY_KEY_PATTERN, requestFingerprint, runIdempotent } from '../../shared/platform/idempotency/idempotency.ts';
import { services } from '../app-services.ts';

/** A success answer as stored for replays. */
export interface RouteResult {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'idempotent-replayed';

/**
 * Runs a POST at most once per `Idempotency-Key` (scoped to tenant + subject + the role acted in, 24 h), after the route's authorisation and validation ran as for any request. A replay
 * returns the first success with `idempotent-replayed: true`; the key with another method, path
 * or body is 422 `IDEMPOTENCY.KEY_REUSED`; while the first still runs, 409 `IDEMPOTENCY.IN_PROGRESS`.
 * Errors are not pinned: they changed nothing, so the key stays usable for a retry.
 */
export async function withIdempotency(request: HttpRequest, caller: Caller | undefined, rawBody: string, run: () => Promise<RouteResult>): Promise<RouteResult> {
  const key = request.headers.get(IDEMPOTENCY_KEY_HEADER);
  if (key === null || caller === undefined || request.method.toUpperCase() !== 'POST') return run();
  if (!IDEMPOTENCY_KEY_PATTERN.test(key)) {
    throw new DomainError('REQUEST.INVALID', {
      message: 'Idempotency-Key must be 1 to 255 visible ASCII characters.',
      details: { issues: [{ path: 'Idempotency-Key', message: 'Expected 1–255 visible ASCII characters', code: 'invalid_format' }] },
    });
  }
  const url = new URL(request.url);
  const { response, replayed } = await runIdempotent(
    services().stages.idempotency,
    {
      tenantId: caller.access.tenantId,
      subject: caller.principal.subject,
      role: caller.access.actor.role,
      key,
      fingerprint: requestFingerprint(request.method, `${url.pathname}${url.search}`, rawBody),
      now: new Date().toISOString(),
    },
    run,
  );
  return replayed ? { ...response, headers: { ...response.headers, [REPLAYED_HEADER]: 'true' } } : response;
}
