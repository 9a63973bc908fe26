import { describe, expect, it } from 'vitest';
import { addStage, applyStageAction, newApplication, type ApplicationDocument } from '../../../shared/stages/domain/application.ts';
import { attachDocument } from '../../../shared/stages/domain/document-attachment.ts';
import { maxSubmissionHistory } from '../../../shared/stages/domain/types/assignment.schema.ts';
import { stageSchema } from '../../../shared/stages/domain/stage.model.ts';
import { candidate, recruiter, T0, T1, T2 } from './stage-fixtures.ts';

const document = (id: string) => ({ documentId: id, fileName: `${id}.pdf`, contentType: 'application/pdf', size: 100 });
const admin = { role: 'admin' as const, id: 'adm-1' };

function withStage(body: Parameters<typeof addStage>[1], id = 'st-1'): ApplicationDocument {
  const app = newApplication({ id: 'app-1', tenantId: 'acme', jobId: 'job-1', candidateId: 'cand-1', recruiterIds: ['rec-1'] }, T0);
  return addStage(app, body, recruiter, T0, id).application;
}
const assignment = () => withStage({ type: 'assignment', data: { instructions: 'Build it' } });
const onboarding = () => withStage({ type: 'offer_accepted', data: {} });
const stageOf = (app: ApplicationDocument) => stageSchema.parse(app.stages[0]);
const errorOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return (error as { code?: string; details?: { reason?: string } });
  }
  throw new Error('expected a refusal');
};

describe('attaching verified documents to stages (the documents capability through the mutation path)', () => {
  it('an artifact is appended under add_artifact\'s rules (recruiter or admin, awaiting the candidate) with its event', () => {
    const result = attachDocument(assignment(), 'st-1', 'assignment_artifact', document('d-1'), admin, T1);
    expect(result.attached).toBe(true);
    expect(stageOf(result.application)).toMatchObject({ status: 'awaiting_candidate', updatedAt: T1, data: { artifacts: [document('d-1')] } });
    expect(result.events).toEqual([expect.objectContaining({ kind: 'stage.transitioned', action: 'add_artifact', stageStatus: 'awaiting_candidate', actor: admin, seq: 2 })]);
    expect(errorOf(() => attachDocument(assignment(), 'st-1', 'assignment_artifact', document('d-1'), candidate, T1))).toMatchObject({ code: 'AUTH.FORBIDDEN' });
  });

  it('a submission moves the assignment to awaiting_recruiter; a later one replaces it while the recruiter has not reviewed, keeping the earlier in history', () => {
    const first = attachDocument(assignment(), 'st-1', 'assignment_submission', document('d-1'), candidate, T1);
    expect(stageOf(first.application)).toMatchObject({ status: 'awaiting_recruiter', actionableBy: 'recruiter', data: { submission: document('d-1'), submittedAt: T1 } });
    expect(first.events[0]).toMatchObject({ action: 'submit', previousStatus: 'awaiting_candidate', stageStatus: 'awaiting_recruiter' });

    const second = attachDocument(first.application, 'st-1', 'assignment_submission', document('d-2'), candidate, T2);
    expect(stageOf(second.application)).toMatchObject({
      status: 'awaiting_recruiter',
      data: { submission: document('d-2'), submittedAt: T2, submissionHistory: [{ submission: document('d-1'), submittedAt: T1, replacedAt: T2 }] },
    });
    expect(second.events[0]).toMatchObject({ action: 'submit', previousStatus: 'awaiting_recruiter', stageStatus: 'awaiting_recruiter', actor: candidate });

    const reviewed = applyStageAction(second.application, 'st-1', 'pass', recruiter, T2).application;
    expect(errorOf(() => attachDocument(reviewed, 'st-1', 'assignment_submission', document('d-3'), candidate, T2))).toMatchObject({ code: 'STAGE.TRANSITION_NOT_ALLOWED' });
    expect(errorOf(() => attachDocument(first.application, 'st-1', 'assignment_submission', document('d-3'), recruiter, T2))).toMatchObject({ code: 'AUTH.FORBIDDEN' });
  });

  it('keeps at most the history\'s limit of replaced submissions', () => {
    let app = attachDocument(assignment(), 'st-1', 'assignment_submission', document('d-0'), candidate, T1).application;
    for (let i = 1; i <= maxSubmissionHistory; i += 1) app = attachDocument(app, 'st-1', 'assignment_submission', document(`d-${i}`), candidate, T1).application;
    expect((stageOf(app).data as { submissionHistory: unknown[] }).submissionHistory).toHaveLength(maxSubmissionHistory);
    expect(errorOf(() => attachDocument(app, 'st-1', 'assignment_submission', document('d-x'), candidate, T2))).toMatchObject({ code: 'STAGE.TRANSITION_NOT_ALLOWED', details: { reason: 'submission_history_full' } });
  });

  it('an onboarding document is appended by the candidate with who and when', () => {
    const result = attachDocument(onboarding(), 'st-1', 'onboarding_document', document('d-1'), candidate, T1);
    expect(stageOf(result.application).data).toEqual({ onboardingDocuments: [{ ...document('d-1'), addedBy: candidate, addedAt: T1 }] });
    expect(result.events[0]).toMatchObject({ action: 'add_onboarding_document' });
  });

  it('is idempotent: a document already on the stage changes nothing and queues no event, even after the stage moved on', () => {
    const once = attachDocument(assignment(), 'st-1', 'assignment_submission', document('d-1'), candidate, T1);
    const twice = attachDocument(once.application, 'st-1', 'assignment_submission', document('d-1'), candidate, T2);
    expect(twice.attached).toBe(false);
    expect(twice.events).toEqual([]);
    expect(twice.application).toBe(once.application);
    const artifact = attachDocument(assignment(), 'st-1', 'assignment_artifact', document('a-1'), recruiter, T1);
    expect(attachDocument(artifact.application, 'st-1', 'assignment_artifact', document('a-1'), recruiter, T2).application).toBe(artifact.application);
  });

  it('refuses the wrong stage type, a stage hidden from the candidate, and a closed application', () => {
    expect(errorOf(() => attachDocument(onboarding(), 'st-1', 'assignment_submission', document('d'), candidate, T1))).toMatchObject({ code: 'STAGE.TRANSITION_NOT_ALLOWED', details: { reason: 'unknown_action_for_type' } });
    expect(errorOf(() => attachDocument(assignment(), 'st-1', 'onboarding_document', document('d'), candidate, T1))).toMatchObject({ code: 'STAGE.TRANSITION_NOT_ALLOWED' });
    const hidden = withStage({ type: 'assignment', visibleToCandidate: false, data: { instructions: 'x' } });
    expect(errorOf(() => attachDocument(hidden, 'st-1', 'assignment_submission', document('d'), candidate, T1))).toMatchObject({ code: 'STAGE.NOT_FOUND' });
    const closed = addStage(assignment(), { type: 'disqualified', data: { reason: 'other', notifyCandidate: false } }, recruiter, T1, 'st-2').application;
    expect(errorOf(() => attachDocument(closed, 'st-1', 'assignment_submission', document('d'), candidate, T1))).toMatchObject({ code: 'APPLICATION.CLOSED' });
  });
});
