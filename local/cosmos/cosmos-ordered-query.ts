import { createRequire } from 'node:module';
import { isIndexedPath } from '../../shared/platform/cosmos-indexing.ts';
import { OrderedItems, valueAt, type OrderedStoredItem, type Position } from './cosmos-ordered-index.ts';

/**
 * A page of `SELECT * FROM c [WHERE …] ORDER BY c.path ASC|DESC` read the way Azure Cosmos DB's
 * range index serves it: the documents of the query's scope (a partition, a key prefix, or the
 * container) are walked in the ORDER BY's order from where the continuation left off, the
 * package's own query runs over them a few at a time (so WHERE means exactly what it means in
 * the package), and the walk stops once the page and the one document after it are found. A
 * page of 50 reads 51 documents when every document matches, not the whole scope.
 *
 * Answers and continuation tokens are the package's own (same order: the value, then `_rid`;
 * same token fields), so a query can go on from a token either path made. Every other query,
 * and any query this cannot serve exactly (a projection, a JOIN, TOP, several ORDER BY paths,
 * arrays or objects among the ordered values, no page size), goes to the package unchanged.
 * An ORDER BY on one path the container's indexing policy leaves out is refused, as Azure does.
 */
type Query = { ast: { body: Record<string, unknown> } };
type Page = { result: unknown[]; continuation: { token: string; range: { min: string; max: string } } | null };
type QueryOptions = { maxItemCount?: number; continuation?: { token?: unknown } | null };
type QueryParams = { query: string; parameters?: unknown };
interface Items {
  readonly _data: ReadonlyMap<string, OrderedStoredItem>;
  _parent: { read(): unknown };
  _getQuery(sql: string): Query;
  query(params: QueryParams, options: QueryOptions): Page | null;
}
type Token = { RID: string; RT: number; SRC?: number; TRC: number; RTD?: unknown[] };

const require = createRequire(import.meta.url);
const Items = (require('@vercel/cosmosdb-server/lib/account/items') as { default: { prototype: Items & { __ordered?: true } } }).default;
const tokens = require('@zeit/cosmosdb-query/lib/continuation-token') as { encode(token: Token): string; decode(token: string): Token };

/** Told how many documents each query over a store read (its scope, or what an ordered walk took). */
export type DocumentsReadListener = (store: object, documents: number) => void;
let documentsRead: DocumentsReadListener | undefined;

/** Observes the documents every query reads (one listener; the benchmarks' host counts them). */
export function onDocumentsRead(listener: DocumentsReadListener | undefined): void {
  documentsRead = listener;
}

export function installOrderedQueries(): void {
  const prototype = Items.prototype;
  if (prototype.__ordered) return;
  const unordered = prototype.query;
  prototype.query = function (this: Items, params: QueryParams, options: QueryOptions): Page | null {
    const body = this._parent.read() === undefined ? undefined : parsed(this, params);
    const sorted = body === undefined ? undefined : sortOf(body);
    if (sorted !== undefined) refuseUnindexedOrder(this, sorted);
    const plan = body === undefined || sorted === undefined ? undefined : orderedPlan(this, body, sorted, options);
    if (plan === undefined) {
      documentsRead?.(this, this._data.size);
      return unordered.call(this, params, options);
    }
    return orderedPage(this, plan, (store) => {
      documentsRead?.(this, store._data.size);
      return unordered.call(store, params, {})!.result;
    });
  };
  prototype.__ordered = true;
}

interface Plan {
  readonly path: readonly string[];
  readonly descending: boolean;
  readonly pageSize: number;
  readonly from: (Position & { readonly token: Token }) | undefined;
  readonly scope: OrderedItems<OrderedStoredItem>;
}

/** The query's syntax tree (the package's own parse, cached per text), or undefined when it does not parse: the package reports that. */
function parsed(items: Items, params: QueryParams): Record<string, unknown> | undefined {
  try {
    return items._getQuery(params.query).ast.body;
  } catch {
    return undefined;
  }
}

/** The ordered walk for this query, or undefined when the package must answer it. */
function orderedPlan(items: Items, body: Record<string, unknown>, sorted: Sorted, options: QueryOptions): Plan | undefined {
  const pageSize = options.maxItemCount;
  const scope = items._data;
  if (pageSize === undefined || !(pageSize > 0) || !(scope instanceof OrderedItems)) return undefined;
  const order = singleOrder(body, sorted);
  if (order === undefined) return undefined;
  let from: Plan['from'];
  if (options.continuation) {
    const token = decoded(options.continuation.token);
    if (token === undefined) return undefined;
    from = { value: token.RTD![0], rid: token.RID, token };
  }
  if (scope.ordered(order.path).unranged > 0) return undefined;
  return { ...order, pageSize, from, scope };
}

type Node = Record<string, unknown> & { type?: string };

/**
 * `SELECT * | SELECT VALUE <alias> FROM <alias> [WHERE …] ORDER BY <alias>.a.b [ASC|DESC]`, no
 * JOIN, no TOP: the ordered path and direction.
 */
function singleOrder(body: Record<string, unknown>, sorted: Sorted): { path: readonly string[]; descending: boolean } | undefined {
  const select = body['select'] as Node;
  const from = body['from'] as { joins: unknown[] };
  if (sorted.orders.length !== 1 || body['top'] || from.joins.length > 0) return undefined;
  const value = select['value'] as Node | undefined;
  const selectsDocuments = select['*'] === true || (value?.type === 'identifier' && value['name'] === sorted.alias);
  return selectsDocuments ? sorted.orders[0] : undefined;
}

/** A query's ORDER BY over one collection alias, each item a document path. */
type Sorted = { readonly alias: string; readonly orders: ReadonlyArray<{ readonly path: readonly string[]; readonly descending: boolean }> };

/** The ORDER BY of a query over one collection alias, each item a document path; undefined for anything else (no ORDER BY included). */
function sortOf(body: Record<string, unknown>): Sorted | undefined {
  const from = body['from'] as { source: Node & { alias: Node | null; expression: Node } } | undefined;
  const orderBy = body['orderBy'] as { expressions: Node[] } | undefined;
  if (body['type'] !== 'select_query' || !orderBy || !from) return undefined;
  const collection = from.source.expression;
  if (collection.type !== 'collection_expression' || (collection['expression'] as Node).type !== 'identifier') return undefined;
  const alias = (from.source.alias?.['name'] ?? (collection['expression'] as Node)['name']) as string;
  const orders: Array<{ path: readonly string[]; descending: boolean }> = [];
  for (const sort of orderBy.expressions) {
    const path: string[] = [];
    let member = sort['expression'] as Node;
    while (member.type === 'scalar_member_expression' && member['computed'] === false && (member['property'] as Node).type === 'identifier') {
      path.unshift((member['property'] as Node)['name'] as string);
      member = member['object'] as Node;
    }
    if (member.type !== 'identifier' || member['name'] !== alias || path.length === 0) return undefined;
    orders.push({ path, descending: sort['order'] === 'DESC' });
  }
  return { alias, orders };
}

/**
 * Azure answers an ORDER BY on one path its container's indexing policy leaves out with 400
 * ("The index path corresponding to the specified order-by item is excluded."); the package
 * would sort anyway. Several paths need a composite index, which the package checks itself.
 */
function refuseUnindexedOrder(items: Items, sorted: Sorted): void {
  const policy = (items._parent.read() as { indexingPolicy?: Parameters<typeof isIndexedPath>[0] } | undefined)?.indexingPolicy;
  // No paths given: Azure's default policy, every path indexed.
  if (policy?.includedPaths === undefined && policy?.excludedPaths === undefined) return;
  const { orders } = sorted;
  if (orders.length !== 1 || isIndexedPath(policy, orders[0]!.path)) return;
  throw Object.assign(new Error('The index path corresponding to the specified order-by item is excluded.'), { badRequest: true });
}

/** A continuation token the ordered walk can start from (one ORDER BY value, no `_rid` duplicates). */
function decoded(text: unknown): Token | undefined {
  if (typeof text !== 'string') return undefined;
  try {
    const token = tokens.decode(text);
    const rtd = token.RTD;
    return typeof token.RID === 'string' && Number.isInteger(token.RT) && Number.isInteger(token.TRC) && !token.SRC && Array.isArray(rtd) && rtd.length === 1 ? token : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Walks the scope's range index from the continuation, hands the documents to `run` in batches
 * (a store holding just them), and keeps the matches until it has a page and one more. The
 * first batch is a page and one; the next ones are sized by the matches seen so far.
 */
function orderedPage(items: Items, plan: Plan, run: (store: Items) => unknown[]): Page {
  const wanted = plan.pageSize + 1;
  const matches: unknown[] = [];
  let read = 0;
  let batch = new Map<string, OrderedStoredItem>();
  let batchSize = wanted;
  const flush = () => {
    // One at a time: a batch can hold tens of thousands of matches (too many for a spread's arguments).
    for (const match of run(Object.create(items, { _data: { value: batch } }) as Items)) matches.push(match);
    read += batch.size;
    batch = new Map();
    const needed = wanted - matches.length;
    batchSize = matches.length === 0 ? read * 2 : Math.ceil((needed * read) / matches.length);
  };
  for (const entry of plan.scope.ordered(plan.path).walk(plan.descending, plan.from)) {
    batch.set(entry.rid, entry.item);
    if (batch.size >= batchSize) {
      flush();
      if (matches.length >= wanted) break;
    }
  }
  if (batch.size > 0) flush();
  if (matches.length < wanted) return { result: matches, continuation: null };
  const next = matches[plan.pageSize] as { _rid: string };
  const previous = plan.from?.token;
  const token = tokens.encode({
    RID: next._rid,
    RT: (previous?.RT ?? 0) + 1,
    SRC: 0,
    TRC: (previous?.TRC ?? 0) + plan.pageSize,
    RTD: [valueAt(next, plan.path)],
  });
  return { result: matches.slice(0, plan.pageSize), continuation: { token, range: { min: '', max: 'FF' } } };
}
