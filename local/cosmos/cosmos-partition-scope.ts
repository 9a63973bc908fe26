import type { IncomingHttpHeaders } from 'node:http';
import { partitionKeyOf, type AccountModel, type CollectionModel, type DatabaseModel, type JsonObject } from './cosmos-library.ts';

/**
 * A query sent with a partition key (`x-ms-documentdb-partitionkey`) reads that partition only in
 * Azure; the package ignores the header and reads the whole container. This gives the query
 * handler a view of the account in which the container holds only that partition's documents
 * (views over the live objects, built per request: nothing is copied or changed).
 */
export function partitionScopedAccount(account: AccountModel, params: Record<string, string>, headers: IncomingHttpHeaders): AccountModel {
  const dbId = params['dbId'];
  const collId = params['collId'];
  const partition = requestedPartition(headers['x-ms-documentdb-partitionkey']);
  if (dbId === undefined || collId === undefined || partition === undefined) return account;
  const database = account.database(dbId);
  const collection = database.collection(collId);
  const definition = collection.read();
  if (!definition) return account;

  const documents = collection.documents;
  const inPartition = (doc: JsonObject | undefined): boolean => !!doc && JSON.stringify(partitionKeyOf(definition, doc) ?? null) === partition;
  const scopedDocuments = Object.create(documents, {
    _data: { get: () => new Map([...documents._data].filter(([, item]) => inPartition(item.read()))) },
  }) as CollectionModel['documents'];
  const scopedCollection = Object.create(collection, { documents: { value: scopedDocuments } }) as CollectionModel;
  const scopedDatabase = Object.create(database, {
    collection: { value: (id: string) => (id === collId ? scopedCollection : database.collection(id)) },
  }) as DatabaseModel;
  return Object.create(account, {
    database: { value: (id: string) => (id === dbId ? scopedDatabase : account.database(id)) },
  }) as AccountModel;
}

/**
 * The partition a request names in its `x-ms-documentdb-partitionkey` header: `["value"]` →
 * `"value"` as JSON text; undefined when no single value is named.
 */
export function requestedPartition(header: string | string[] | undefined): string | undefined {
  const text = Array.isArray(header) ? header[0] : header;
  if (!text) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    const value = Array.isArray(parsed) ? parsed[0] : parsed;
    if (value === undefined || (typeof value === 'object' && value !== null && Object.keys(value).length === 0)) return undefined;
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}
