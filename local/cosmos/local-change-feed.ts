/**
 * The local server's change feed in latest-version mode: one entry per live document, stamped
 * with the LSN of its latest create/replace/upsert/patch. Intermediate versions are not kept and
 * deletes leave no entry, as in Azure's latest-version mode. LSNs are global and only grow; the
 * server persists them through its journal so a continuation keeps its meaning across restarts.
 */
export interface FeedChange {
  readonly lsn: number;
  readonly id: string;
  readonly partitionKey: unknown;
}

export interface ChangeFeedPage {
  readonly changes: FeedChange[];
  /** Pass as `afterLsn` to continue: the last change returned, or the feed's end when none remain. */
  readonly lastLsn: number;
}

export interface ChangeFeedReadOptions {
  readonly afterLsn?: number;
  readonly maxItems?: number;
}

export type ChangeListener = (databaseId: string, containerId: string) => void;

/** What a reader of the feed (the Cosmos DB trigger runner, the host) gets. */
export interface LocalChangeFeed {
  read(databaseId: string, containerId: string, options?: ChangeFeedReadOptions): ChangeFeedPage;
  /** The highest LSN handed out so far (0 before the first write). */
  currentLsn(): number;
  /** Called after each recorded change; returns the unsubscribe function. */
  onChange(listener: ChangeListener): () => void;
}

interface ContainerFeed {
  /** Document key → change, iterated in LSN order. */
  readonly entries: Map<string, FeedChange>;
  maxLsn: number;
}

/** The feed itself, kept by the server: it hands out LSNs and records each durable write. */
export class ChangeFeedLog implements LocalChangeFeed {
  #lastLsn = 0;
  readonly #containers = new Map<string, ContainerFeed>();
  readonly #listeners = new Set<ChangeListener>();

  read(databaseId: string, containerId: string, options: ChangeFeedReadOptions = {}): ChangeFeedPage {
    const afterLsn = options.afterLsn ?? 0;
    const maxItems = options.maxItems ?? Number.POSITIVE_INFINITY;
    const changes: FeedChange[] = [];
    const feed = this.#containers.get(containerKey(databaseId, containerId));
    for (const change of feed?.entries.values() ?? []) {
      if (change.lsn <= afterLsn) continue;
      if (changes.length >= maxItems) return { changes, lastLsn: changes[changes.length - 1]?.lsn ?? afterLsn };
      changes.push(change);
    }
    return { changes, lastLsn: Math.max(afterLsn, this.#lastLsn) };
  }

  currentLsn(): number {
    return this.#lastLsn;
  }

  onChange(listener: ChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Hands out the next LSN (the caller records it once the write is durable). */
  allocateLsn(): number {
    this.#lastLsn += 1;
    return this.#lastLsn;
  }

  /** Moves the counter forward to at least `lsn` (restore: deleted documents may have held the highest LSN). */
  advanceTo(lsn: number): void {
    if (lsn > this.#lastLsn) this.#lastLsn = lsn;
  }

  record(databaseId: string, containerId: string, id: string, partitionKey: unknown, lsn: number): void {
    this.advanceTo(lsn);
    const feed = this.#feed(databaseId, containerId);
    const key = documentKey(id, partitionKey);
    feed.entries.delete(key);
    feed.entries.set(key, { lsn, id, partitionKey });
    if (lsn < feed.maxLsn) resort(feed);
    feed.maxLsn = Math.max(feed.maxLsn, lsn);
    for (const listener of this.#listeners) {
      queueMicrotask(() => listener(databaseId, containerId));
    }
  }

  remove(databaseId: string, containerId: string, id: string, partitionKey: unknown): void {
    this.#containers.get(containerKey(databaseId, containerId))?.entries.delete(documentKey(id, partitionKey));
  }

  dropContainer(databaseId: string, containerId: string): void {
    this.#containers.delete(containerKey(databaseId, containerId));
  }

  dropDatabase(databaseId: string): void {
    for (const key of [...this.#containers.keys()]) {
      if (JSON.parse(key)[0] === databaseId) this.#containers.delete(key);
    }
  }

  /** The LSN of one live document, if it has one. */
  lsnOf(databaseId: string, containerId: string, id: string, partitionKey: unknown): number | undefined {
    return this.#containers.get(containerKey(databaseId, containerId))?.entries.get(documentKey(id, partitionKey))?.lsn;
  }

  #feed(databaseId: string, containerId: string): ContainerFeed {
    const key = containerKey(databaseId, containerId);
    let feed = this.#containers.get(key);
    if (!feed) {
      feed = { entries: new Map(), maxLsn: 0 };
      this.#containers.set(key, feed);
    }
    return feed;
  }
}

function containerKey(databaseId: string, containerId: string): string {
  return JSON.stringify([databaseId, containerId]);
}

function documentKey(id: string, partitionKey: unknown): string {
  return JSON.stringify([id, partitionKey ?? null]);
}

function resort(feed: ContainerFeed): void {
  const sorted = [...feed.entries].sort((a, b) => a[1].lsn - b[1].lsn);
  feed.entries.clear();
  for (const [key, change] of sorted) feed.entries.set(key, change);
}
