import { dispatch, type CosmosRequest } from './cosmos-dispatch.ts';
import { isSuccess, type Effect } from './cosmos-effects.ts';
import { partitionKeyOf, type AccountModel, type JsonObject } from './cosmos-library.ts';
import { storePartition } from './cosmos-partition-index.ts';
import type { ChangeFeedLog } from './local-change-feed.ts';

/**
 * The journal's records. A compacted journal starts with a snapshot (header, then every database,
 * container, function and document exactly as stored, system properties and resource-id counters
 * included); after it come the mutating requests acknowledged since, each with its effects.
 */
export type JournalRecord =
  | { readonly t: 'snapshot'; readonly v: 1; readonly at: string; readonly lastLsn: number; readonly dbRidCount: number }
  | { readonly t: 'db'; readonly data: JsonObject; readonly collRidCount: number }
  | { readonly t: 'coll'; readonly db: string; readonly data: JsonObject; readonly docRidCount: number }
  | { readonly t: 'udf'; readonly db: string; readonly coll: string; readonly data: JsonObject }
  | { readonly t: 'doc'; readonly db: string; readonly coll: string; readonly data: JsonObject; readonly lsn?: number }
  | RequestRecord;

export interface RequestRecord {
  readonly t: 'req';
  readonly m: string;
  readonly p: string;
  /** Only the headers that steer the operation (never If-Match: replay must not fail on a new ETag). */
  readonly h: Record<string, string>;
  readonly b: unknown;
  /** The body as sent, when it was not JSON. */
  readonly raw?: string;
  readonly fx: readonly Effect[];
}

const REPLAYED_HEADERS = [
  'content-type',
  'x-ms-documentdb-partitionkey',
  'x-ms-documentdb-is-upsert',
  'x-ms-cosmos-is-batch-request',
  'x-ms-cosmos-batch-atomic',
  'x-ms-cosmos-batch-continue-on-error',
];

export function requestRecord(request: CosmosRequest, effects: readonly Effect[]): RequestRecord {
  const headers: Record<string, string> = {};
  for (const name of REPLAYED_HEADERS) {
    const value = request.headers[name];
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const text = request.body.toString('utf8');
  return { t: 'req', m: request.method, p: request.url, h: headers, ...bodyField(text), fx: effects };
}

/** The body as JSON when it is JSON (readable journal), else as the raw text. */
function bodyField(text: string): { b: unknown } | { b: null; raw: string } {
  if (text === '') return { b: null };
  try {
    return { b: JSON.parse(text) as unknown };
  } catch {
    return { b: null, raw: text };
  }
}

function bodyBytes(record: RequestRecord): Buffer {
  if (record.raw !== undefined) return Buffer.from(record.raw, 'utf8');
  return record.b === null ? Buffer.alloc(0) : Buffer.from(JSON.stringify(record.b), 'utf8');
}

/** Applies a request's effects to the change feed and pins the system properties it produced. */
export function applyEffects(account: AccountModel, feed: ChangeFeedLog, effects: readonly Effect[]): void {
  for (const effect of effects) {
    if (effect.k === 'write') {
      const doc = account.database(effect.db).collection(effect.coll).document(effect.id, storePartition(effect.pk)).read();
      if (doc) Object.assign(doc, { _etag: effect.etag, _ts: effect.ts });
      feed.record(effect.db, effect.coll, effect.id, effect.pk, effect.lsn);
    } else if (effect.k === 'delete') {
      feed.remove(effect.db, effect.coll, effect.id, effect.pk);
    } else if (effect.k === 'dropContainer') {
      feed.dropContainer(effect.db, effect.coll);
    } else {
      feed.dropDatabase(effect.db);
    }
  }
}

/** Every record of a snapshot of the account's current state. */
export function* snapshotRecords(account: AccountModel, feed: ChangeFeedLog): Generator<JournalRecord> {
  yield { t: 'snapshot', v: 1, at: new Date().toISOString(), lastLsn: feed.currentLsn(), dbRidCount: account.databases._ridCount };
  for (const database of account.databases._data.values()) {
    const dbData = database.read();
    if (!dbData) continue;
    const db = String(dbData['id']);
    yield { t: 'db', data: dbData, collRidCount: database.collections._ridCount };
    for (const collection of database.collections._data.values()) {
      const collData = collection.read();
      if (!collData) continue;
      const coll = String(collData['id']);
      yield { t: 'coll', db, data: collData, docRidCount: collection.documents._ridCount };
      for (const fn of collection.userDefinedFunctions._data.values()) {
        const fnData = fn.read();
        if (fnData) yield { t: 'udf', db, coll, data: { id: fnData['id'], body: fnData['body'] } };
      }
      for (const document of collection.documents._data.values()) {
        const data = document.read();
        if (!data) continue;
        const lsn = feed.lsnOf(db, coll, String(data['id']), partitionKeyOf(collData, data));
        yield lsn === undefined ? { t: 'doc', db, coll, data } : { t: 'doc', db, coll, data, lsn };
      }
    }
  }
}

export interface RestoreSummary {
  readonly documents: number;
  readonly requests: number;
  /** Replayed requests the account did not answer with 2xx again (should be none). */
  readonly diverged: number;
}

/** Rebuilds the account from journal records: the snapshot directly, then each request in process. */
export async function restoreRecords(account: AccountModel, feed: ChangeFeedLog, records: readonly unknown[]): Promise<RestoreSummary> {
  let documents = 0;
  let requests = 0;
  let diverged = 0;
  for (const raw of records) {
    const record = raw as JournalRecord;
    switch (record.t) {
      case 'snapshot':
        account.databases._ridCount = record.dbRidCount;
        feed.advanceTo(record.lastLsn);
        break;
      case 'db':
        account.databases._set(record.data);
        account.database(String(record.data['id'])).collections._ridCount = record.collRidCount;
        break;
      case 'coll': {
        const database = account.database(record.db);
        database.collections._set(record.data);
        database.collection(String(record.data['id'])).documents._ridCount = record.docRidCount;
        break;
      }
      case 'udf':
        account.database(record.db).collection(record.coll).userDefinedFunctions.create(record.data);
        break;
      case 'doc': {
        const collection = account.database(record.db).collection(record.coll);
        collection.documents._set(record.data);
        const pk = partitionKeyOf(collection.read(), record.data);
        if (record.lsn !== undefined) feed.record(record.db, record.coll, String(record.data['id']), pk, record.lsn);
        documents += 1;
        break;
      }
      case 'req': {
        const response = await dispatch(account, { method: record.m, url: record.p, headers: { ...record.h, host: 'localhost' }, body: bodyBytes(record) });
        if (isSuccess(response.statusCode)) applyEffects(account, feed, record.fx);
        else diverged += 1;
        requests += 1;
        break;
      }
      default:
        throw new Error(`Cosmos DB journal: unknown record ${JSON.stringify(raw).slice(0, 80)}`);
    }
  }
  return { documents, requests, diverged };
}
