import { createHash } from 'node:crypto';
import { canonicalJson } from '../canonical-json.ts';
import { DomainError } from '../errors.ts';

/**
 * Idempotent requests (the `Idempotency-Key` convention). A key is scoped to the caller (tenant +
 * subject + the role it acted in), so two callers never see each other's responses, and a
 * response made for a recruiter is never replayed to the same person acting as a candidate. A
 * replay is only reached after the request was authorised again (the route's permission) and
 * validated, exactly like a first request. The first request with a key takes
 * a lease on a pending record (conditional create), runs, and pins its response; a repeat gets
 * that response back; the same key with a different request is refused; a repeat while the first
 * still runs is told so. Only successes are pinned: a request that failed changed nothing (every
 * mutation is one conditional write), so its key is released and may be used again.
 * Records expire after 24 hours (container TTL); a lease left by a crashed request can be taken
 * over once it lapses.
 */
/** What `begin` hands back to the request that got the key: opaque to callers. */
export interface IdempotencyLease {
  readonly etag: string;
  readonly fingerprint: string;
  readonly createdAt: string;
}

export type BeginResult =
  | { readonly kind: 'started'; readonly lease: IdempotencyLease }
  | { readonly kind: 'replay'; readonly response: unknown }
  | { readonly kind: 'mismatch' }
  | { readonly kind: 'in_progress' };

export interface IdempotencyStore {
  /** Takes the lease on `recordKey`, or reports what holds it. `now` is ISO 8601. */
  begin(recordKey: string, fingerprint: string, now: string): Promise<BeginResult>;
  /** Pins the response under the lease taken by `begin`. */
  complete(recordKey: string, lease: IdempotencyLease, response: unknown): Promise<void>;
  /** Drops the pending record so the key can be used again. */
  release(recordKey: string, lease: IdempotencyLease): Promise<void>;
}

export interface IdempotentRequest {
  readonly tenantId: string;
  readonly subject: string;
  /** The role the caller acted in for this route (`Access.actor.role`). */
  readonly role: string;
  /** The client's `Idempotency-Key`. */
  readonly key: string;
  /** What makes two requests "the same": see `requestFingerprint`. */
  readonly fingerprint: string;
  readonly now: string;
}

export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
export const IDEMPOTENCY_TTL_SECONDS = 86_400;
export const IDEMPOTENCY_LEASE_SECONDS = 60;

/** The record's id: a hash, so any printable key is a valid Cosmos DB id and keys never collide across callers. */
export function idempotencyRecordKey(tenantId: string, subject: string, role: string, key: string): string {
  return createHash('sha256').update(JSON.stringify([tenantId, subject, role, key])).digest('hex');
}

/** Hash of method, path (with query) and body; a JSON body is compared by value, not by spelling. */
export function requestFingerprint(method: string, path: string, body: string): string {
  let canonical = body;
  try {
    canonical = body.trim() === '' ? '' : canonicalJson(JSON.parse(body));
  } catch {
    // not JSON: compared byte for byte
  }
  return createHash('sha256').update(`${method.toUpperCase()} ${path}\n${canonical}`).digest('hex');
}

/**
 * Runs `run` at most once per (caller, key) within the records' lifetime. Its result must be
 * JSON; a throw releases the key and is rethrown.
 */
export async function runIdempotent<T>(store: IdempotencyStore, request: IdempotentRequest, run: () => Promise<T>): Promise<{ response: T; replayed: boolean }> {
  const recordKey = idempotencyRecordKey(request.tenantId, request.subject, request.role, request.key);
  const begun = await store.begin(recordKey, request.fingerprint, request.now);
  switch (begun.kind) {
    case 'replay':
      return { response: begun.response as T, replayed: true };
    case 'mismatch':
      throw new DomainError('IDEMPOTENCY.KEY_REUSED', { details: { idempotencyKey: request.key } });
    case 'in_progress':
      throw new DomainError('IDEMPOTENCY.IN_PROGRESS', { details: { idempotencyKey: request.key }, retry: { after: 1 } });
    case 'started':
      break;
  }
  let response: T;
  try {
    response = await run();
  } catch (error) {
    await store.release(recordKey, begun.lease).catch(() => undefined);
    throw error;
  }
  await store.complete(recordKey, begun.lease, response);
  return { response, replayed: false };
}
