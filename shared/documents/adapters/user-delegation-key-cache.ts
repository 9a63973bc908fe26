/**
 * A user-delegation key (Blob Storage signs SAS tokens made with Microsoft Entra credentials with
 * it, instead of an account key) kept for hours and renewed before it runs out, so minting a URL
 * is not a round trip each time. Concurrent callers share one request. Generic over the key type
 * so that no vendor type is needed to test it.
 */
export interface DelegationKeyCacheOptions<K> {
  /** Asks storage for a key valid from `startsOn` to `expiresOn`. */
  readonly fetch: (startsOn: Date, expiresOn: Date) => Promise<K>;
  /** How long each key is asked for (Azure allows up to 7 days). */
  readonly lifetimeMs?: number;
  /** A key with less than this left is renewed; must exceed the longest SAS lifetime (15 min). */
  readonly renewBeforeMs?: number;
  readonly now?: () => number;
}

const HOUR = 60 * 60_000;
/** Start a little in the past: storage's clock may be behind ours. */
const CLOCK_SKEW_MS = 5 * 60_000;

export class DelegationKeyCache<K> {
  readonly #fetch: (startsOn: Date, expiresOn: Date) => Promise<K>;
  readonly #lifetimeMs: number;
  readonly #renewBeforeMs: number;
  readonly #now: () => number;
  #current: { readonly key: K; readonly expiresAt: number } | undefined;
  #pending: Promise<K> | undefined;

  constructor(options: DelegationKeyCacheOptions<K>) {
    this.#fetch = options.fetch;
    this.#lifetimeMs = options.lifetimeMs ?? 6 * HOUR;
    this.#renewBeforeMs = options.renewBeforeMs ?? HOUR;
    this.#now = options.now ?? Date.now;
    if (this.#renewBeforeMs <= 15 * 60_000 || this.#renewBeforeMs >= this.#lifetimeMs) {
      throw new Error('renewBeforeMs must exceed the 15-minute SAS lifetime and be shorter than the key lifetime.');
    }
  }

  /** A key valid for at least `renewBeforeMs` more (every SAS it signs expires before the key does). */
  async key(): Promise<K> {
    const now = this.#now();
    if (this.#current !== undefined && this.#current.expiresAt - now > this.#renewBeforeMs) return this.#current.key;
    this.#pending ??= this.#renew(now).finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  async #renew(now: number): Promise<K> {
    const expiresAt = now + this.#lifetimeMs;
    const key = await this.#fetch(new Date(now - CLOCK_SKEW_MS), new Date(expiresAt));
    this.#current = { key, expiresAt };
    return key;
  }
}
