import type { IncomingHttpHeaders } from 'node:http';
import type { AccountModel, CollectionModel, DatabaseModel } from './cosmos-library.ts';
import type { PartitionIndexedMap } from './cosmos-partition-index.ts';
import type { StoredItem } from './cosmos-library.ts';

/**
 * A query sent with a partition key (`x-ms-documentdb-partitionkey`) reads that partition only in
 * Azure; the package ignores the header and reads the whole container. This gives the query
 * handler a view of the account in which the container holds only that partition's documents —
 * taken from the store's partition index (`cosmos-partition-index.ts`), so the query touches
 * nothing else. A hierarchical key may be given in full or as a prefix (`["acme"]`): the view
 * holds every document whose key starts with it. Views over the live objects, built per
 * request: nothing is copied or changed.
 */
export function partitionScopedAccount(account: AccountModel, params: Record<string, string>, headers: IncomingHttpHeaders): AccountModel {
  const dbId = params['dbId'];
  const collId = params['collId'];
  const partition = requestedPartition(headers['x-ms-documentdb-partitionkey']);
  if (dbId === undefined || collId === undefined || partition === undefined) return account;
  const database = account.database(dbId);
  const collection = database.collection(collId);
  if (!collection.read()) return account;

  const documents = collection.documents;
  const indexed = documents._data as unknown as PartitionIndexedMap<StoredItem>;
  const scopedDocuments = Object.create(documents, {
    _data: { get: () => indexed.partition(partition) },
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
 * The partition key values a request names in its `x-ms-documentdb-partitionkey` header
 * (`["acme"]`, `["acme","app-1"]`, or a bare value); undefined when it names none (`[{}]`, no header).
 */
export function requestedPartition(header: string | string[] | undefined): unknown[] | undefined {
  const text = Array.isArray(header) ? header[0] : header;
  if (!text) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    const values = Array.isArray(parsed) ? parsed : [parsed];
    if (values.length === 0 || values.some((value) => value === undefined || (typeof value === 'object' && value !== null && Object.keys(value).length === 0))) return undefined;
    return values;
  } catch {
    return undefined;
  }
}
