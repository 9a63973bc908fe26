import type { DeadLetter } from '../domain/dead-letter.ts';

export interface StoredDeadLetter {
  readonly entry: DeadLetter;
  readonly etag: string;
}

export interface DeadLetterQuery {
  readonly webhookId?: string;
  /** ISO time: entries dead-lettered at or after it. */
  readonly since?: string;
  readonly status?: DeadLetter['status'];
  readonly limit: number;
  readonly continuationToken?: string;
}

/** The dead-letter log: failed deliveries per tenant, newest first. */
export interface DeadLetterLog {
  get(tenantId: string, id: string): Promise<StoredDeadLetter | undefined>;
  /** Writes the entry (a delivery that fails again after a replay overwrites its entry). */
  put(entry: DeadLetter): Promise<void>;
  /** Only if unchanged since `etag`. */
  replace(entry: DeadLetter, etag: string): Promise<StoredDeadLetter | 'conflict' | undefined>;
  list(tenantId: string, query: DeadLetterQuery): Promise<{ readonly items: readonly StoredDeadLetter[]; readonly continuationToken?: string }>;
}
