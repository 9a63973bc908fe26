import type { TimelineEntry } from '../domain/timeline-entry.ts';

export interface TimelinePageQuery {
  /** Entries with a seq greater than this (0 = from the start). */
  readonly afterSeq: number;
  readonly limit: number;
  /** Only entries a candidate may see: visible events about these stages, never feedback. */
  readonly candidateStageIds?: readonly string[];
}

export interface TimelinePage {
  readonly items: readonly TimelineEntry[];
  /** More entries may follow the last one returned. */
  readonly hasMore: boolean;
}

/**
 * The append-only `timeline` container. There is deliberately no update and no delete: an
 * entry, once created, is only ever read.
 */
export interface TimelineStore {
  /** One application's entry `seq`; undefined when absent. */
  get(tenantId: string, applicationId: string, seq: number): Promise<TimelineEntry | undefined>;
  /**
   * Creates the entry unless one with its id exists. `created: false` hands back the stored
   * entry (a duplicate append, or a racing publisher that got there first).
   */
  appendIfAbsent(entry: TimelineEntry): Promise<{ readonly created: boolean; readonly entry: TimelineEntry }>;
  /** One page in seq order. */
  page(tenantId: string, applicationId: string, query: TimelinePageQuery): Promise<TimelinePage>;
  /** Every entry of one application, in seq order, as stored. */
  all(tenantId: string, applicationId: string): AsyncIterable<TimelineEntry>;
}
