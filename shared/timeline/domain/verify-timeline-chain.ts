import { GENESIS_HASH, hashOf, timelineEntryId, type TimelineEntry } from './timeline-entry.ts';

export interface ChainVerification {
  readonly valid: boolean;
  /** Entries checked. */
  readonly entries: number;
  /** The first seq where the chain does not hold: a changed, missing or misplaced entry. */
  readonly firstBrokenSeq?: number;
}

/**
 * Recomputes one application's chain from its stored entries, read in seq order: entry n must
 * be the n-th, carry the id and seq of its event, point at entry n-1's hash (the genesis hash
 * for the first) and hash to its own `hash`. A gap reports the missing seq. Every entry is
 * counted, also past the first break.
 */
export async function verifyChain(
  applicationId: string,
  entries: Iterable<TimelineEntry> | AsyncIterable<TimelineEntry>,
): Promise<ChainVerification> {
  let previousHash = GENESIS_HASH;
  let count = 0;
  let firstBrokenSeq: number | undefined;
  for await (const entry of entries) {
    count += 1;
    if (firstBrokenSeq === undefined && !entryHolds(applicationId, entry, count, previousHash)) firstBrokenSeq = count;
    previousHash = typeof entry.hash === 'string' ? entry.hash : '';
  }
  return firstBrokenSeq === undefined ? { valid: true, entries: count } : { valid: false, entries: count, firstBrokenSeq };
}

function entryHolds(applicationId: string, entry: TimelineEntry, seq: number, previousHash: string): boolean {
  if (entry.seq !== seq || entry.applicationId !== applicationId || entry.id !== timelineEntryId(applicationId, seq)) return false;
  if (typeof entry.event !== 'object' || entry.event === null) return false;
  if (entry.event.id !== entry.id || entry.event.seq !== seq || entry.event.applicationId !== applicationId) return false;
  if (entry.prevHash !== previousHash) return false;
  try {
    return hashOf(entry) === entry.hash;
  } catch {
    return false;
  }
}
