import { createHash, randomBytes } from 'node:crypto';

/** One key-value as the App Configuration REST API returns it (`application/vnd.microsoft.appconfig.kv+json`). */
export interface KeyValueRecord {
  readonly key: string;
  readonly label: string | null;
  readonly content_type: string | null;
  readonly value: string | null;
  readonly tags: Readonly<Record<string, string | null>>;
  readonly locked: boolean;
  readonly last_modified: string;
  readonly etag: string;
}

export interface KeyValueInput {
  readonly key: string;
  readonly label?: string | null;
  readonly contentType?: string | null;
  readonly value: string | null;
  readonly tags?: Readonly<Record<string, string | null>>;
}

export const FEATURE_FLAG_PREFIX = '.appconfig.featureflag/';
export const FEATURE_FLAG_CONTENT_TYPE = 'application/vnd.microsoft.appconfig.ff+json;charset=utf-8';

/**
 * The fake's in-memory store: every write gives the key-value a new etag and advances the
 * sync-token sequence number, as the service does.
 */
export class KeyValueStore {
  readonly syncTokenId = `fake${randomBytes(3).toString('hex')}`;
  #sequence = 0;
  readonly #items = new Map<string, KeyValueRecord>();

  set(input: KeyValueInput): KeyValueRecord {
    const record: KeyValueRecord = {
      key: input.key,
      label: input.label ?? null,
      content_type: input.contentType ?? null,
      value: input.value,
      tags: { ...input.tags },
      locked: false,
      last_modified: new Date().toISOString().replace(/\.\d{3}Z$/, '+00:00'),
      etag: randomBytes(20).toString('base64url'),
    };
    this.#items.set(identity(record.key, record.label), record);
    this.#sequence += 1;
    return record;
  }

  delete(key: string, label: string | null = null): boolean {
    const deleted = this.#items.delete(identity(key, label));
    if (deleted) this.#sequence += 1;
    return deleted;
  }

  get(key: string, label: string | null): KeyValueRecord | undefined {
    return this.#items.get(identity(key, label));
  }

  /** Every record ordered by key, then label (the null label first), as list pages are. */
  sorted(): KeyValueRecord[] {
    return [...this.#items.values()].sort((a, b) => compare(a.key, b.key) || compareLabels(a.label, b.label));
  }

  /** `Sync-Token: <id>=<value>;sn=<sequence>`, advancing with every write. */
  syncTokenHeader(): string {
    return `${this.syncTokenId}=${Buffer.from(`0:${this.#sequence}`).toString('base64')};sn=${this.#sequence}`;
  }
}

/** A page's etag changes whenever any item on it, or the page's membership, changes. */
export function pageEtag(items: readonly KeyValueRecord[]): string {
  const hash = createHash('sha256');
  for (const item of items) hash.update(`${item.key}\n${item.label ?? '\0'}\n${item.etag}\n`);
  return hash.digest('base64url').slice(0, 32);
}

function identity(key: string, label: string | null): string {
  return `${key}\u0000${label ?? '\u0001'}`;
}

function compareLabels(a: string | null, b: string | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  return compare(a, b);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
