import { describe, expect, it } from 'vitest';
import type { OutboxEvent } from '../../../shared/stages/domain/application.schema.ts';
import { chainEntry, GENESIS_HASH, hashOf, type TimelineEntry } from '../../../shared/timeline/domain/timeline-entry.ts';
import { verifyChain } from '../../../shared/timeline/domain/verify-timeline-chain.ts';

const APP = 'app-1';

function event(seq: number, overrides: Partial<OutboxEvent> = {}): OutboxEvent {
  return {
    id: `${APP}:${seq}`,
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

function chain(length: number): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  for (let seq = 1; seq <= length; seq += 1) entries.push(chainEntry(event(seq), entries.at(-1), `2025-02-0${seq}T00:00:00.000Z`));
  return entries;
}

describe('timeline hash chain', () => {
  it('chains each entry to the previous one, starting from the genesis hash', async () => {
    const entries = chain(3);
    expect(entries.map((entry) => entry.seq)).toEqual([1, 2, 3]);
    expect(entries[0]!.prevHash).toBe(GENESIS_HASH);
    expect(entries[1]!.prevHash).toBe(entries[0]!.hash);
    expect(entries[2]!.prevHash).toBe(entries[1]!.hash);
    expect(new Set(entries.map((entry) => entry.hash)).size).toBe(3);
    expect(await verifyChain(APP, entries)).toEqual({ valid: true, entries: 3 });
    expect(await verifyChain(APP, [])).toEqual({ valid: true, entries: 0 });
  });

  it('refuses to chain an event to anything but its predecessor', () => {
    const [first] = chain(1);
    expect(() => chainEntry(event(3), first, '2025-02-01T00:00:00.000Z')).toThrow(/seq 2/);
    expect(() => chainEntry(event(2), undefined, '2025-02-01T00:00:00.000Z')).toThrow(/seq 1/);
  });

  it('reports the seq of an entry whose event was changed', async () => {
    const entries = chain(4);
    const tampered = entries.map((entry) => (entry.seq === 2 ? { ...entry, event: { ...entry.event, stageStatus: 'completed' as const } } : entry));
    expect(await verifyChain(APP, tampered)).toEqual({ valid: false, entries: 4, firstBrokenSeq: 2 });
  });

  it('reports the next seq when a changed entry was re-hashed to hide the change', async () => {
    const entries = chain(4);
    const rewritten = { ...entries[1]!, event: { ...entries[1]!.event, actor: { role: 'admin' as const, id: 'mallory' } } };
    const resealed = { ...rewritten, hash: hashOf(rewritten) };
    const result = await verifyChain(APP, [entries[0]!, resealed, entries[2]!, entries[3]!]);
    expect(result).toEqual({ valid: false, entries: 4, firstBrokenSeq: 3 });
  });

  it('reports a missing entry, a reordered chain and an entry of another application', async () => {
    const entries = chain(4);
    expect(await verifyChain(APP, [entries[0]!, entries[1]!, entries[3]!])).toMatchObject({ valid: false, firstBrokenSeq: 3 });
    expect(await verifyChain(APP, [entries[1]!, entries[0]!])).toMatchObject({ valid: false, firstBrokenSeq: 1 });
    expect(await verifyChain('app-2', entries)).toMatchObject({ valid: false, firstBrokenSeq: 1 });
  });

  it('reports an entry with a changed hash, recordedAt or an extra field', async () => {
    const entries = chain(3);
    const withHash = entries.map((entry) => (entry.seq === 3 ? { ...entry, hash: 'f'.repeat(64) } : entry));
    expect(await verifyChain(APP, withHash)).toMatchObject({ valid: false, firstBrokenSeq: 3 });
    const withTime = entries.map((entry) => (entry.seq === 1 ? { ...entry, recordedAt: '2030-01-01T00:00:00.000Z' } : entry));
    expect(await verifyChain(APP, withTime)).toMatchObject({ valid: false, firstBrokenSeq: 1 });
    const withField = entries.map((entry) => (entry.seq === 2 ? { ...entry, note: 'added later' } : entry));
    expect(await verifyChain(APP, withField)).toMatchObject({ valid: false, firstBrokenSeq: 2 });
  });
});
