import { describe, expect, it } from 'vitest';
import type { LegacyStatus } from '../../../shared/stages/domain/legacy-status.ts';
import { legacyStatuses } from '../../../shared/stages/domain/legacy-status.ts';
import { transformLegacyApplication } from '../../../shared/legacy/domain/legacy-transform.ts';
import type { LegacyApplicationSource } from '../../../shared/legacy/domain/legacy-transform.ts';
import { candidateStageView } from '../../../shared/stages/domain/candidate-view.ts';
import { addFeedback } from '../../../shared/stages/domain/stage-feedback.ts';
import { allowedActions, applyAction } from '../../../shared/stages/domain/stage-lifecycle.ts';
import { stageSchema } from '../../../shared/stages/domain/stage.model.ts';

const CREATED = '2023-05-01T10:00:00.000Z';
const UPDATED = '2023-06-01T10:00:00.000Z';
const NOW = '2025-03-10T12:00:00.000Z';

/** Independent expectation, mirroring the table in docs/legacy-model.md: [type, status] in order. */
const expected: Record<LegacyStatus, { withoutCall: string[]; withCall: string[] }> = {
  applied: { withoutCall: [], withCall: ['live_interview:scheduled'] },
  screening: { withoutCall: [], withCall: ['live_interview:scheduled'] },
  interview_scheduled: { withoutCall: ['live_interview:scheduled'], withCall: ['live_interview:scheduled'] },
  assignment_sent: { withoutCall: ['assignment:awaiting_candidate'], withCall: ['live_interview:completed', 'assignment:awaiting_candidate'] },
  offer_sent: { withoutCall: ['offer:awaiting_candidate'], withCall: ['live_interview:completed', 'offer:awaiting_candidate'] },
  offer_accepted: {
    withoutCall: ['offer:accepted', 'offer_accepted:awaiting_candidate'],
    withCall: ['live_interview:completed', 'offer:accepted', 'offer_accepted:awaiting_candidate'],
  },
  hired: {
    withoutCall: ['offer:accepted', 'offer_accepted:completed'],
    withCall: ['live_interview:completed', 'offer:accepted', 'offer_accepted:completed'],
  },
  rejected: { withoutCall: ['disqualified:completed'], withCall: ['live_interview:completed', 'disqualified:completed'] },
};

const source = (legacyStatus: LegacyStatus | undefined, legacyScheduledCallId?: string): LegacyApplicationSource => ({
  id: 'app-legacy',
  ...(legacyStatus === undefined ? {} : { legacyStatus }),
  ...(legacyScheduledCallId === undefined ? {} : { legacyScheduledCallId }),
  recruiterIds: ['rec-1'],
  createdAt: CREATED,
  updatedAt: UPDATED,
});

describe('legacy transformation', () => {
  it('covers every legacy status', () => {
    expect(Object.keys(expected).sort()).toEqual([...legacyStatuses].sort());
  });

  const cases = legacyStatuses.flatMap((status) => [
    [status, 'without a call', undefined] as const,
    [status, 'with a call', 'call-42'] as const,
  ]);

  it.each(cases)('%s %s', (status, _label, callId) => {
    const stages = transformLegacyApplication(source(status, callId));
    const want = callId === undefined ? expected[status].withoutCall : expected[status].withCall;
    expect(stages.map((s) => `${s.type}:${s.status}`)).toEqual(want);
    stages.forEach((stage, index) => {
      expect(stageSchema.safeParse(stage).success).toBe(true);
      expect(stage).toMatchObject({
        order: index + 1,
        readOnly: true,
        visibleToCandidate: true,
        feedback: [],
        createdAt: CREATED,
        updatedAt: UPDATED,
        createdBy: { role: 'system', id: 'legacy-transform' },
      });
      expect(stage.id).toMatch(/^legacy-/);
      expect(allowedActions(stage, 'recruiter', NOW)).toEqual([]);
      expect(allowedActions(stage, 'candidate', NOW)).toEqual([]);
    });
    const interview = stages.find((s) => s.type === 'live_interview');
    if (interview !== undefined && callId !== undefined) expect(interview.data).toMatchObject({ scheduledCallId: callId, recruiterId: 'rec-1' });
    if (interview !== undefined && callId === undefined) expect(interview.data).not.toHaveProperty('scheduledCallId');
    expect(new Set(stages.map((s) => s.id)).size).toBe(stages.length);
  });

  it('derives actionableBy from type and status', () => {
    const stages = transformLegacyApplication(source('offer_accepted'));
    expect(stages.map((s) => s.actionableBy)).toEqual([null, 'candidate']);
    expect(transformLegacyApplication(source('interview_scheduled'))[0]!.actionableBy).toBe('recruiter');
  });

  it('treats a missing legacy status as applied', () => {
    expect(transformLegacyApplication(source(undefined))).toEqual([]);
  });

  it('lets a known call status win over the default', () => {
    const stages = transformLegacyApplication(source('rejected', 'call-1'), { scheduledCallStatus: 'cancelled' });
    expect(stages.map((s) => `${s.type}:${s.status}`)).toEqual(['live_interview:cancelled', 'disqualified:completed']);
    expect(transformLegacyApplication(source('interview_scheduled', 'call-1'), { scheduledCallStatus: 'completed' })[0]!.status).toBe('completed');
  });

  it('ignores a call status when no call is referenced', () => {
    expect(transformLegacyApplication(source('interview_scheduled'), { scheduledCallStatus: 'cancelled' })[0]!.status).toBe('scheduled');
  });

  it('is deterministic', () => {
    expect(transformLegacyApplication(source('hired', 'c'))).toEqual(transformLegacyApplication(source('hired', 'c')));
  });

  it('refuses every action and feedback on legacy stages', () => {
    const [interview] = transformLegacyApplication(source('interview_scheduled', 'call-1'));
    expect(() => applyAction(interview!, 'complete', { role: 'recruiter', id: 'r' }, NOW)).toThrowError(
      expect.objectContaining({ code: 'STAGE.TRANSITION_NOT_ALLOWED', details: expect.objectContaining({ reason: 'read_only', allowedActions: [] }) }),
    );
    expect(() => addFeedback(interview!, { rating: 3, recommendation: 'mixed' }, { role: 'recruiter', id: 'r' }, NOW, 'f')).toThrowError(
      expect.objectContaining({ code: 'STAGE.TRANSITION_NOT_ALLOWED' }),
    );
  });

  it('hides the internal rejection reason from candidates', () => {
    const disqualified = transformLegacyApplication(source('rejected')).at(-1)!;
    expect(disqualified.data).toMatchObject({ notifyCandidate: false });
    expect(candidateStageView(disqualified, NOW).data).toEqual({});
  });
});
