import { DomainError } from '../errors.ts';

/** The document operations `CosmosDocuments` runs; metered and reported under these names. */
export type CosmosOperation = 'read' | 'create' | 'replace' | 'upsert' | 'delete' | 'query';

/** What the SDK attaches to a failure: `code` is the HTTP status, or a socket error code. */
interface SdkFailure {
  readonly code?: unknown;
  readonly statusCode?: unknown;
  readonly substatus?: unknown;
  readonly retryAfterInMs?: unknown;
  readonly headers?: Readonly<Record<string, unknown>>;
}

/** Statuses worth retrying later: request timeout, throttled, retry-with (write conflict), service unavailable. */
const UNAVAILABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 449, 503]);

/** The network to the account failed (the SDK's `TimeoutError` is its own request timeout). */
const CONNECTION_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH',
  'REQUEST_SEND_ERROR', 'TimeoutError',
]);

/** A Cosmos DB failure none of the caller's expected outcomes covers (a defect or misconfiguration: answered as 500). */
export class CosmosRequestError extends Error {
  readonly container: string;
  readonly operation: CosmosOperation;
  readonly status: number | undefined;
  readonly substatus: number | undefined;

  constructor(container: string, operation: CosmosOperation, error: unknown) {
    const status = statusOf(error);
    const substatus = Number((error as SdkFailure | undefined)?.substatus);
    super(`Cosmos DB ${operation} on ${container} failed${status === undefined ? '' : ` with status ${status}`}.`, { cause: error });
    this.name = 'CosmosRequestError';
    this.container = container;
    this.operation = operation;
    this.status = status;
    this.substatus = Number.isInteger(substatus) ? substatus : undefined;
  }
}

/** A stored document that does not match its container's schema: never handed on as if it did. */
export class UnreadableDocumentError extends Error {
  readonly container: string;
  readonly id: string;
  readonly issues: readonly string[];

  constructor(container: string, id: string, issues: readonly string[]) {
    super(`Document ${id} in ${container} is unreadable: ${issues.join('; ')}`);
    this.name = 'UnreadableDocumentError';
    this.container = container;
    this.id = id;
    this.issues = issues;
  }
}

/** The HTTP status of an SDK failure; undefined for network failures and client-side errors. */
export function statusOf(error: unknown): number | undefined {
  const failure = (error ?? {}) as SdkFailure;
  const status = Number(failure.code ?? failure.statusCode);
  return Number.isInteger(status) && status >= 100 && status <= 599 ? status : undefined;
}

/** Throttled, timed out, or the service (or the network to it) is down: worth retrying later. */
export function isUnavailable(error: unknown): boolean {
  const status = statusOf(error);
  if (status !== undefined) return UNAVAILABLE_STATUSES.has(status);
  const code = (error as SdkFailure | undefined)?.code;
  return typeof code === 'string' && CONNECTION_CODES.has(code);
}

/**
 * Seconds to wait before retrying: the service's `x-ms-retry-after-ms` (the SDK copies it to
 * `retryAfterInMs`), rounded up to whole seconds; at least 1.
 */
export function retryAfterSeconds(error: unknown): number {
  const failure = (error ?? {}) as SdkFailure;
  const header = failure.headers?.['x-ms-retry-after-ms'];
  const ms = Number(failure.retryAfterInMs ?? header);
  return Number.isFinite(ms) && ms > 0 ? Math.max(1, Math.ceil(ms / 1000)) : 1;
}

/**
 * What an SDK failure the caller did not expect becomes: `DEPENDENCY.UNAVAILABLE` with retry
 * advice when it is worth retrying later, otherwise a `CosmosRequestError` naming the container
 * and operation (the original error is its `cause`).
 */
export function translateFailure(error: unknown, container: string, operation: CosmosOperation): Error {
  if (isUnavailable(error)) {
    return new DomainError('DEPENDENCY.UNAVAILABLE', { retry: { after: retryAfterSeconds(error) }, cause: error });
  }
  return new CosmosRequestError(container, operation, error);
}

/**
 * A document an adapter was about to write does not fit the schema its reads use: writing it
 * would make it unreadable for good, so nothing is sent. This is a bug, never the caller's
 * fault: it surfaces as a 500 with the container, id and issues in the log.
 */
export class UnwritableDocumentError extends Error {
  readonly container: string;
  readonly id: string;
  readonly issues: readonly string[];

  constructor(container: string, id: string, issues: readonly string[]) {
    super(`Refused to write ${container}/${id}: it would not be readable (${issues.join('; ')}). This is a bug.`);
    this.name = 'UnwritableDocumentError';
    this.container = container;
    this.id = id;
    this.issues = issues;
  }
}
