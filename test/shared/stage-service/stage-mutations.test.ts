import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  admin, candidate, document, documentId, domainErrorOf, interviewer, recruiter, startStageServiceWorld, type StageServiceWorld,
} from '../../support/stage-service-fixtures.ts';
import { scheduledCall } from '../stages/stage-fixtures.ts';

describe('StageService mutations against the embedded Cosmos DB server', () => {
  let world: StageServiceWorld;
  let next = 0;
  beforeAll(async () => {
    world = await startStageServiceWorld();
  });
  afterAll(() => world.stop());
  beforeEach(() => world.gate.set('on'));

  async function freshApplication(): Promise<string> {
    const id = `mut-${(next += 1)}`;
    await world.service.createApplication(recruiter(), { id, jobId: 'job-1', candidateId: 'cand-1' });
    return id;
  }

  it('creates a stage and commits it with its stage.created event in one write', async () => {
    const id = await freshApplication();
    world.meter.reset();
    const created = await world.service.createStage(admin(), id, { type: 'assignment', data: { instructions: 'Build a thing', dueAt: '2099-01-01T00:00:00Z' } });
    expect(world.meter.snapshot()).toEqual({ 'applications:read': 1, 'applications:replace': 1, total: 2 });
    expect(created).toMatchObject({ applicationId: id, model: 'stages', stage: { type: 'assignment', status: 'awaiting_candidate', order: 1, actionableBy: 'candidate' } });

    const stored = await world.raw(id);
    expect(stored?.['stages']).toEqual([expect.objectContaining({ id: created.stage.id, createdBy: { role: 'admin', id: 'adm-1' } })]);
    expect(stored?.['outbox']).toEqual([expect.objectContaining({ id: `acme:${id}:1`, seq: 1, kind: 'stage.created', stageId: created.stage.id, tenantId: 'acme' })]);
    expect(stored?.['eventSeq']).toBe(1);
  });

  it('applies actions by candidate and recruiter, each with a stage.transitioned event', async () => {
    const id = await freshApplication();
    const { stage } = await world.service.createStage(recruiter(), id, { type: 'assignment', data: { instructions: 'Do it' } });
    const submitted = await world.service.applyOwnedAction(candidate(), id, stage.id, 'submit', { submission: document });
    expect(submitted.stage).toMatchObject({ status: 'awaiting_recruiter', allowedActions: [] });
    expect(submitted.stage).not.toHaveProperty('feedback');
    const passed = await world.service.applyAction(recruiter(), id, stage.id, 'pass', {});
    expect(passed.stage).toMatchObject({ status: 'completed', data: { outcome: 'passed' } });

    const stored = await world.raw(id);
    expect(stored?.['stages'][0]).toMatchObject({ status: 'completed', data: { submission: document, outcome: 'passed' } });
    expect(stored?.['outbox'].map((event: { kind: string; action?: string }) => [event.kind, event.action])).toEqual([
      ['stage.created', undefined], ['stage.transitioned', 'submit'], ['stage.transitioned', 'pass'],
    ]);
  });

  it('refuses an illegal transition with the allowed actions, writing nothing', async () => {
    const id = await freshApplication();
    const { stage } = await world.service.createStage(recruiter(), id, { type: 'offer', data: { offerLetter: documentId } });
    const before = await world.raw(id);
    const error = await domainErrorOf(world.service.applyAction(recruiter(), id, stage.id, 'accept', {}));
    expect(error.code).toBe('AUTH.FORBIDDEN');
    await world.service.applyAction(candidate(), id, stage.id, 'decline', {});
    const afterDecline = await world.raw(id);
    const again = await domainErrorOf(world.service.applyAction(recruiter(), id, stage.id, 'revoke', {}));
    expect(again).toMatchObject({ code: 'STAGE.TRANSITION_NOT_ALLOWED', details: { status: 'declined', allowedActions: [] } });
    expect(await world.raw(id)).toEqual(afterDecline);
    expect(afterDecline?.['_etag']).not.toBe(before?.['_etag']);
  });

  it('stores feedback from interviewers and recruiters, refuses candidates', async () => {
    const id = await freshApplication();
    const { stage } = await world.service.createStage(recruiter(), id, { type: 'live_interview', data: { recruiterId: 'rec-1' } });
    await world.service.applyOwnedAction(candidate(), id, stage.id, 'schedule', { slotId: 's-1', scheduledCallId: 'call-1', call: scheduledCall });
    const fromInterviewer = await world.service.submitFeedback(interviewer(), id, stage.id, { rating: 5, recommendation: 'strong_yes' });
    const fromRecruiter = await world.service.submitFeedback(recruiter(), id, stage.id, { rating: 2, recommendation: 'no', notes: 'Late' });
    expect(fromInterviewer.feedback).toMatchObject({ authorId: 'int-1', authorRole: 'interviewer', rating: 5 });
    expect((await domainErrorOf(world.service.submitFeedback(candidate(), id, stage.id, { rating: 5, recommendation: 'yes' }))).code).toBe('AUTH.FORBIDDEN');

    const stored = await world.raw(id);
    expect(stored?.['stages'][0].feedback.map((f: { id: string }) => f.id)).toEqual([fromInterviewer.feedback.id, fromRecruiter.feedback.id]);
    expect(stored?.['outbox'].at(-1)).toMatchObject({ kind: 'stage.feedback_submitted', feedbackId: fromRecruiter.feedback.id, visibleToCandidate: false });
  });

  it('closes the application with a disqualified stage: no more stages, no candidate actions', async () => {
    const id = await freshApplication();
    const offer = await world.service.createStage(recruiter(), id, { type: 'offer', data: { offerLetter: documentId } });
    await world.service.createStage(recruiter(), id, { type: 'disqualified', data: { reason: 'Position filled', notifyCandidate: true } });
    const closed = await world.raw(id);
    expect(typeof closed?.['closedAt']).toBe('string');
    expect((await domainErrorOf(world.service.createStage(recruiter(), id, { type: 'offer', data: { offerLetter: documentId } }))).code).toBe('APPLICATION.CLOSED');
    expect((await domainErrorOf(world.service.applyAction(candidate(), id, offer.stage.id, 'accept', {}))).code).toBe('APPLICATION.CLOSED');
    expect(await world.raw(id)).toEqual(closed);
    const revoked = await world.service.applyAction(recruiter(), id, offer.stage.id, 'revoke', { reason: 'Closed' });
    expect(revoked.stage.status).toBe('revoked');
  });

  it('treats another tenant\'s or another candidate\'s application as not found, writing nothing', async () => {
    const id = await freshApplication();
    const { stage } = await world.service.createStage(recruiter(), id, { type: 'offer_accepted', data: {} });
    const before = await world.raw(id);
    // One at a time: promises made up front reject before they are awaited (unhandled rejections).
    const attempts = [
      () => world.service.createStage(recruiter('globex'), id, { type: 'offer_accepted', data: {} }),
      () => world.service.applyAction(admin('globex'), id, stage.id, 'complete', {}),
      () => world.service.applyAction(candidate('acme', 'cand-2'), id, stage.id, 'complete', {}),
      () => world.service.applyAction(candidate('globex', 'cand-1'), id, stage.id, 'complete', {}),
      () => world.service.submitFeedback(interviewer('globex'), id, stage.id, { rating: 3, recommendation: 'mixed' }),
    ];
    for (const attempt of attempts) expect((await domainErrorOf(attempt())).code).toBe('APPLICATION.NOT_FOUND');
    expect(await world.raw(id)).toEqual(before);
  });

  it('writes nothing while the flag is off (FEATURE.DISABLED) or unavailable (FEATURE.UNAVAILABLE, retry after 5 s)', async () => {
    const id = await freshApplication();
    const { stage } = await world.service.createStage(recruiter(), id, { type: 'offer_accepted', data: {} });
    const before = await world.raw(id);
    for (const [status, code] of [['off', 'FEATURE.DISABLED'], ['unavailable', 'FEATURE.UNAVAILABLE']] as const) {
      world.gate.set(status);
      world.meter.reset();
      const calls = [
        world.service.createStage(recruiter(), id, { type: 'offer_accepted', data: {} }),
        world.service.applyAction(candidate(), id, stage.id, 'complete', {}),
        world.service.submitFeedback(recruiter(), id, stage.id, { rating: 3, recommendation: 'mixed' }),
        world.service.createApplication(recruiter(), { id: `${id}-new-${status}`, jobId: 'job-1', candidateId: 'cand-1' }),
        world.service.runBatch(recruiter(), { operation: 'disqualify', applicationIds: [id], disqualification: { reason: 'x', notifyCandidate: false } }),
      ];
      for (const call of calls) {
        const error = await domainErrorOf(call);
        expect(error.code).toBe(code);
        if (status === 'unavailable') expect(error.retry).toEqual({ after: 5 });
      }
      expect(world.meter.snapshot()).toEqual({ total: 0 });
      expect(await world.raw(id)).toEqual(before);
      expect(await world.raw(`${id}-new-${status}`)).toBeUndefined();
    }
  });

  it('imports a legacy application while the flag is off', async () => {
    world.gate.set('off');
    const view = await world.service.createApplication(recruiter(), { id: 'mut-import', jobId: 'job-1', candidateId: 'cand-1', legacyStatus: 'interview_scheduled', legacyScheduledCallId: 'call-9' });
    expect(view).toMatchObject({ model: 'legacy', stages: [{ id: 'legacy-interview', status: 'scheduled', data: { scheduledCallId: 'call-9' } }] });
    expect(await world.raw('mut-import')).toMatchObject({ legacyStatus: 'interview_scheduled', legacyScheduledCallId: 'call-9', stages: [] });
    expect((await domainErrorOf(world.service.createApplication(recruiter(), { id: 'mut-import', jobId: 'job-2', candidateId: 'cand-2', legacyStatus: 'applied' }))).code).toBe('APPLICATION.ALREADY_EXISTS');
    expect(await world.raw('mut-import')).toMatchObject({ jobId: 'job-1' });
  });

  it('refuses an action a capability owns on the generic path before reading anything', async () => {
    const id = 'owned-1';
    await world.service.createApplication(recruiter(), { id, jobId: 'job-1', candidateId: 'cand-1' });
    const { stage } = await world.service.createStage(recruiter(), id, { type: 'live_interview', data: { recruiterId: 'rec-1' } });
    const before = await world.raw(id);
    world.meter.reset();
    const error = await domainErrorOf(world.service.applyAction(candidate(), id, stage.id, 'schedule', { slotId: 's-1', scheduledCallId: 'c-1' }));
    expect(error).toMatchObject({ code: 'STAGE.ACTION_NOT_DIRECT', details: { action: 'schedule', owner: 'scheduling' } });
    expect(world.meter.snapshot()).toEqual({ total: 0 });
    expect(await world.raw(id)).toEqual(before);
  });

  it('resolves the documents a new stage names through the verified documents, and refuses unknown ids', async () => {
    const id = 'docs-1';
    await world.service.createApplication(recruiter(), { id, jobId: 'job-1', candidateId: 'cand-1' });
    const offer = await world.service.createStage(recruiter(), id, { type: 'offer', data: { offerLetter: documentId } });
    expect((await world.raw(id))?.['stages'][0].data.offerLetter).toEqual(document);
    expect(offer.stage.data).toMatchObject({ offerLetter: document });
    expect(world.documents.lookups.at(-1)).toEqual({ tenantId: 'acme', applicationId: id, documentId: 'doc-1', purpose: 'offer_letter' });
    const before = await world.raw(id);
    const error = await domainErrorOf(world.service.createStage(recruiter(), id, { type: 'offer_accepted', data: { onboardingDocuments: [documentId, { documentId: 'nobody-uploaded-this' }] } }));
    expect(error).toMatchObject({ code: 'DOCUMENT.NOT_FOUND', details: { documentId: 'nobody-uploaded-this', purpose: 'onboarding_document', path: 'data.onboardingDocuments.1' } });
    expect(await world.raw(id)).toEqual(before);
  });
});
