import type { IncomingHttpHeaders } from 'node:http';
import type { AccountModel, CollectionModel, ItemStore, JsonObject, StoredItem } from './cosmos-library.ts';

/**
 * Corrections to `@vercel/cosmosdb-server` where it departs from Azure, applied around its
 * handlers by `dispatch`: atomic transactional batches, batch operations inheriting the batch's
 * partition key, and a container replace that keeps the container's documents.
 */
export interface RequestShape {
  readonly method: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export function headerIsTrue(headers: IncomingHttpHeaders, name: string): boolean {
  const value = headers[name];
  const values = Array.isArray(value) ? value : [value];
  return values.some((v) => typeof v === 'string' && v.toLowerCase() === 'true');
}

export function isBatch(request: RequestShape): boolean {
  return request.method === 'POST' && headerIsTrue(request.headers, 'x-ms-cosmos-is-batch-request');
}

/** Operations of a batch take the batch's partition key when they name none (the package reads it per operation). */
export function withBatchPartitionKey<T extends RequestShape>(request: T): T {
  const header = request.headers['x-ms-documentdb-partitionkey'];
  if (typeof header !== 'string') return request;
  let operations: unknown;
  try {
    operations = JSON.parse(request.body.toString('utf8'));
  } catch {
    return request;
  }
  if (!Array.isArray(operations)) return request;
  const filled = operations.map((op: unknown) => (isObject(op) && op['partitionKey'] === undefined ? { ...op, partitionKey: header } : op));
  return { ...request, body: Buffer.from(JSON.stringify(filled), 'utf8') };
}

interface StoreState {
  readonly store: ItemStore<StoredItem>;
  readonly data: Map<string, StoredItem>;
  readonly index: Map<string, string>;
  readonly ridCount: number;
}

function captureStore(store: ItemStore<StoredItem>): StoreState {
  return { store, data: new Map(store._data), index: new Map(store._index), ridCount: store._ridCount };
}

function restoreStore(state: StoreState, into: ItemStore<StoredItem> = state.store): void {
  into._data.clear();
  for (const [rid, item] of state.data) into._data.set(rid, item);
  into._index = new Map(state.index);
  into._ridCount = state.ridCount;
}

function collectionOf(account: AccountModel, params: Record<string, string>): CollectionModel | undefined {
  const collection = account.database(params['dbId'] ?? '').collection(params['collId'] ?? '');
  return collection.read() ? collection : undefined;
}

/** Before a batch: a copy of the container's document maps (the package replaces items, never mutates them). */
export function rememberDocuments(account: AccountModel, params: Record<string, string>): StoreState | undefined {
  const collection = collectionOf(account, params);
  return collection ? captureStore(collection.documents) : undefined;
}

/**
 * After a batch: a batch the package refused (non-2xx) leaves nothing behind; an atomic batch with
 * a failed operation is undone and answered as Azure does, 207 with the failing operation's status
 * and 424 for every other operation. A non-atomic (bulk) batch keeps what succeeded.
 */
export function settleBatch(request: RequestShape, response: { statusCode: number }, body: unknown, before: StoreState): unknown {
  if (response.statusCode < 200 || response.statusCode > 299) {
    restoreStore(before);
    return body;
  }
  const results = Array.isArray(body) ? (body as JsonObject[]) : [];
  const failed = results.find((r) => Number(r['statusCode']) >= 400 && Number(r['statusCode']) !== 424);
  if (!failed || !headerIsTrue(request.headers, 'x-ms-cosmos-batch-atomic')) return body;
  restoreStore(before);
  response.statusCode = 207;
  return results.map((r) => (r === failed ? r : { statusCode: 424, requestCharge: 0 }));
}

/** Replacing a container gives the package a fresh, empty one: this carries the documents and functions over. */
export function keepContentsOnReplace(account: AccountModel, params: Record<string, string>): (() => void) | undefined {
  const previous = collectionOf(account, params);
  if (!previous) return undefined;
  const documents = captureStore(previous.documents);
  const functions = captureStore(previous.userDefinedFunctions);
  const compiled = (previous.userDefinedFunctions as unknown as { functions: Record<string, unknown> }).functions;
  return () => {
    const next = collectionOf(account, params);
    if (!next || next === previous) return;
    restoreStore(documents, next.documents);
    restoreStore(functions, next.userDefinedFunctions);
    Object.assign((next.userDefinedFunctions as unknown as { functions: Record<string, unknown> }).functions, compiled);
  };
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
