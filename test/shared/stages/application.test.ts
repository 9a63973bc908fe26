import { describe, expect, it } from 'vitest';
import type { ApplicationDocument } from '../../../shared/stages/domain/application.ts';
import {
  addStage, addStageFeedback, applyStageAction, findStage, isClosed, newApplication, nextStageOrder, dropPublished,
} from '../../../shared/stages/domain/application.ts';
import { applicationDocumentSchema } from '../../../shared/stages/domain/application.schema.ts';
import { candidate, doc, recruiter, T0, T1, T2 } from './stage-fixtures.ts';
import { scheduledCall } from './stage-fixtures.ts';

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

const fresh = () =>
  newApplication({ id: 'app-1', tenantId: 'acme', jobId: 'job-1', candidateId: 'cand-1', recruiterIds: ['rec-1'] }, T0);

function withInterviewAndAssignment(): ApplicationDocument {
  const a = addStage(fresh(), { type: 'live_interview', data: { recruiterId: 'rec-1' } }, recruiter, T1, 'st-1').application;
  return addStage(a, { type: 'assignment', visibleToCandidate: false, data: { instructions: 'x' } }, recruiter, T1, 'st-2').application;
}

describe('newApplication', () => {
  it('builds an empty, valid aggregate partitioned by its id', () => {
    const app = newApplication(
      { id: 'app-1', tenantId: 'acme', jobId: 'job-1', candidateId: 'cand-1', recruiterIds: ['rec-1'], legacyStatus: 'screening' },
      T0,
    );
    expect(app).toEqual({
      id: 'app-1', applicationId: 'app-1', tenantId: 'acme', jobId: 'job-1', candidateId: 'cand-1', recruiterIds: ['rec-1'],
      legacyStatus: 'screening', stages: [], outbox: [], eventSeq: 0, chainHead: { seq: 0, hash: '0'.repeat(64) }, createdAt: T0, updatedAt: T0,
    });
    expect(applicationDocumentSchema.safeParse(app).success).toBe(true);
  });
});

describe('addStage', () => {
  it('assigns orders and appends events with ids and increasing seq', () => {
    const app = withInterviewAndAssignment();
    expect(app.stages.map((s) => [s.id, s.order])).toEqual([['st-1', 1], ['st-2', 2]]);
    expect(app.eventSeq).toBe(2);
    expect(app.updatedAt).toBe(T1);
    expect(app.outbox).toEqual([
      expect.objectContaining({ id: 'acme:app-1:1', seq: 1, applicationId: 'app-1', tenantId: 'acme', kind: 'stage.created', stageId: 'st-1', stageType: 'live_interview', stageStatus: 'awaiting_candidate', actor: recruiter, timestamp: T1, visibleToCandidate: true, actionableBy: 'candidate' }),
      expect.objectContaining({ id: 'acme:app-1:2', seq: 2, kind: 'stage.created', stageId: 'st-2', visibleToCandidate: false }),
    ]);
    expect(applicationDocumentSchema.safeParse(app).success).toBe(true);
  });

  it('returns the stage and only the new events', () => {
    const app = withInterviewAndAssignment();
    const result = addStage(app, { type: 'offer', data: { offerLetter: doc } }, recruiter, T2, 'st-3');
    expect(result.stage).toMatchObject({ id: 'st-3', order: 3 });
    expect(result.events).toEqual([expect.objectContaining({ id: 'acme:app-1:3', seq: 3, stageId: 'st-3' })]);
  });

  it('orders after the highest existing order', () => {
    const app = withInterviewAndAssignment();
    const gap = { ...app, stages: app.stages.map((s) => (s.id === 'st-2' ? { ...s, order: 7 } : s)) };
    expect(nextStageOrder(gap)).toBe(8);
  });

  it('never mutates its input', () => {
    const app = deepFreeze(fresh());
    addStage(app, { type: 'live_interview', data: { recruiterId: 'r' } }, recruiter, T1, 'st-1');
    expect(app.stages).toEqual([]);
  });

  it('closes the application with a disqualified stage and refuses further stages', () => {
    const closed = addStage(withInterviewAndAssignment(), { type: 'disqualified', data: { reason: 'x', notifyCandidate: true } }, recruiter, T2, 'st-3').application;
    expect(closed.closedAt).toBe(T2);
    expect(isClosed(closed)).toBe(true);
    deepFreeze(closed);
    for (const body of [
      { type: 'offer', data: { offerLetter: doc } },
      { type: 'disqualified', data: { reason: 'again', notifyCandidate: false } },
    ] as const) {
      expect(() => addStage(closed, body, recruiter, T2, 'st-4')).toThrowError(expect.objectContaining({ code: 'APPLICATION.CLOSED' }));
    }
    expect(closed.stages).toHaveLength(3);
    expect(closed.eventSeq).toBe(3);
  });

  it('propagates stage creation errors without writing', () => {
    const app = deepFreeze(fresh());
    expect(() => addStage(app, { type: 'offer', data: { offerLetter: doc } }, candidate, T1, 'x')).toThrowError(expect.objectContaining({ code: 'AUTH.FORBIDDEN' }));
  });
});

describe('applyStageAction', () => {
  it('replaces the stage and appends a transition event', () => {
    const app = withInterviewAndAssignment();
    const result = applyStageAction(app, 'st-1', 'schedule', candidate, T2, { slotId: 's-1', scheduledCallId: 'c-1', call: scheduledCall });
    expect(result.stage.status).toBe('scheduled');
    expect(result.application.stages[0]).toBe(result.stage);
    expect(result.application.stages[1]).toBe(app.stages[1]);
    expect(result.application.updatedAt).toBe(T2);
    expect(result.events).toEqual([
      expect.objectContaining({ id: 'acme:app-1:3', seq: 3, kind: 'stage.transitioned', action: 'schedule', previousStatus: 'awaiting_candidate', stageStatus: 'scheduled', actor: candidate }),
    ]);
    expect(result.application.outbox.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(result.application.eventSeq).toBe(3);
  });

  it('STAGE.NOT_FOUND for an unknown stage', () => {
    expect(() => applyStageAction(withInterviewAndAssignment(), 'nope', 'cancel', recruiter, T2)).toThrowError(
      expect.objectContaining({ code: 'STAGE.NOT_FOUND', details: { applicationId: 'app-1', stageId: 'nope' } }),
    );
  });

  it('hides stages the candidate may not see', () => {
    expect(() => applyStageAction(withInterviewAndAssignment(), 'st-2', 'submit', candidate, T2, { submission: doc })).toThrowError(
      expect.objectContaining({ code: 'STAGE.NOT_FOUND' }),
    );
    expect(() => findStage(withInterviewAndAssignment(), 'st-2', candidate)).toThrowError(expect.objectContaining({ code: 'STAGE.NOT_FOUND' }));
    expect(findStage(withInterviewAndAssignment(), 'st-2', recruiter).id).toBe('st-2');
  });

  it('treats another candidate’s application as not found', () => {
    expect(() => applyStageAction(withInterviewAndAssignment(), 'st-1', 'schedule', { role: 'candidate', id: 'cand-2' }, T2, { slotId: 's', scheduledCallId: 'c', call: scheduledCall })).toThrowError(
      expect.objectContaining({ code: 'APPLICATION.NOT_FOUND' }),
    );
  });

  it('on a closed application stops the candidate but lets the recruiter wind down', () => {
    const closed = deepFreeze(
      addStage(withInterviewAndAssignment(), { type: 'disqualified', data: { reason: 'x', notifyCandidate: false } }, recruiter, T2, 'st-3').application,
    );
    expect(() => applyStageAction(closed, 'st-1', 'schedule', candidate, T2, { slotId: 's', scheduledCallId: 'c', call: scheduledCall })).toThrowError(
      expect.objectContaining({ code: 'APPLICATION.CLOSED' }),
    );
    expect(applyStageAction(closed, 'st-1', 'cancel', recruiter, T2).stage.status).toBe('cancelled');
  });

  it('a rejected action changes nothing', () => {
    const app = deepFreeze(withInterviewAndAssignment());
    const snapshot = structuredClone(app);
    expect(() => applyStageAction(app, 'st-1', 'complete', recruiter, T2)).toThrowError(expect.objectContaining({ code: 'STAGE.TRANSITION_NOT_ALLOWED' }));
    expect(app).toEqual(snapshot);
  });
});

describe('addStageFeedback', () => {
  it('stores the feedback and queues a feedback event', () => {
    const scheduled = applyStageAction(withInterviewAndAssignment(), 'st-1', 'schedule', candidate, T2, { slotId: 's', scheduledCallId: 'c', call: scheduledCall }).application;
    const result = addStageFeedback(scheduled, 'st-1', { rating: 5, recommendation: 'strong_yes' }, { role: 'interviewer', id: 'int-1' }, T2, 'fb-1');
    expect(result.feedback).toMatchObject({ id: 'fb-1', rating: 5 });
    expect(result.application.stages[0]!.feedback).toEqual([result.feedback]);
    expect(result.events).toEqual([expect.objectContaining({ id: 'acme:app-1:4', seq: 4, kind: 'stage.feedback_submitted', feedbackId: 'fb-1', visibleToCandidate: false })]);
  });

  it('STAGE.NOT_FOUND for an unknown stage', () => {
    expect(() => addStageFeedback(fresh(), 'x', { rating: 5, recommendation: 'yes' }, recruiter, T2, 'f')).toThrowError(expect.objectContaining({ code: 'STAGE.NOT_FOUND' }));
  });
});

describe('dropPublished', () => {
  it('drops the events up to a seq and keeps the sequence going', () => {
    const app = withInterviewAndAssignment();
    const dropped = dropPublished(app, 1);
    expect(dropped.outbox.map((e) => e.id)).toEqual(['acme:app-1:2']);
    expect(dropped.eventSeq).toBe(2);
    const next = addStage(dropPublished(dropped, 2), { type: 'offer', data: { offerLetter: doc } }, recruiter, T2, 'st-3');
    expect(next.application.outbox.map((e) => [e.id, e.seq])).toEqual([['acme:app-1:3', 3]]);
  });
});
