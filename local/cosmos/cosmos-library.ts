import { createRequire } from 'node:module';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { installPartitionIndex, partitionValues } from './cosmos-partition-index.ts';
import { installLinearQueries } from './cosmos-query-linear.ts';
import { installOrderedQueries } from './cosmos-ordered-query.ts';

/**
 * Typed bridge to the parts of `@vercel/cosmosdb-server` the local server is built from: its
 * account model (databases → collections → documents, all in memory) and its router with the
 * per-operation handlers. The package's own `createHttpsServer` hides the account inside a
 * closure; the local server needs it to snapshot and restore state exactly (`_etag`, `_ts`).
 * Only the members used here are typed; they are the package's internals as of 1.0.x.
 */
export type JsonObject = Record<string, unknown>;

export interface StoredItem {
  read(): JsonObject | undefined;
}

export interface ItemStore<T extends StoredItem> {
  readonly _data: Map<string, T>;
  _index: Map<string, string>;
  _ridCount: number;
  create(data: JsonObject): JsonObject;
  /** Stores `data` as is (system properties included) under its `_rid`. */
  _set(data: JsonObject): JsonObject;
}

export interface CollectionModel extends StoredItem {
  readonly documents: ItemStore<StoredItem>;
  readonly userDefinedFunctions: ItemStore<StoredItem>;
  document(id: string, partition: unknown): StoredItem;
}

export interface DatabaseModel extends StoredItem {
  readonly collections: ItemStore<CollectionModel>;
  collection(id: string): CollectionModel;
}

export interface AccountModel extends StoredItem {
  readonly databases: ItemStore<DatabaseModel>;
  database(id: string): DatabaseModel;
}

/** What the package's handlers read from a request: method, url, headers and the body stream. */
export type LibraryRequest = Readable & { method: string; url: string; headers: IncomingHttpHeaders };

/** What the package's handlers write on a response. */
export interface LibraryResponse {
  statusCode: number;
  setHeader(name: string, value: string): void;
}

type Handler = (account: AccountModel, req: LibraryRequest, res: LibraryResponse, params: Record<string, string>) => unknown;
type Route = (req: LibraryRequest) => [Record<string, string>, Handler] | undefined;

installLinearQueries();
installPartitionIndex();
installOrderedQueries();

const require = createRequire(import.meta.url);
const AccountClass = (require('@vercel/cosmosdb-server/lib/account') as { default: new (host: string, port: number) => AccountModel }).default;
const route = (require('@vercel/cosmosdb-server/lib/routes') as { default: Route }).default;

export function createAccount(hostname: string, port: number): AccountModel {
  return new AccountClass(hostname, port);
}

/** The package's router: the handler for a request, with the decoded path parameters. */
export function routeRequest(req: LibraryRequest): { params: Record<string, string>; handler: Handler } | undefined {
  const match = route(req);
  return match ? { params: match[0], handler: match[1] } : undefined;
}

/**
 * The partition key of `doc` in the SDK's form: the value at the container's path, or for a
 * hierarchical key (several paths) the list of values (a missing one is `null`).
 */
export function partitionKeyOf(collection: JsonObject | undefined, doc: JsonObject): unknown {
  const paths = (collection?.['partitionKey'] as { paths?: string[] } | undefined)?.paths ?? ['/id'];
  if (paths.length > 1) return partitionValues(paths, doc);
  let value: unknown = doc;
  for (const segment of (paths[0] ?? '/id').slice(1).split('/')) {
    value = value && typeof value === 'object' ? (value as JsonObject)[segment] : undefined;
  }
  return value;
}
