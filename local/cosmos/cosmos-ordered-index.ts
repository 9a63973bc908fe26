type JsonObject = Record<string, unknown>;

/** An item of one of the package's stores (the same shape as `StoredItem` in `cosmos-library.ts`). */
export interface OrderedStoredItem {
  read(): JsonObject | undefined;
}

/** One document in a range index: its store key (the `_rid`), the value at the indexed path. */
export interface IndexEntry<V> {
  readonly rid: string;
  readonly item: V;
  readonly value: Scalar;
}

type Scalar = null | boolean | number | string;

/** A place in an index's order: a value and the `_rid` that breaks ties. */
export interface Position {
  readonly value: unknown;
  readonly rid: string;
}

/**
 * Azure Cosmos DB serves `ORDER BY c.path` from its range index: a page reads the documents it
 * returns, in order, and stops. The package sorts every document of the scope on every page.
 * A map of stored items that can also keep them ordered by a document path, as a range index
 * would: built the first time a query asks for that path (`ordered`), kept right by every
 * `set`, `delete` and `clear` after that, so every way the package and the local server change
 * a store (creates, replaces, batch rollback, journal replay) keeps it right.
 */
export class OrderedItems<V extends OrderedStoredItem> extends Map<string, V> {
  #indexes: Map<string, RangeIndex<V>> | undefined;

  override set(key: string, value: V): this {
    if (this.#indexes) for (const index of this.#indexes.values()) index.remove(key);
    super.set(key, value);
    if (this.#indexes) for (const index of this.#indexes.values()) index.add(key, value);
    return this;
  }

  override delete(key: string): boolean {
    if (this.#indexes) for (const index of this.#indexes.values()) index.remove(key);
    return super.delete(key);
  }

  override clear(): void {
    this.#indexes = undefined;
    super.clear();
  }

  /** The range index of `path` (property names from the document's root), built on first use. */
  ordered(path: readonly string[]): RangeIndex<V> {
    const name = path.join('\u0000');
    this.#indexes ??= new Map();
    let index = this.#indexes.get(name);
    if (index === undefined) this.#indexes.set(name, (index = RangeIndex.of(path, this)));
    return index;
  }
}

/**
 * The documents of one store that have a value at `path`, in the order the package's query
 * library sorts them (`compareValues`, then `_rid`). Values that are arrays or objects are not
 * ranged (the library compares them by their string forms); `unranged` counts them, and a query
 * over a scope that holds any is left to the library.
 */
export class RangeIndex<V extends OrderedStoredItem> {
  readonly #entries: IndexEntry<V>[] = [];
  readonly #byRid = new Map<string, IndexEntry<V>>();
  readonly #unranged = new Set<string>();
  readonly path: readonly string[];

  private constructor(path: readonly string[]) {
    this.path = path;
  }

  static of<V extends OrderedStoredItem>(path: readonly string[], items: ReadonlyMap<string, V>): RangeIndex<V> {
    const index = new RangeIndex<V>(path);
    for (const [rid, item] of items) {
      const entry = index.#entryOf(rid, item);
      if (entry !== undefined) index.#entries.push(entry);
    }
    index.#entries.sort(compareEntries);
    return index;
  }

  get size(): number {
    return this.#entries.length;
  }

  get unranged(): number {
    return this.#unranged.size;
  }

  add(rid: string, item: V): void {
    const entry = this.#entryOf(rid, item);
    if (entry !== undefined) this.#entries.splice(this.#lowerBound((e) => compareEntries(e, entry) < 0), 0, entry);
  }

  remove(rid: string): void {
    this.#unranged.delete(rid);
    const entry = this.#byRid.get(rid);
    if (entry === undefined) return;
    this.#byRid.delete(rid);
    const at = this.#lowerBound((e) => compareEntries(e, entry) < 0);
    if (this.#entries[at] !== entry) throw new Error(`range index of /${this.path.join('/')} lost its order at ${rid}`);
    this.#entries.splice(at, 1);
  }

  /**
   * The entries in the order of `ORDER BY path ASC|DESC` (values ascending or descending, equal
   * values by `_rid` ascending, as the library sorts), starting at the first entry at or after
   * `from` in that order (a continuation's last value and `_rid`).
   */
  *walk(descending: boolean, from?: Position): Generator<IndexEntry<V>> {
    const entries = this.#entries;
    const atOrAfter = (position: Position) => this.#lowerBound((e) => compareEntries(e, position) < 0);
    if (!descending) {
      for (let i = from === undefined ? 0 : atOrAfter(from); i < entries.length; i += 1) yield entries[i]!;
      return;
    }
    // Groups of equal values from the highest down; each group by `_rid` ascending.
    let end = from === undefined ? entries.length : this.#lowerBound((e) => compareValues(e.value, from.value) <= 0);
    // Within the group of the continuation's own value, start at its `_rid`.
    let start = from !== undefined && end > 0 && compareValues(entries[end - 1]!.value, from.value) === 0 ? atOrAfter(from) : undefined;
    while (end > 0) {
      const value = entries[end - 1]!.value;
      const groupStart = this.#lowerBound((e) => compareValues(e.value, value) < 0);
      for (let i = start ?? groupStart; i < end; i += 1) yield entries[i]!;
      start = undefined;
      end = groupStart;
    }
  }

  #entryOf(rid: string, item: V): IndexEntry<V> | undefined {
    const document = item.read();
    if (document === undefined) return undefined;
    const value = valueAt(document, this.path);
    if (value === undefined) return undefined;
    if (value !== null && typeof value === 'object') {
      this.#unranged.add(rid);
      return undefined;
    }
    const entry: IndexEntry<V> = { rid, item, value: value as Scalar };
    this.#byRid.set(rid, entry);
    return entry;
  }

  /** The first position whose entry is not `before` (entries are sorted, so `before` holds for a prefix). */
  #lowerBound(before: (entry: IndexEntry<V>) => boolean): number {
    let low = 0;
    let high = this.#entries.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (before(this.#entries[middle]!)) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}

/** The value at `path` below the document's root, or undefined. */
export function valueAt(document: unknown, path: readonly string[]): unknown {
  let value = document;
  for (const key of path) value = value !== null && typeof value === 'object' ? (value as JsonObject)[key] : undefined;
  return value;
}

const TYPE_ORDER = ['undefined', 'null', 'boolean', 'number', 'string', 'array', 'object'];

/**
 * Cosmos DB's order of values as the package's query library applies it: by type first
 * (undefined, null, boolean, number, string, array, object), then within a type by `<`.
 */
export function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  const aType = typeName(a);
  const bType = typeName(b);
  if (aType !== bType) return TYPE_ORDER.indexOf(aType) - TYPE_ORDER.indexOf(bType) < 0 ? -1 : 1;
  if (aType === 'object') return 0;
  return (a as string) < (b as string) ? -1 : 1;
}

function compareEntries(a: Position, b: Position): number {
  return compareValues(a.value, b.value) || compareValues(a.rid, b.rid);
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
