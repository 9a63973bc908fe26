/** Published Azure rules and prices the cost model applies (docs/cost.md, "Sources"), and request units from document sizes and indexed terms. */
import { indexingPolicyOf, isIndexedPath } from '../../shared/platform/cosmos-indexing.ts';

/**
 * RU by document size for session consistency (src: cosmos-ru-consumption, the "Document size" table),
 * as three columns of the same length: size (KB), point read, write.
 */
export const RU_TABLE = {
  kb: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048],
  read: [1.0, 1.04, 1.14, 1.33, 1.67, 2.19, 4.76, 9.95, 20.28, 40.95, 145.9, 291.8],
  write: [4.95, 6.29, 6.67, 7.04, 9.52, 11.23, 22.67, 48.19, 98.29, 184.57, 625.0, 1250.0],
} as const;

/** RU per indexed term added or removed by a write (src: cosmos-ru-consumption, "0.2 × 10 (indexing)"). */
export const RU_PER_INDEX_TERM = 0.2;
/** Base charge of a patch per modified property (src: cosmos-ru-consumption, "0.4 * 2 (base charge for patch)"). */
export const RU_PER_PATCHED_PROPERTY = 0.4;
/** RU of a query: the planning figure for a query that uses the index and returns ≤ 100 results (src: cosmos-plan-costs). */
export const RU_PER_QUERY_PUBLISHED = 10;
/** A small single-partition query as commonly observed (not published; sensitivity only). */
export const RU_PER_QUERY_SMALL = 3;

/** Prices (USD, pay as you go, East US where a region applies). Sources and how each was checked: docs/cost.md, "Sources". */
export const PRICES = {
  /** src: cosmos-bill ($0.25 per million RU, serverless example), cosmos-plan-costs (same, and $0.25 per GB of storage). */
  cosmosPerMillionRu: 0.25,
  cosmosPerGbMonth: 0.25,
  /** src: flex-prices (secondary). The billing rule (1,000 ms minimum, then 100 ms steps): flex-plan. */
  flexPerGbSecond: 0.000026,
  flexPerMillionExecutions: 0.4,
  flexFreeGbSeconds: 100_000,
  flexFreeExecutions: 250_000,
  flexMinBillableSeconds: 1,
  /** Bicep: infra/modules/function-app.bicep instanceMemoryMB 2048, no always-ready instances. */
  flexInstanceGb: 2,
  /** src: service-bus-page (13 M included, the tier bounds), service-bus-2016 (the per-million rates); base per hour: secondary. */
  serviceBusBasePerHour: 0.0135,
  serviceBusIncludedOps: 13_000_000,
  serviceBusTiers: [
    { upTo: 100_000_000, perMillion: 0.8 },
    { upTo: 2_500_000_000, perMillion: 0.5 },
    { upTo: Number.POSITIVE_INFINITY, perMillion: 0.2 },
  ],
  /** src: blob-secondary (Hot, LRS, first 50 TB; deletes are free). */
  blobPerGbMonth: 0.018,
  blobWritePer10k: 0.065,
  blobReadPer10k: 0.005,
  blobOtherPer10k: 0.005,
  /** src: event-grid (secondary). */
  eventGridPerMillion: 0.6,
  eventGridFreeOps: 100_000,
  /** src: log-analytics (secondary), Analytics Logs, pay as you go. */
  logAnalyticsPerGb: 2.3,
  logAnalyticsFreeGb: 5,
  /** src: app-configuration (secondary: a pricing-calculator export). */
  appConfigurationPerDay: 1.2,
  appConfigurationIncludedRequestsPerDay: 200_000,
  appConfigurationOveragePer10k: 0.06,
  /** src: key-vault (secondary: a pricing-calculator export). */
  keyVaultPer10kOperations: 0.03,
} as const;

export const HOURS_PER_MONTH = 730;
export const DAYS_PER_MONTH = 30.42;
export const MINUTES_PER_MONTH = 43_800;

/** Linear between the table's sizes; the first figure below 1 KB; proportional to size beyond 2 MB. */
export function interpolate(kb: number, column: readonly number[]): number {
  const sizes = RU_TABLE.kb;
  if (kb <= sizes[0]) return column[0]!;
  for (let i = 1; i < sizes.length; i++) {
    if (kb <= sizes[i]!) return column[i - 1]! + ((column[i]! - column[i - 1]!) * (kb - sizes[i - 1]!)) / (sizes[i]! - sizes[i - 1]!);
  }
  return (column[column.length - 1]! * kb) / sizes[sizes.length - 1]!;
}

/** Point read of a persisted document of `bytes` (404: the 1 KB figure). */
export function readRu(bytes: number): number {
  return interpolate(bytes / 1024, RU_TABLE.read);
}

/** The size-based part of writing one document of `bytes` ("5.0 (document size based)"). */
export function writeBaseRu(bytes: number): number {
  return interpolate(bytes / 1024, RU_TABLE.write);
}

/** Create (insert): size-based write + 0.2 per indexed term. */
export function createRu(bytes: number, terms: number): number {
  return writeBaseRu(bytes) + RU_PER_INDEX_TERM * terms;
}

/** Replace (update): delete the old version + insert the new one + 0.2 per removed and per added term. */
export function replaceRu(oldBytes: number, newBytes: number, removedTerms: number, addedTerms: number): number {
  return writeBaseRu(oldBytes) + writeBaseRu(newBytes) + RU_PER_INDEX_TERM * (removedTerms + addedTerms);
}

/** Delete: size-based write + 0.2 per indexed term removed. */
export function deleteRu(bytes: number, terms: number): number {
  return writeBaseRu(bytes) + RU_PER_INDEX_TERM * terms;
}

/** Patch: a replace of the same document plus 0.4 per modified property (each modified property one removed and one added term). */
export function patchRu(bytes: number, removedTerms: number, addedTerms: number): number {
  return replaceRu(bytes, bytes, removedTerms, addedTerms) + RU_PER_PATCHED_PROPERTY * Math.max(removedTerms, addedTerms);
}

/** System properties every Cosmos DB item carries (_rid, _self, _etag, _attachments, _ts) are not terms we index except `_ts`. */
const SYSTEM_KEYS = new Set(['_rid', '_self', '_etag', '_attachments']);

/**
 * The index terms of a document: one per leaf value, keyed path=value with array positions
 * collapsed (`/stages/[]/status=completed`), counted with multiplicity. Under the default policy
 * (every path, `_etag` excluded) without `indexedPaths`; with them (a container's
 * `includedPaths`, every other path excluded) only the terms at those paths (`/x/?`: the value
 * at `/x`; `/x/*`: everything under it).
 */
export function indexTerms(document: unknown, indexedPaths?: readonly string[]): Map<string, number> {
  const terms = new Map<string, number>();
  const walk = (value: unknown, path: string): void => {
    if (Array.isArray(value)) {
      if (value.length === 0) add(`${path}/[]=<empty>`);
      for (const item of value) walk(item, `${path}/[]`);
      return;
    }
    if (value !== null && typeof value === 'object') {
      const entries = Object.entries(value as Record<string, unknown>);
      if (entries.length === 0) add(`${path}=<empty>`);
      for (const [key, child] of entries) {
        if (path === '' && SYSTEM_KEYS.has(key)) continue;
        walk(child, `${path}/${key}`);
      }
      return;
    }
    add(`${path}=${JSON.stringify(value)}`);
  };
  const add = (term: string): void => {
    if (indexedPaths === undefined || isIndexed(term.slice(0, term.indexOf('=')), indexedPaths)) terms.set(term, (terms.get(term) ?? 0) + 1);
  };
  walk(document, '');
  return terms;
}

function isIndexed(path: string, indexedPaths: readonly string[]): boolean {
  return isIndexedPath(indexingPolicyOf({ indexedPaths }), path.split('/').slice(1));
}

export function termCount(terms: Map<string, number>): number {
  let n = 0;
  for (const count of terms.values()) n += count;
  return n;
}

/** Terms only in `before` (removed) and only in `after` (added), with multiplicity. */
export function termDiff(before: Map<string, number>, after: Map<string, number>): { removed: number; added: number } {
  let removed = 0;
  let added = 0;
  for (const [term, count] of before) removed += Math.max(0, count - (after.get(term) ?? 0));
  for (const [term, count] of after) added += Math.max(0, count - (before.get(term) ?? 0));
  return { removed, added };
}
