import type { ChainSigner } from '../../stages/ports/chain-signer.port.ts';
import { GENESIS_HASH, hashOf, timelineEntryId, type TimelineEntry } from './timeline-entry.ts';

export interface ChainVerification {
  readonly valid: boolean;
  /** Entries checked. */
  readonly entries: number;
  /** The first seq where the chain does not hold: a changed, missing, misplaced or unsigned entry. */
  readonly firstBrokenSeq?: number;
  /**
   * Whether the chain is tied to the signed head in the application document: the head's
   * signature holds and the chain ends at the head's seq with the head's hash.
   */
  readonly anchored: boolean;
  /** Committed events (still in the outbox) whose entries are not on the timeline yet; absent when 0. */
  readonly unpublished?: number;
}

export interface ChainWalk {
  readonly entries: number;
  readonly firstBrokenSeq?: number;
  /** `hash` of the last entry read ('' when none). */
  readonly lastHash: string;
}

/**
 * Recomputes one application's chain from its stored entries, read in seq order: entry n must
 * be the n-th, carry the id and seq of its event, point at entry n-1's hash (the genesis hash
 * for the first), hash to its own `hash`, and carry the signing key's HMAC of that hash. A gap
 * reports the missing seq. Every entry is counted, also past the first break.
 */
export async function walkChain(
  tenantId: string,
  applicationId: string,
  entries: Iterable<TimelineEntry> | AsyncIterable<TimelineEntry>,
  signer: ChainSigner,
): Promise<ChainWalk> {
  let previousHash = GENESIS_HASH;
  let count = 0;
  let firstBrokenSeq: number | undefined;
  for await (const entry of entries) {
    count += 1;
    if (firstBrokenSeq === undefined && !entryHolds(tenantId, applicationId, entry, count, previousHash, signer)) firstBrokenSeq = count;
    previousHash = typeof entry.hash === 'string' ? entry.hash : '';
  }
  return { entries: count, lastHash: count === 0 ? '' : previousHash, ...(firstBrokenSeq === undefined ? {} : { firstBrokenSeq }) };
}

function entryHolds(tenantId: string, applicationId: string, entry: TimelineEntry, seq: number, previousHash: string, signer: ChainSigner): boolean {
  if (entry.seq !== seq || entry.applicationId !== applicationId || entry.tenantId !== tenantId || entry.id !== timelineEntryId(tenantId, applicationId, seq)) return false;
  if (typeof entry.event !== 'object' || entry.event === null) return false;
  if (entry.event.id !== entry.id || entry.event.seq !== seq || entry.event.applicationId !== applicationId || entry.event.tenantId !== tenantId) return false;
  if (entry.prevHash !== previousHash) return false;
  try {
    if (hashOf(entry) !== entry.hash) return false;
  } catch {
    return false;
  }
  return signer.verify(applicationId, seq, entry.hash, { ...(entry.kid === undefined ? {} : { kid: entry.kid }), ...(entry.mac === undefined ? {} : { mac: entry.mac }) });
}
