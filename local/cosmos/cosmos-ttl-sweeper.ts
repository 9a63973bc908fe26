import { partitionKeyOf, type AccountModel, type JsonObject } from './cosmos-library.ts';
import type { CosmosPipeline } from './cosmos-request-pipeline.ts';

export interface ExpiredDocument {
  readonly db: string;
  readonly coll: string;
  readonly id: string;
  readonly pk: unknown;
}

/**
 * Time to live, which the package does not implement. Azure's rules: a container without
 * `defaultTtl` never expires anything (an item's `ttl` is ignored); `defaultTtl: -1` expires only
 * items with their own positive `ttl`; `defaultTtl: n` expires items n seconds after their last
 * write (`_ts`) unless their own `ttl` says otherwise (`-1` = never).
 */
export function expiredDocuments(account: AccountModel, nowSeconds: number): ExpiredDocument[] {
  const expired: ExpiredDocument[] = [];
  for (const database of account.databases._data.values()) {
    const db = String(database.read()?.['id']);
    for (const collection of database.collections._data.values()) {
      const definition = collection.read();
      const defaultTtl = definition?.['defaultTtl'];
      if (!definition || typeof defaultTtl !== 'number') continue;
      for (const item of collection.documents._data.values()) {
        const doc = item.read();
        if (doc && isExpired(doc, defaultTtl, nowSeconds)) {
          expired.push({ db, coll: String(definition['id']), id: String(doc['id']), pk: partitionKeyOf(definition, doc) });
        }
      }
    }
  }
  return expired;
}

function isExpired(doc: JsonObject, defaultTtl: number, nowSeconds: number): boolean {
  const own = doc['ttl'];
  const ttl = typeof own === 'number' && Number.isInteger(own) && (own > 0 || own === -1) ? own : defaultTtl;
  if (ttl <= 0) return false;
  return Number(doc['_ts']) + ttl <= nowSeconds;
}

/**
 * Deletes expired documents every `intervalMs`, through the pipeline (so each removal is journalled
 * and leaves the change feed, as TTL deletes do in Azure). Expired documents stay readable until
 * the next sweep, unlike Azure where they disappear from reads at once.
 */
export function startTtlSweeper(pipeline: CosmosPipeline, account: AccountModel, intervalMs: number, log: (line: string) => void): () => void {
  let running = false;
  const sweep = async (): Promise<void> => {
    if (running) return;
    running = true;
    try {
      for (const doc of expiredDocuments(account, Math.floor(Date.now() / 1000))) {
        const response = await pipeline.handle({
          method: 'DELETE',
          url: `/dbs/${encodeURIComponent(doc.db)}/colls/${encodeURIComponent(doc.coll)}/docs/${encodeURIComponent(doc.id)}`,
          headers: { host: 'localhost', 'x-ms-documentdb-partitionkey': JSON.stringify(doc.pk === undefined ? [{}] : Array.isArray(doc.pk) ? doc.pk : [doc.pk]) },
          body: Buffer.alloc(0),
        });
        if (response.statusCode !== 204 && response.statusCode !== 404 && response.statusCode !== 503) {
          log(`cosmos: expiring ${doc.db}/${doc.coll}/${doc.id} answered ${response.statusCode}`);
        }
      }
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void sweep().catch((err: unknown) => log(`cosmos: TTL sweep failed: ${(err as Error).message}`)), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
