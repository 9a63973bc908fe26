/** An application whose outbox the change-feed publisher could not publish (the sweeper retries it). */
export interface StrandedOutbox {
  readonly tenantId: string;
  readonly applicationId: string;
  /** When a publish of it first failed (ISO 8601): the stranded age counts from here. */
  readonly since: string;
  /** Publish attempts that failed so far (change feed and sweeps). */
  readonly attempts: number;
  readonly lastError: string;
}

export interface StoredStrandedOutbox {
  readonly entry: StrandedOutbox;
  readonly etag: string;
}

/**
 * The index of stranded outboxes: written only when a publish fails, cleared by the sweep that
 * publishes it. A sweep reads this and nothing else, so its cost follows what is stranded,
 * not how many applications exist.
 */
export interface StrandedOutboxes {
  /** Records (or counts one more failure for) an application whose publish failed. */
  record(tenantId: string, applicationId: string, error: string, at: string): Promise<void>;
  /** Up to `limit` entries, oldest first. */
  list(limit: number): Promise<readonly StoredStrandedOutbox[]>;
  /** Removes an entry after its outbox was published, unless it was recorded again meanwhile. */
  clear(stored: StoredStrandedOutbox): Promise<void>;
}
