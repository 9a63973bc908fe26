import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applicationViewSchema, candidateApplicationViewSchema, staffApplicationViewSchema } from '../../../shared/stages/api/application-views.schema.ts';
import {
  candidate, document, documentId, domainErrorOf, interviewer, recruiter, startStageServiceWorld, type StageServiceWorld,
} from '../../support/stage-service-fixtures.ts';
import { scheduledCall } from '../stages/stage-fixtures.ts';

describe('StageService reads against the embedded Cosmos DB server', () => {
  let world: StageServiceWorld;
  beforeAll(async () => {
    world = await startStageServiceWorld();
  });
  afterAll(() => world.stop());
  beforeEach(() => world.gate.set('on'));

  it('creates an application in the caller\'s tenant and reads it back as staff and as its candidate', async () => {
    const created = await world.service.createApplication(recruiter(), { id: 'read-1', jobId: 'job-1', candidateId: 'cand-1' });
    expect(staffApplicationViewSchema.parse(created)).toMatchObject({ view: 'staff', model: 'stages', id: 'read-1', tenantId: 'acme', recruiterIds: ['rec-1'], stages: [] });

    const stored = await world.raw('read-1');
    expect(stored).toMatchObject({ id: 'read-1', applicationId: 'read-1', tenantId: 'acme', jobId: 'job-1', candidateId: 'cand-1', stages: [], outbox: [], eventSeq: 0 });
    expect(typeof stored?.['_etag']).toBe('string');

    const asStaff = await world.service.getApplication(interviewer(), 'read-1');
    expect(asStaff).toMatchObject({ view: 'staff', tenantId: 'acme' });
    const asCandidate = await world.service.getApplication(candidate(), 'read-1');
    expect(candidateApplicationViewSchema.parse(asCandidate)).toMatchObject({ view: 'candidate', id: 'read-1' });
    expect(asCandidate).not.toHaveProperty('tenantId');
    expect(asCandidate).not.toHaveProperty('recruiterIds');
  });

  it('answers APPLICATION.NOT_FOUND for another tenant, another candidate and an unknown id', async () => {
    await world.service.createApplication(recruiter(), { id: 'read-2', jobId: 'job-1', candidateId: 'cand-1' });
    for (const [who, id] of [[recruiter('globex'), 'read-2'], [candidate('acme', 'cand-2'), 'read-2'], [candidate('globex', 'cand-1'), 'read-2'], [recruiter(), 'missing'], [recruiter(), 'bad/id']] as const) {
      const error = await domainErrorOf(world.service.getApplication(who, id));
      expect(error.code).toBe('APPLICATION.NOT_FOUND');
    }
  });

  it('shows a candidate only visible stages, without feedback, internal notes or internal data', async () => {
    await world.service.createApplication(recruiter(), { id: 'read-3', jobId: 'job-1', candidateId: 'cand-1' });
    const interview = await world.service.createStage(recruiter(), 'read-3', {
      type: 'live_interview', internalNotes: 'strong referral', data: { recruiterId: 'rec-1', interviewerIds: ['int-1'] },
    });
    await world.service.createStage(recruiter(), 'read-3', { type: 'assignment', visibleToCandidate: false, data: { instructions: 'Hidden' } });
    await world.service.applyOwnedAction(candidate(), 'read-3', interview.stage.id, 'schedule', { slotId: 'slot-1', scheduledCallId: 'call-1', call: scheduledCall });
    await world.service.submitFeedback(interviewer(), 'read-3', interview.stage.id, { rating: 4, recommendation: 'yes', notes: 'secret' });

    const view = await world.service.getApplication(candidate(), 'read-3');
    expect(view.stages).toHaveLength(1);
    const [stage] = view.stages;
    expect(stage).toMatchObject({ id: interview.stage.id, status: 'scheduled' });
    for (const hidden of ['feedback', 'internalNotes', 'visibleToCandidate', 'createdBy']) expect(stage).not.toHaveProperty(hidden);
    expect(stage?.data).not.toHaveProperty('interviewerIds');
    expect(JSON.stringify(view)).not.toContain('secret');

    const hiddenStageId = (await world.raw('read-3'))?.['stages'][1].id as string;
    expect((await domainErrorOf(world.service.getStage(candidate(), 'read-3', hiddenStageId))).code).toBe('STAGE.NOT_FOUND');
    const staffStage = await world.service.getStage(recruiter(), 'read-3', interview.stage.id);
    expect(staffStage.stage).toMatchObject({ feedback: [expect.objectContaining({ notes: 'secret' })], internalNotes: 'strong referral' });
  });

  it('reads an imported application through the legacy transformation until it has stored stages', async () => {
    await world.service.createApplication(recruiter(), { id: 'read-4', jobId: 'job-1', candidateId: 'cand-1', legacyStatus: 'offer_sent' });
    const legacy = await world.service.getApplication(recruiter(), 'read-4');
    expect(legacy).toMatchObject({ model: 'legacy', stages: [{ id: 'legacy-offer', type: 'offer', readOnly: true, allowedActions: [] }] });
    expect((await world.raw('read-4'))?.['stages']).toEqual([]);

    const error = await domainErrorOf(world.service.applyAction(candidate(), 'read-4', 'legacy-offer', 'accept', {}));
    expect(error).toMatchObject({ code: 'STAGE.TRANSITION_NOT_ALLOWED', details: { reason: 'read_only', allowedActions: [] } });
    expect((await world.raw('read-4'))?.['stages']).toEqual([]);
  });

  it('reads every application through the legacy transformation while the flag is off or unavailable', async () => {
    await world.service.createApplication(recruiter(), { id: 'read-5', jobId: 'job-1', candidateId: 'cand-1', legacyStatus: 'assignment_sent' });
    await world.service.createApplication(recruiter(), { id: 'read-5b', jobId: 'job-1', candidateId: 'cand-1' });
    await world.service.createStage(recruiter(), 'read-5b', { type: 'offer', data: { offerLetter: documentId } });
    for (const status of ['off', 'unavailable'] as const) {
      world.gate.set(status);
      const imported = await world.service.getApplication(candidate(), 'read-5');
      expect(applicationViewSchema.parse(imported)).toMatchObject({ model: 'legacy', stages: [{ id: 'legacy-assignment', type: 'assignment' }] });
      const dynamic = await world.service.getApplication(recruiter(), 'read-5b');
      expect(dynamic).toMatchObject({ model: 'legacy', stages: [] });
    }
    world.gate.set('on');
    expect(await world.service.getApplication(recruiter(), 'read-5b')).toMatchObject({ model: 'stages', stages: [{ type: 'offer' }] });
  });

  it('uses one Cosmos DB request for a candidate read', async () => {
    await world.service.createApplication(recruiter(), { id: 'read-6', jobId: 'job-1', candidateId: 'cand-1' });
    await world.service.getApplication(candidate(), 'read-6');
    world.meter.reset();
    await world.service.getApplication(candidate(), 'read-6');
    expect(world.meter.snapshot()).toEqual({ 'applications:read': 1, total: 1 });
  });
});
