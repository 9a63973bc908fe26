import { standardHeaders, type CosmosRequest, type CosmosResponse } from './cosmos-dispatch.ts';
import { pathSegments } from './cosmos-effects.ts';
import type { AccountModel, JsonObject } from './cosmos-library.ts';
import { requestedPartition } from './cosmos-partition-scope.ts';
import type { ChangeFeedLog, FeedChange } from './local-change-feed.ts';
import { partitionValues, storePartition } from './cosmos-partition-index.ts';

const DEFAULT_PAGE_SIZE = 1000;

/** A change-feed read by the SDK: `GET …/docs` with `A-IM: Incremental feed`. */
export function isChangeFeedRequest(request: CosmosRequest): boolean {
  const segments = pathSegments(request.url);
  return request.method === 'GET' && request.headers['a-im'] !== undefined && segments.length === 5 && segments[4] === 'docs';
}

/**
 * Serves the SDK's change-feed requests from the local change feed, so a continuation resumes
 * where it stopped (the package answers 304 to any request that carries one). The ETag is the
 * LSN to continue after: `If-None-Match` absent = from the beginning, `*` = from now.
 * `If-Modified-Since` keeps documents last written at or after that time; a partition key header
 * keeps that partition only.
 */
export function serveChangeFeed(account: AccountModel, feed: ChangeFeedLog, request: CosmosRequest): CosmosResponse {
  const [, db = '', , coll = ''] = pathSegments(request.url);
  const collection = account.database(db).collection(coll);
  const headers = standardHeaders(request);
  const collectionData = collection.read();
  if (!collectionData) return { statusCode: 404, headers, body: { code: 'NotFound', message: `Collection ${coll} does not exist.` } };

  const afterLsn = startingLsn(request.headers['if-none-match'], feed);
  const pageSize = pageSizeOf(request.headers['x-ms-max-item-count']);
  const since = Date.parse(String(request.headers['if-modified-since'] ?? ''));
  const partition = requestedPartition(request.headers['x-ms-documentdb-partitionkey']);

  const page = feed.read(db, coll, { afterLsn });
  const documents: JsonObject[] = [];
  let lastLsn = page.lastLsn;
  let scanned = afterLsn;
  for (const change of page.changes) {
    if (documents.length >= pageSize) {
      lastLsn = scanned;
      break;
    }
    scanned = change.lsn;
    const doc = visibleDocument(collection.document(change.id, storePartition(change.partitionKey)).read(), change, partition, since, collectionData);
    if (doc) documents.push(doc);
  }
  headers['etag'] = String(lastLsn);
  if (documents.length === 0) return { statusCode: 304, headers, body: '' };
  headers['x-ms-item-count'] = String(documents.length);
  return { statusCode: 200, headers, body: { _rid: collectionData['_rid'], Documents: documents, _count: documents.length } };
}

function visibleDocument(doc: JsonObject | undefined, change: FeedChange, partition: unknown[] | undefined, since: number, collection: JsonObject): JsonObject | undefined {
  if (!doc) return undefined;
  if (partition !== undefined) {
    const paths = (collection['partitionKey'] as { paths?: string[] } | undefined)?.paths ?? ['/id'];
    const values = partitionValues(paths, doc);
    if (partition.some((value, index) => JSON.stringify(value ?? null) !== JSON.stringify(values[index] ?? null))) return undefined;
  }
  if (Number.isFinite(since) && Number(doc['_ts']) * 1000 < since) return undefined;
  return { ...doc, _lsn: change.lsn };
}

function startingLsn(ifNoneMatch: string | string[] | undefined, feed: ChangeFeedLog): number {
  const value = (Array.isArray(ifNoneMatch) ? ifNoneMatch[0] : ifNoneMatch)?.replaceAll('"', '');
  if (value === undefined || value === '') return 0;
  if (value === '*') return feed.currentLsn();
  const lsn = Number(value);
  return Number.isFinite(lsn) ? lsn : 0;
}

function pageSizeOf(header: string | string[] | undefined): number {
  const size = Number(Array.isArray(header) ? header[0] : header);
  return Number.isInteger(size) && size > 0 ? size : DEFAULT_PAGE_SIZE;
}
