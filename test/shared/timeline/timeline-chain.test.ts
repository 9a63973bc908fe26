import { describe, expect, it } from 'vitest';
import type { OutboxEvent } from '../../../shared/stages/domain/application.schema.ts';
import { eventHash } from '../../../shared/stages/domain/event-chain.ts';
import { entryOf, GENESIS_HASH, hashOf, type TimelineEntry } from '../../../shared/timeline/domain/timeline-entry.ts';
import { walkChain } from '../../../shared/timeline/domain/verify-timeline-chain.ts';
import { foreignChainSigner, testChainSigner } from '../../support/test-chain-signer.ts';

const APP = 'app-1';

function event(seq: number, overrides: Partial<OutboxEvent> = {}): OutboxEvent {
  return {
    id: `acme:${APP}:${seq}`,
    seq,
    applicationId: APP,
    tenantId: 'acme',
    kind: seq === 1 ? 'stage.created' : 'stage.transitioned',
    stageId: 'stage-1',
    stageType: 'assignment',
    stageStatus: 'awaiting_candidate',
    actor: { role: 'recruiter', id: 'rec-1' },
    timestamp: `2025-01-0${seq}T10:00:00.000Z`,
    visibleToCandidate: true,
    actionableBy: 'candidate',
    ...overrides,
  };
}

/** Events as the aggregate commits them (linked) and the mutation path signs them, turned into entries. */
function chain(length: number, signer = testChainSigner): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= length; seq += 1) {
    const unlinked = event(seq);
    const hash = eventHash(unlinked, prevHash);
    entries.push(entryOf({ ...unlinked, chain: { prevHash, hash, ...signer.sign(APP, seq, hash) } }, `2025-02-0${seq}T00:00:00.000Z`));
    prevHash = hash;
  }
  return entries;
}

/** An attacker with write access to the database but not the key: re-hashes everything after a change. */
function rehashedFrom(entries: TimelineEntry[], change: (entry: TimelineEntry) => TimelineEntry): TimelineEntry[] {
  let prevHash = GENESIS_HASH;
  return entries.map((entry) => {
    const changed = change(entry);
    const rewritten = { ...changed, prevHash, hash: hashOf({ event: changed.event, prevHash }) };
    prevHash = rewritten.hash;
    return rewritten;
  });
}

describe('timeline hash chain', () => {
  it('chains each entry to the previous one from the genesis hash, each link signed', async () => {
    const entries = chain(3);
    expect(entries.map((entry) => entry.seq)).toEqual([1, 2, 3]);
    expect(entries[0]!.prevHash).toBe(GENESIS_HASH);
    expect(entries[1]!.prevHash).toBe(entries[0]!.hash);
    expect(entries[2]!.prevHash).toBe(entries[1]!.hash);
    expect(entries.every((entry) => typeof entry.mac === 'string' && entry.kid === 'test-sig')).toBe(true);
    expect(new Set(entries.map((entry) => entry.hash)).size).toBe(3);
    expect(await walkChain('acme', APP, entries, testChainSigner)).toEqual({ entries: 3, lastHash: entries[2]!.hash });
    expect(await walkChain('acme', APP, [], testChainSigner)).toEqual({ entries: 0, lastHash: '' });
  });

  it('keeps the chain out of recordedAt: the hash is fixed at commit time, before any publisher runs', () => {
    const [entry] = chain(1);
    expect(entryOf({ ...event(1), chain: { prevHash: entry!.prevHash, hash: entry!.hash } }, '2030-01-01T00:00:00.000Z').hash).toBe(entry!.hash);
  });

  it('refuses an event that carries no chain link (only the mutation path commits events)', () => {
    expect(() => entryOf(event(1), '2025-02-01T00:00:00.000Z')).toThrow(/carries no chain link/);
  });

  it('reports the seq of an entry whose event was changed', async () => {
    const entries = chain(4);
    const tampered = entries.map((entry) => (entry.seq === 2 ? { ...entry, event: { ...entry.event, stageStatus: 'completed' as const } } : entry));
    expect(await walkChain('acme', APP, tampered, testChainSigner)).toMatchObject({ entries: 4, firstBrokenSeq: 2 });
  });

  it('reports the first rewritten entry even when every later entry was re-hashed to match (the signatures do not follow)', async () => {
    const entries = chain(4);
    const rewritten = rehashedFrom(entries, (entry) => (entry.seq === 1 ? { ...entry, event: { ...entry.event, actor: { role: 'admin' as const, id: 'mallory' } } } : entry));
    expect(await walkChain('acme', APP, rewritten, testChainSigner)).toMatchObject({ entries: 4, firstBrokenSeq: 1 });
    // Signed again, but with a key that is not the ring's: still broken.
    const forged = rewritten.map((entry) => ({ ...entry, ...foreignChainSigner.sign(APP, entry.seq, entry.hash) }));
    expect(await walkChain('acme', APP, forged, testChainSigner)).toMatchObject({ firstBrokenSeq: 1 });
    // An unsigned entry does not verify either.
    const { mac: _mac, ...unsigned } = entries[2]!;
    expect(await walkChain('acme', APP, [entries[0]!, entries[1]!, unsigned, entries[3]!], testChainSigner)).toMatchObject({ firstBrokenSeq: 3 });
  });

  it('reports a missing entry, a reordered chain and an entry of another application or tenant', async () => {
    const entries = chain(4);
    expect(await walkChain('acme', APP, [entries[0]!, entries[1]!, entries[3]!], testChainSigner)).toMatchObject({ firstBrokenSeq: 3 });
    expect(await walkChain('acme', APP, [entries[1]!, entries[0]!], testChainSigner)).toMatchObject({ firstBrokenSeq: 1 });
    expect(await walkChain('acme', 'app-2', entries, testChainSigner)).toMatchObject({ firstBrokenSeq: 1 });
    // The same application id in another tenant is another chain: these entries are not its.
    expect(await walkChain('globex', APP, entries, testChainSigner)).toMatchObject({ firstBrokenSeq: 1 });
    const moved = entries.map((entry) => ({ ...entry, tenantId: 'globex', id: `globex:${APP}:${entry.seq}` }));
    expect(await walkChain('globex', APP, moved, testChainSigner)).toMatchObject({ firstBrokenSeq: 1 });
  });

  it('reports an entry with a changed hash, a moved signature or an extra field in its event', async () => {
    const entries = chain(3);
    const withHash = entries.map((entry) => (entry.seq === 3 ? { ...entry, hash: 'f'.repeat(64) } : entry));
    expect(await walkChain('acme', APP, withHash, testChainSigner)).toMatchObject({ firstBrokenSeq: 3 });
    const swapped = entries.map((entry) => (entry.seq === 2 ? { ...entry, mac: entries[0]!.mac } : entry));
    expect(await walkChain('acme', APP, swapped, testChainSigner)).toMatchObject({ firstBrokenSeq: 2 });
    const withField = entries.map((entry) => (entry.seq === 2 ? { ...entry, event: { ...entry.event, note: 'added later' } } : entry));
    expect(await walkChain('acme', APP, withField, testChainSigner)).toMatchObject({ firstBrokenSeq: 2 });
  });
});
