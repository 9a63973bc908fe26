import { describe, expect, it } from 'vitest';
import type { ApplicationDocument } from '../../../shared/stages/domain/application.ts';
import { addStage, addStageFeedback, applyStageAction, newApplication } from '../../../shared/stages/domain/application.ts';
import { candidateApplicationView } from '../../../shared/stages/domain/candidate-view.ts';
import { candidate, doc, recruiter, T0, T1 } from './stage-fixtures.ts';
import { scheduledCall } from './stage-fixtures.ts';

const secrets = ['SECRET-NOTE', 'SECRET-FEEDBACK', 'SECRET-REASON', 'SECRET-HIDDEN', 'int-7', 'rev-7', 'acme-tenant', 'rec-9'];

function pipeline(): ApplicationDocument {
  let app = newApplication({ id: 'app-1', tenantId: 'acme-tenant', jobId: 'job-1', candidateId: 'cand-1', recruiterIds: ['rec-9'] }, T0);
  const add = (body: Parameters<typeof addStage>[1], id: string) => {
    app = addStage(app, body, recruiter, T1, id).application;
  };
  add({ type: 'live_interview', internalNotes: 'SECRET-NOTE', data: { recruiterId: 'rec-1', interviewerIds: ['int-7'] } }, 'st-1');
  add({ type: 'assignment', title: 'SECRET-HIDDEN', visibleToCandidate: false, data: { instructions: 'hidden' } }, 'st-2');
  add({ type: 'assignment', data: { instructions: 'Build it', reviewerIds: ['rev-7'] } }, 'st-3');
  app = applyStageAction(app, 'st-1', 'schedule', candidate, T1, { slotId: 's', scheduledCallId: 'c', call: scheduledCall }).application;
  app = addStageFeedback(app, 'st-1', { rating: 2, recommendation: 'no', notes: 'SECRET-FEEDBACK' }, recruiter, T1, 'fb-1').application;
  app = applyStageAction(app, 'st-3', 'submit', candidate, T1, { submission: doc }).application;
  app = applyStageAction(app, 'st-3', 'pass', recruiter, T1).application;
  return app;
}

describe('candidateApplicationView', () => {
  it('shows only visible stages, in order, with candidate-safe fields', () => {
    const view = candidateApplicationView(pipeline(), T1);
    expect(view.stages.map((s) => s.id)).toEqual(['st-1', 'st-3']);
    for (const stage of view.stages) {
      expect(Object.keys(stage).sort()).toEqual(
        ['actionableBy', 'allowedActions', 'createdAt', 'data', 'id', 'order', 'status', 'title', 'type', 'updatedAt'],
      );
    }
    expect(view.stages[0]!.data).not.toHaveProperty('interviewerIds');
    const { calendarEventId: _staffOnly, ...candidateCall } = scheduledCall;
    expect(view.stages[0]!.data).toMatchObject({ recruiterId: 'rec-1', scheduledCallId: 'c', call: candidateCall });
    expect((view.stages[0]!.data as { call?: object }).call).not.toHaveProperty('calendarEventId');
    expect(view.stages[1]!.data).not.toHaveProperty('reviewerIds');
    expect(view.stages[1]!.data).not.toHaveProperty('reviewedBy');
    expect(view.stages[1]!.data).toMatchObject({ outcome: 'passed', submission: doc });
  });

  it('omits tenant, recruiters, outbox and sequence', () => {
    const view = candidateApplicationView(pipeline(), T1);
    expect(Object.keys(view).sort()).toEqual(['applicationId', 'candidateId', 'createdAt', 'id', 'jobId', 'stages', 'updatedAt']);
  });

  it('leaks no recruiter-only text anywhere', () => {
    let app = pipeline();
    app = addStage(app, { type: 'disqualified', data: { reason: 'SECRET-REASON', notifyCandidate: true, candidateMessage: 'Thanks for your time' } }, recruiter, T1, 'st-4').application;
    const json = JSON.stringify(candidateApplicationView(app, T1));
    for (const secret of secrets) expect(json).not.toContain(secret);
    expect(json).toContain('Thanks for your time');
  });

  it('lists the candidate’s allowed actions, none once the application is closed', () => {
    let app = pipeline();
    expect(candidateApplicationView(app, T1).stages[0]!.allowedActions).toEqual(['request_reschedule']);
    app = addStage(app, { type: 'disqualified', data: { reason: 'x', notifyCandidate: false } }, recruiter, T1, 'st-4').application;
    const view = candidateApplicationView(app, T1);
    expect(view.closedAt).toBe(T1);
    expect(view.stages.every((s) => s.allowedActions.length === 0)).toBe(true);
    expect(view.stages.at(-1)!.data).toEqual({});
  });
});
