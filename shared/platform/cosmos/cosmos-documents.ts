import type { Container, CosmosDiagnostics, FeedOptions, ItemDefinition, SqlQuerySpec } from '@azure/cosmos';

/**
 * A partition key value: one value, or the values of a hierarchical key in order. A query may
 * give a prefix of a hierarchical key (`[tenantId]`) to read every partition under it.
 */
export type PartitionKeyValue = string | readonly string[];
import type { z } from 'zod';
import { statusOf, translateFailure, UnreadableDocumentError, UnwritableDocumentError, type CosmosOperation } from './cosmos-failure.ts';
import type { CosmosRequestMeter } from './cosmos-request-meter.ts';

/** A document as read, without Cosmos DB's system fields, and the `_etag` its next conditional write must match. */
export interface StoredDocument<T> {
  readonly document: T;
  readonly etag: string;
}

export interface DocumentPage<T> {
  readonly items: readonly StoredDocument<T>[];
  /** The SDK's token for the next page; absent on the last one. */
  readonly continuationToken?: string;
}

export interface QueryOptions {
  /** Keeps the query inside one logical partition. */
  readonly partitionKey?: PartitionKeyValue;
  readonly maxItemCount?: number;
  readonly continuationToken?: string;
  /**
   * Skip a result that does not parse instead of failing the whole page (lists: one bad
   * document must not take a list down). Told the container, id and issues of each one skipped.
   */
  readonly onUnreadable?: (error: UnreadableDocumentError) => void;
}

/** What an adapter over one container is built from: the container, and how its requests are counted. */
export interface CosmosAdapterOptions {
  readonly container: Container;
  readonly meter?: Pick<CosmosRequestMeter, 'record'> | undefined;
  /** Counts these requests apart (see `CosmosRequestMeter`). */
  readonly scope?: string | undefined;
}

export interface CosmosDocumentsOptions<T> extends CosmosAdapterOptions {
  /** Every document read (point read, write response, query result) is parsed with it, and every document written is checked against it first. */
  readonly schema: z.ZodType<T>;
  /** The document's partition key value (for replaces). */
  readonly partitionKeyOf: (document: T) => PartitionKeyValue;
}

/** Properties Cosmos DB adds to every item; they are never part of a document. */
const SYSTEM_PROPERTIES = ['_rid', '_self', '_etag', '_attachments', '_ts', '_lsn'] as const;

/**
 * The one way the adapters talk to a Cosmos DB container. Each operation is one SDK call, counted
 * by the meter as `container:operation`; the outcomes the caller plans for come back as values
 * (`undefined` = not found, `'exists'` = id taken on create, `'conflict'` = etag no longer
 * matches); throttling, timeouts and outages (408/429/449/503, network errors) become
 * `DEPENDENCY.UNAVAILABLE` with retry advice; anything else is a `CosmosRequestError`. What is
 * read is stripped of system fields and validated: a document that does not parse is an
 * `UnreadableDocumentError` naming the container and id. What is written is validated with the
 * same schema first: a document that would not read back is an `UnwritableDocumentError` (a
 * bug, a 500) and is not sent.
 */
export class CosmosDocuments<T extends { readonly id: string }> {
  readonly #container: Container;
  readonly #schema: z.ZodType<T>;
  readonly #partitionKeyOf: (document: T) => PartitionKeyValue;
  readonly #meter: Pick<CosmosRequestMeter, 'record'> | undefined;
  readonly #scope: string | undefined;

  constructor(options: CosmosDocumentsOptions<T>) {
    this.#container = options.container;
    this.#schema = options.schema;
    this.#partitionKeyOf = options.partitionKeyOf;
    this.#meter = options.meter;
    this.#scope = options.scope;
  }

  get containerId(): string {
    return this.#container.id;
  }

  /** One point read; `undefined` when absent. */
  async read(id: string, partitionKey: PartitionKeyValue): Promise<StoredDocument<T> | undefined> {
    const outcome = await this.#run('read', [404], () => this.#container.item(id, sdkKey(partitionKey)).read<ItemDefinition>());
    return 'status' in outcome || outcome.response.resource === undefined ? undefined : this.#stored(outcome.response.resource);
  }

  /** `'exists'` when the id is taken in its partition. */
  async create(document: T): Promise<StoredDocument<T> | 'exists'> {
    this.#assertWritable(document);
    const outcome = await this.#run('create', [409], () => this.#container.items.create<ItemDefinition>(document));
    return 'status' in outcome ? 'exists' : this.#stored(outcome.response.resource);
  }

  /** Replaces only if the stored `_etag` is still `etag`: `'conflict'` when it is not, `undefined` when the document is gone. */
  async replace(document: T, etag: string): Promise<StoredDocument<T> | 'conflict' | undefined> {
    this.#assertWritable(document);
    const item = this.#container.item(document.id, sdkKey(this.#partitionKeyOf(document)));
    const outcome = await this.#run('replace', [404, 412], () => item.replace<ItemDefinition>(document, ifMatch(etag)));
    if ('status' in outcome) return outcome.status === 412 ? 'conflict' : undefined;
    return this.#stored(outcome.response.resource);
  }

  /** Creates or overwrites, unconditionally. */
  async upsert(document: T): Promise<StoredDocument<T>> {
    this.#assertWritable(document);
    const response = await this.#call('upsert', () => this.#container.items.upsert<ItemDefinition>(document));
    return this.#stored(response.resource);
  }

  /** Deletes (only if the `_etag` is still `etag`, when given): `'conflict'` when it is not, `undefined` when already gone. */
  async delete(id: string, partitionKey: PartitionKeyValue, etag?: string): Promise<'deleted' | 'conflict' | undefined> {
    const outcome = await this.#run('delete', [404, 412], () => this.#container.item(id, sdkKey(partitionKey)).delete(etag === undefined ? {} : ifMatch(etag)));
    if ('status' in outcome) return outcome.status === 412 ? 'conflict' : undefined;
    return 'deleted';
  }

  /** One page of a query (one SDK `fetchNext`). */
  async queryPage(spec: SqlQuerySpec, options: QueryOptions = {}): Promise<DocumentPage<T>> {
    const page = await this.#call('query', () => this.#container.items.query<ItemDefinition>(spec, feedOptions(options)).fetchNext());
    const items = this.#storedAll(page.resources, options.onUnreadable);
    return page.continuationToken ? { items, continuationToken: page.continuationToken } : { items };
  }

  /** Every result of a query, fetched at once. */
  async queryAll(spec: SqlQuerySpec, options: Omit<QueryOptions, 'continuationToken'> = {}): Promise<StoredDocument<T>[]> {
    const all = await this.#call('query', () => this.#container.items.query<ItemDefinition>(spec, feedOptions(options)).fetchAll());
    return all.resources.map((resource) => this.#stored(resource));
  }

  /** Every result of a query, page by page as the caller consumes them (each page counted on its own). */
  async *queryEach(spec: SqlQuerySpec, options: Omit<QueryOptions, 'continuationToken'> = {}): AsyncIterable<StoredDocument<T>> {
    const iterator = this.#container.items.query<ItemDefinition>(spec, feedOptions(options));
    while (iterator.hasMoreResults()) {
      const page = await this.#call('query', () => iterator.fetchNext());
      for (const resource of page.resources) yield this.#stored(resource);
    }
  }

  /** The results of a `SELECT VALUE …` query (a count, a projection), each parsed with `schema`; metered like any query. */
  async queryValues<V>(spec: SqlQuerySpec, schema: z.ZodType<V>, options: Omit<QueryOptions, 'continuationToken'> = {}): Promise<V[]> {
    const all = await this.#call('query', () => this.#container.items.query<unknown>(spec, feedOptions(options)).fetchAll());
    return all.resources.map((value) => {
      const parsed = schema.safeParse(value);
      if (!parsed.success) throw new UnreadableDocumentError(this.#container.id, '(query value)', parsed.error.issues.map((issue) => issue.message));
      return parsed.data;
    });
  }

  /** `#run` for a call with no expected failure status. */
  async #call<R extends SdkResponse>(operation: CosmosOperation, call: () => Promise<R>): Promise<R> {
    const outcome = await this.#run(operation, [], call);
    if ('status' in outcome) throw new Error(`unreachable: ${operation} on ${this.#container.id} expected no status`);
    return outcome.response;
  }

  /**
   * Runs one SDK call and counts its requests. A failure with one of the `expected` statuses (or
   * a 404 response, which the SDK answers point reads with) is handed back as `{ status }`;
   * every other failure is translated (see `translateFailure`).
   */
  async #run<R extends SdkResponse>(operation: CosmosOperation, expected: readonly number[], call: () => Promise<R>): Promise<Outcome<R>> {
    let response: R;
    try {
      response = await call();
    } catch (error) {
      this.#meter?.record(this.#container.id, operation, (error as SdkResponse).diagnostics, this.#scope);
      const status = statusOf(error);
      if (status !== undefined && expected.includes(status)) return { status };
      throw translateFailure(error, this.#container.id, operation);
    }
    this.#meter?.record(this.#container.id, operation, response.diagnostics, this.#scope);
    if (response.statusCode === 404 && expected.includes(404)) return { status: 404 };
    return { response };
  }

  /** Each resource parsed; with `onUnreadable`, the unreadable ones are reported and left out. */
  #storedAll(resources: readonly ItemDefinition[], onUnreadable: QueryOptions['onUnreadable']): StoredDocument<T>[] {
    if (onUnreadable === undefined) return resources.map((resource) => this.#stored(resource));
    const items: StoredDocument<T>[] = [];
    for (const resource of resources) {
      try {
        items.push(this.#stored(resource));
      } catch (error) {
        if (!(error instanceof UnreadableDocumentError)) throw error;
        onUnreadable(error);
      }
    }
    return items;
  }

  #assertWritable(document: T): void {
    const parsed = this.#schema.safeParse(document);
    if (parsed.success) return;
    const issues = parsed.error.issues.map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`);
    throw new UnwritableDocumentError(this.#container.id, String(document.id), issues);
  }

  /** The resource without system fields, parsed with the schema, and its `_etag`. */
  #stored(resource: ItemDefinition | undefined): StoredDocument<T> {
    const id = String(resource?.id ?? '(no id)');
    if (resource === undefined) throw new UnreadableDocumentError(this.#container.id, id, ['the response carried no document']);
    const etag = resource['_etag'];
    if (typeof etag !== 'string') throw new UnreadableDocumentError(this.#container.id, id, ['no _etag']);
    const fields: Record<string, unknown> = { ...resource };
    for (const key of SYSTEM_PROPERTIES) delete fields[key];
    const parsed = this.#schema.safeParse(fields);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`);
      throw new UnreadableDocumentError(this.#container.id, id, issues);
    }
    return { document: parsed.data, etag };
  }
}

type SdkResponse = { readonly diagnostics?: CosmosDiagnostics; readonly statusCode?: number };

type Outcome<R> = { readonly response: R } | { readonly status: number };

function ifMatch(etag: string): { accessCondition: { type: string; condition: string } } {
  return { accessCondition: { type: 'IfMatch', condition: etag } };
}

function feedOptions(options: QueryOptions): FeedOptions {
  const feed: FeedOptions = {};
  if (options.partitionKey !== undefined) feed.partitionKey = sdkKey(options.partitionKey);
  if (options.maxItemCount !== undefined) feed.maxItemCount = options.maxItemCount;
  if (options.continuationToken !== undefined) feed.continuationToken = options.continuationToken;
  return feed;
}

/** The SDK's form of a key: a plain value, or a (mutable) array for a hierarchical one. */
function sdkKey(key: PartitionKeyValue): string | string[] {
  return typeof key === 'string' ? key : [...key];
}
