import { describe, expect, it } from 'vitest';
import { observeStageEvent, type StageSlaRecord } from '../../../shared/events/domain/stage-sla.ts';
import type { StageEventNotice } from '../../../shared/events/domain/stage-cloud-event.ts';

const NOW = '2025-03-10T00:00:00.000Z';

function notice(seq: number, timestamp: string, actionableBy: 'candidate' | 'recruiter' | null, stageStatus: string): StageEventNotice {
  const payload = { type: 'STAGE_EVENT' as const, stageType: 'assignment' as const, stageStatus, applicationId: 'app-1', actor: { role: 'recruiter' as const, id: 'rec-1' }, timestamp };
  return { id: `app-1:${seq}`, seq, tenantId: 'acme', applicationId: 'app-1', kind: seq === 1 ? 'stage.created' : 'stage.transitioned', stageId: 'st-1', stageType: 'assignment', stageStatus, actionableBy, actor: payload.actor, timestamp, payload };
}

const created = notice(1, '2025-03-01T09:00:00.000Z', 'candidate', 'awaiting_candidate');
const artifact = notice(3, '2025-03-01T12:00:00.000Z', 'candidate', 'awaiting_candidate');
const submitted = notice(4, '2025-03-02T09:00:00.000Z', 'recruiter', 'awaiting_recruiter');
const passed = notice(7, '2025-03-02T15:00:00.000Z', null, 'completed');

function apply(events: StageEventNotice[]): StageSlaRecord {
  let record: StageSlaRecord | undefined;
  for (const event of events) record = observeStageEvent(record, event, NOW);
  return record!;
}

describe('stage SLA record', () => {
  it('adds up how long the stage waited on the candidate and then on the recruiter', () => {
    const record = apply([created, artifact, submitted, passed]);
    expect(record.waitedMs).toEqual({ candidate: 24 * 3_600_000, recruiter: 6 * 3_600_000 });
    expect(record.periods).toEqual([
      { waitingOn: 'candidate', from: created.timestamp, to: submitted.timestamp, ms: 24 * 3_600_000 },
      { waitingOn: 'recruiter', from: submitted.timestamp, to: passed.timestamp, ms: 6 * 3_600_000 },
    ]);
    expect(record.waitingOn).toBeNull();
    expect(record).toMatchObject({ id: 'st-1', stageId: 'st-1', applicationId: 'app-1', tenantId: 'acme', stageStatus: 'completed' });
  });

  it('keeps the open wait while someone still has the next move', () => {
    const record = apply([created, submitted]);
    expect(record.waitedMs).toEqual({ candidate: 24 * 3_600_000, recruiter: 0 });
    expect(record.waitingOn).toEqual({ side: 'recruiter', since: submitted.timestamp });
  });

  it('gives the same record for events out of order and for a redelivered event', () => {
    const inOrder = apply([created, artifact, submitted, passed]);
    const shuffled = apply([passed, submitted, created, submitted, artifact, passed]);
    expect(shuffled).toEqual(inOrder);
    const again = observeStageEvent(inOrder, submitted, '2030-01-01T00:00:00.000Z');
    expect(again).toBe(inOrder);
  });
});
