/** An application whose outbox the change-feed publisher could not publish (the sweeper retries it). */
export interface StrandedOutbox {
  readonly tenantId: string;
  readonly applicationId: string;
  /** When a publish of it first failed (ISO 8601): the stranded age counts from here. */
  readonly since: string;
  /** Publish attempts that failed so far (change feed and sweeps). */
  readonly attempts: number;
  readonly lastError: string;
  /** The stored document cannot be read as an application: parked for an operator, never retried by the sweeper. */
  readonly deadLettered?: true;
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
  /**
   * Parks an application whose stored document is unreadable (retrying cannot help): kept with
   * the reason until an operator repairs the document and deletes the entry (or clears the flag).
   */
  deadLetter(tenantId: string, applicationId: string, error: string, at: string): Promise<void>;
  /** Up to `limit` entries to retry, oldest first (dead-lettered ones are not among them). */
  list(limit: number): Promise<readonly StoredStrandedOutbox[]>;
  /** Removes an entry after its outbox was published, unless it was recorded again meanwhile. */
  clear(stored: StoredStrandedOutbox): Promise<void>;
}
