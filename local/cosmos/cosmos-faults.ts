import { randomUUID } from 'node:crypto';
import { headerIsTrue, isBatch } from './cosmos-azure-parity.ts';
import { standardHeaders, type CosmosRequest, type CosmosResponse } from './cosmos-dispatch.ts';
import { pathSegments } from './cosmos-effects.ts';

/** Statuses Azure Cosmos DB answers when it cannot serve a request now: timeout, throttled, retry-with, unavailable. */
export type CosmosFaultStatus = 408 | 429 | 449 | 503;

/** Document operations, told apart as the gateway sees them (a query-plan request counts as `query`). */
export type CosmosFaultOperation = 'read' | 'create' | 'replace' | 'upsert' | 'delete' | 'query' | 'patch' | 'batch' | 'changeFeed';

/** Which requests a fault hits: every document request when nothing narrows it. */
export interface CosmosFaultTarget {
  /** Requests to fail; every matching one until removed or cleared when absent. */
  readonly times?: number;
  readonly container?: string;
  readonly operation?: CosmosFaultOperation;
}

export interface CosmosStatusFault extends CosmosFaultTarget {
  readonly status: CosmosFaultStatus;
  /** `x-ms-retry-after-ms`: always sent with 429 (10 ms unless given), with the others only when given. */
  readonly retryAfterMs?: number;
  /** `x-ms-substatus`; 3200 (request-unit budget exceeded) for 429, 0 for the others unless given. */
  readonly substatus?: number;
}

/** A fault once injected: how many requests it failed so far. */
export interface InjectedFault {
  readonly hits: number;
  /** Stops it (the other faults stay). */
  remove(): void;
}

/** What the server does with a request a fault hit. */
export type FaultAction = { readonly kind: 'answer'; readonly response: CosmosResponse } | { readonly kind: 'drop' };

const AZURE_ERRORS: Record<CosmosFaultStatus, { code: string; message: string }> = {
  408: { code: 'RequestTimeout', message: 'Request timed out.' },
  429: {
    code: 'TooManyRequests',
    message: 'Request rate is large. More Request Units may be needed, so no changes were made. Please retry this request later. Learn more: http://aka.ms/cosmosdb-error-429',
  },
  449: { code: 'RetryWith', message: 'Conflicting request to resource has been attempted. Retry to avoid conflicts.' },
  503: { code: 'ServiceUnavailable', message: 'Service is currently unavailable.' },
};

const DEFAULT_RETRY_AFTER_MS = 10;

type Entry = { readonly target: CosmosFaultTarget; readonly action: (request: CosmosRequest) => FaultAction; hits: number };

/**
 * Fault injection for tests: requests to the local server's documents answered as Azure Cosmos DB
 * answers when it cannot serve them (status, `x-ms-substatus`, `x-ms-retry-after-ms`, a
 * `{ code, message }` body), or dropped without an answer (the client sees a reset connection).
 * Only requests arriving over HTTP are hit; the server's own work (container setup, TTL sweeps) is
 * not. Faults are tried in the order injected; a request is hit by the first that matches.
 */
export class CosmosFaults {
  #entries: Entry[] = [];

  /** Answers matching requests with `status`, as Azure does. */
  inject(fault: CosmosStatusFault): InjectedFault {
    return this.#add(fault, (request) => ({ kind: 'answer', response: azureFailure(request, fault) }));
  }

  /** Closes the connection of matching requests without answering (the client sees ECONNRESET). */
  dropConnections(target: CosmosFaultTarget = {}): InjectedFault {
    return this.#add(target, () => ({ kind: 'drop' }));
  }

  clear(): void {
    this.#entries = [];
  }

  /** What to do with `request` instead of serving it; undefined when no fault hits it. */
  take(request: CosmosRequest): FaultAction | undefined {
    if (this.#entries.length === 0) return undefined;
    const operation = operationOf(request);
    if (operation === undefined) return undefined;
    const container = pathSegments(request.url)[3];
    const entry = this.#entries.find(({ target }) => (target.container ?? container) === container && (target.operation ?? operation) === operation);
    if (entry === undefined) return undefined;
    entry.hits += 1;
    if (entry.target.times !== undefined && entry.hits >= entry.target.times) this.#remove(entry);
    return entry.action(request);
  }

  #add(target: CosmosFaultTarget, action: Entry['action']): InjectedFault {
    if (target.times !== undefined && !(Number.isInteger(target.times) && target.times > 0)) throw new Error(`times must be a positive integer, not ${target.times}`);
    const entry: Entry = { target, action, hits: 0 };
    this.#entries.push(entry);
    return {
      get hits() {
        return entry.hits;
      },
      remove: () => this.#remove(entry),
    };
  }

  #remove(entry: Entry): void {
    this.#entries = this.#entries.filter((other) => other !== entry);
  }
}

/** The document operation of a request, as the gateway tells them apart; undefined for metadata requests. */
export function operationOf(request: CosmosRequest): CosmosFaultOperation | undefined {
  const [dbs, , colls, , docs, id] = pathSegments(request.url);
  if (dbs !== 'dbs' || colls !== 'colls' || docs !== 'docs') return undefined;
  const method = request.method.toUpperCase();
  if (id !== undefined) {
    const byMethod: Record<string, CosmosFaultOperation> = { GET: 'read', PUT: 'replace', DELETE: 'delete', PATCH: 'patch' };
    return byMethod[method];
  }
  if (method === 'GET') return request.headers['a-im'] === undefined ? 'query' : 'changeFeed';
  if (method !== 'POST') return undefined;
  if (headerIsTrue(request.headers, 'x-ms-documentdb-isquery') || request.headers['content-type'] === 'application/query+json') return 'query';
  if (isBatch(request)) return 'batch';
  return headerIsTrue(request.headers, 'x-ms-documentdb-is-upsert') ? 'upsert' : 'create';
}

/** Azure's answer: its status, sub-status, retry-after for throttling, and a `{ code, message }` body in its format. */
function azureFailure(request: CosmosRequest, fault: CosmosStatusFault): CosmosResponse {
  const activityId = randomUUID();
  const headers: Record<string, string> = {
    ...standardHeaders(request),
    'x-ms-activity-id': activityId,
    'x-ms-request-charge': '0',
    'x-ms-substatus': String(fault.substatus ?? (fault.status === 429 ? 3200 : 0)),
  };
  const retryAfterMs = fault.retryAfterMs ?? (fault.status === 429 ? DEFAULT_RETRY_AFTER_MS : undefined);
  if (retryAfterMs !== undefined) headers['x-ms-retry-after-ms'] = String(retryAfterMs);
  const { code, message } = AZURE_ERRORS[fault.status];
  const requestUri = `https://${request.headers.host ?? 'localhost'}${request.url}`;
  return {
    statusCode: fault.status,
    headers,
    body: { code, message: `Message: {"Errors":[${JSON.stringify(message)}]}\r\nActivityId: ${activityId}, Request URI: ${requestUri}` },
  };
}
