import { createRequire } from 'node:module';
import { OrderedItems } from './cosmos-ordered-index.ts';

type JsonObject = Record<string, unknown>;
/** An item of one of the package's stores (the same shape as `StoredItem` in `cosmos-library.ts`). */
interface StoredItem {
  read(): JsonObject | undefined;
}

/**
 * Azure Cosmos DB serves a query scoped to a partition key from that partition alone; the package
 * keeps every document of a container in one map and scans all of them. This gives each
 * document store a map that also indexes its items by partition key — by every prefix of it, so
 * a hierarchical key `[tenant, application]` can be queried by tenant or by both — and lets a
 * scoped query read just that partition (`partition(prefix)`).
 *
 * The index is kept by the map itself (set, delete, clear), so every way the package and the
 * local server change a store (creates, replaces, batch rollback, journal replay) keeps it right.
 */
export class PartitionIndexedMap<V extends StoredItem> extends OrderedItems<V> {
  readonly #pathsOf: () => readonly string[];
  readonly #byPrefix = new Map<string, OrderedItems<V>>();
  readonly #prefixesOf = new Map<string, readonly string[]>();

  constructor(pathsOf: () => readonly string[], entries?: Iterable<readonly [string, V]>) {
    super();
    this.#pathsOf = pathsOf;
    for (const [key, value] of entries ?? []) this.set(key, value);
  }

  override set(key: string, value: V): this {
    this.#unindex(key);
    super.set(key, value);
    const data = value.read?.();
    if (data !== undefined) {
      const prefixes = prefixKeys(partitionValues(this.#pathsOf(), data));
      this.#prefixesOf.set(key, prefixes);
      for (const prefix of prefixes) {
        let members = this.#byPrefix.get(prefix);
        if (members === undefined) this.#byPrefix.set(prefix, (members = new OrderedItems()));
        members.set(key, value);
      }
    }
    return this;
  }

  override delete(key: string): boolean {
    this.#unindex(key);
    return super.delete(key);
  }

  override clear(): void {
    this.#byPrefix.clear();
    this.#prefixesOf.clear();
    super.clear();
  }

  /** The items whose partition key starts with `prefix` (JSON of the leading values, e.g. `["acme"]`). */
  partition(prefix: readonly unknown[]): OrderedItems<V> {
    return this.#byPrefix.get(JSON.stringify(prefix)) ?? new OrderedItems();
  }

  #unindex(key: string): void {
    for (const prefix of this.#prefixesOf.get(key) ?? []) {
      const members = this.#byPrefix.get(prefix);
      members?.delete(key);
      if (members?.size === 0) this.#byPrefix.delete(prefix);
    }
    this.#prefixesOf.delete(key);
  }
}

/** The value at each partition key path of `data` (a missing value is `null`, as Azure's "none" key). */
export function partitionValues(paths: readonly string[], data: JsonObject): unknown[] {
  return (paths.length === 0 ? ['/id'] : paths).map((path) => {
    let value: unknown = data;
    for (const segment of path.slice(1).split('/')) value = value && typeof value === 'object' ? (value as JsonObject)[segment] : undefined;
    return value ?? null;
  });
}

function prefixKeys(values: readonly unknown[]): string[] {
  return values.map((_, index) => JSON.stringify(values.slice(0, index + 1)));
}

/**
 * A partition key as the package's stores key items by it: the value itself for a single path
 * (as the package does), the JSON of all values for a hierarchical key. The package alone would
 * use the first value only, so `[acme, app-1]` and `[acme, app-2]` would be one partition: ids
 * would clash across applications of a tenant, and an item would answer under the wrong key.
 */
export function storePartition(partitionKey: unknown): unknown {
  if (!Array.isArray(partitionKey)) return partitionKey;
  return partitionKey.length === 1 ? partitionKey[0] : JSON.stringify(partitionKey);
}

type ItemsPrototype = { _partitionKeyPath?: readonly string[]; _getPartition?: (data: JsonObject) => unknown } & Record<string, unknown>;

const require = createRequire(import.meta.url);
const Items = (require('@vercel/cosmosdb-server/lib/account/items') as { default: { prototype: ItemsPrototype } }).default;
const partitionHeader = require('@vercel/cosmosdb-server/lib/utils/get-partition-from-header') as {
  parsePartitionKey: (partitionKey: string, defaultValue: unknown) => unknown;
};

/**
 * Makes every document store the package creates keep its items in a `PartitionIndexedMap`: the
 * package assigns `this._data = new Map()` in its constructor, which this setter intercepts.
 */
export function installPartitionIndex(): void {
  if (Object.getOwnPropertyDescriptor(Items.prototype, '_data')) return;
  installFullPartitionKeys();
  const own = new WeakMap<object, PartitionIndexedMap<StoredItem>>();
  Object.defineProperty(Items.prototype, '_data', {
    configurable: true,
    get(this: ItemsPrototype) {
      return own.get(this);
    },
    set(this: ItemsPrototype, value: Map<string, StoredItem>) {
      own.set(this, new PartitionIndexedMap(() => this._partitionKeyPath ?? ['/id'], value));
    },
  });
}

/**
 * Makes the package key items by their whole partition key (see `storePartition`): from a
 * document (`_getPartition`, used on create, replace, upsert) and from a request's
 * `x-ms-documentdb-partitionkey` header (`parsePartitionKey`, used on read, replace, delete and
 * batch operations). Single-path containers keep the package's own behaviour.
 */
function installFullPartitionKeys(): void {
  const firstValueOf = Items.prototype._getPartition!;
  Items.prototype._getPartition = function (this: ItemsPrototype, data: JsonObject): unknown {
    const paths = this._partitionKeyPath ?? [];
    return paths.length > 1 ? storePartition(partitionValues(paths, data)) : firstValueOf.call(this, data);
  };
  const parseFirst = partitionHeader.parsePartitionKey;
  partitionHeader.parsePartitionKey = (partitionKey: string, defaultValue: unknown): unknown => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(partitionKey);
    } catch {
      return parseFirst(partitionKey, defaultValue);
    }
    return Array.isArray(parsed) && parsed.length > 1 ? storePartition(parsed.map((value: unknown) => value ?? null)) : parseFirst(partitionKey, defaultValue);
  };
}
