import type { CosmosRequest, CosmosResponse } from './cosmos-dispatch.ts';
import { headerIsTrue, isBatch } from './cosmos-azure-parity.ts';
import { partitionKeyOf, type AccountModel, type JsonObject } from './cosmos-library.ts';

/**
 * What a successful mutating request did to documents, as recorded in the journal and applied
 * to the change feed: a write carries the document's system properties and its new LSN.
 */
export type Effect =
  | { readonly k: 'write'; readonly db: string; readonly coll: string; readonly id: string; readonly pk: unknown; readonly etag: string; readonly ts: number; readonly lsn: number }
  | { readonly k: 'delete'; readonly db: string; readonly coll: string; readonly id: string; readonly pk: unknown }
  | { readonly k: 'dropContainer'; readonly db: string; readonly coll: string }
  | { readonly k: 'dropDatabase'; readonly db: string };

/** POST (except queries), PUT, PATCH and DELETE change state; everything else only reads. */
export function isMutating(request: CosmosRequest): boolean {
  if (request.method === 'PUT' || request.method === 'PATCH' || request.method === 'DELETE') return true;
  if (request.method !== 'POST') return false;
  const isQuery = headerIsTrue(request.headers, 'x-ms-documentdb-isquery') || request.headers['content-type'] === 'application/query+json';
  return !isQuery;
}

export function isSuccess(statusCode: number): boolean {
  return statusCode >= 200 && statusCode <= 299;
}

/** The path's segments, decoded, without the SDK's doubled leading slash or trailing slashes. */
export function pathSegments(url: string): string[] {
  const pathname = url.split('?')[0] ?? '';
  return pathname.split('/').filter(Boolean).map((segment) => decodeURIComponent(segment));
}

/** The effects of a mutating request the account answered with 2xx; `nextLsn` numbers each write. */
export function effectsOf(account: AccountModel, request: CosmosRequest, response: CosmosResponse, nextLsn: () => number): Effect[] {
  const [dbs, db, colls, coll, docs, id] = pathSegments(request.url);
  if (dbs !== 'dbs' || db === undefined) return [];
  if (colls === undefined) return request.method === 'DELETE' ? [{ k: 'dropDatabase', db }] : [];
  if (colls !== 'colls' || coll === undefined) return [];
  if (docs === undefined) return request.method === 'DELETE' ? [{ k: 'dropContainer', db, coll }] : [];
  if (docs !== 'docs') return [];
  const collection = account.database(db).collection(coll).read();
  const write = (doc: unknown): Effect[] => {
    if (!isObject(doc) || typeof doc['id'] !== 'string') return [];
    const etag = String(doc['_etag']);
    return [{ k: 'write', db, coll, id: doc['id'], pk: partitionKeyOf(collection, doc), etag, ts: Number(doc['_ts']), lsn: nextLsn() }];
  };
  if (id !== undefined) {
    if (request.method === 'DELETE') return [{ k: 'delete', db, coll, id, pk: partitionKeyFromHeader(request.headers['x-ms-documentdb-partitionkey']) }];
    return write(response.body);
  }
  if (!isBatch(request)) return write(response.body);
  const operations = parseBody(request.body);
  const results = Array.isArray(response.body) ? (response.body as JsonObject[]) : [];
  return results.flatMap((result, index): Effect[] => {
    const status = Number(result['statusCode']);
    const operation = Array.isArray(operations) ? (operations[index] as JsonObject | undefined) : undefined;
    if (!isSuccess(status) || !operation) return [];
    if (operation['operationType'] === 'Delete' && typeof operation['id'] === 'string') {
      return [{ k: 'delete', db, coll, id: operation['id'], pk: partitionKeyFromHeader(operation['partitionKey'] ?? request.headers['x-ms-documentdb-partitionkey']) }];
    }
    return operation['operationType'] === 'Read' ? [] : write(result['resourceBody']);
  });
}

/** `["value"]` (the SDK's header and batch form) → `value`; a hierarchical `["a","b"]` stays a list (as `partitionKeyOf` gives it). */
function partitionKeyFromHeader(header: unknown): unknown {
  if (typeof header !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(header);
    return Array.isArray(parsed) ? (parsed.length > 1 ? parsed : parsed[0]) : parsed;
  } catch {
    return undefined;
  }
}

function parseBody(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
