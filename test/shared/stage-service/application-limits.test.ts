import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { applicationLimits } from '../../../shared/stages/domain/application-limits.ts';
import { scheduledCall } from '../stages/stage-fixtures.ts';
import { candidate, domainErrorOf, interviewer, recruiter, startStageServiceWorld, type StageServiceWorld } from '../../support/stage-service-fixtures.ts';

describe('bounded aggregates', () => {
  let world: StageServiceWorld;
  beforeAll(async () => {
    world = await startStageServiceWorld();
  });
  afterAll(() => world.stop());

  it(`refuses stage ${applicationLimits.stages + 1} with 409 APPLICATION.LIMIT_REACHED and writes nothing`, async () => {
    await world.service.createApplication(recruiter(), { id: 'lim-1', jobId: 'job-1', candidateId: 'cand-1' });
    for (let n = 0; n < applicationLimits.stages; n += 1) await world.service.createStage(recruiter(), 'lim-1', { type: 'offer_accepted', data: {} });
    const before = await world.raw('lim-1');
    const error = await domainErrorOf(world.service.createStage(recruiter(), 'lim-1', { type: 'offer_accepted', data: {} }));
    expect(error).toMatchObject({ code: 'APPLICATION.LIMIT_REACHED', details: { limit: 'stages', max: 50, actual: 50 } });
    expect(await world.raw('lim-1')).toEqual(before);
  });

  it(`refuses feedback ${applicationLimits.feedbackPerStage + 1} on one stage and writes nothing`, async () => {
    await world.service.createApplication(recruiter(), { id: 'lim-2', jobId: 'job-1', candidateId: 'cand-1' });
    const { stage } = await world.service.createStage(recruiter(), 'lim-2', { type: 'live_interview', data: { recruiterId: 'rec-1' } });
    await world.service.applyOwnedAction(candidate(), 'lim-2', stage.id, 'schedule', { slotId: 's-1', scheduledCallId: 'c-1', call: scheduledCall });
    for (let n = 0; n < applicationLimits.feedbackPerStage; n += 1) {
      await world.service.submitFeedback(interviewer('acme', `int-${n}`), 'lim-2', stage.id, { rating: 3, recommendation: 'mixed' });
    }
    const before = await world.raw('lim-2');
    const error = await domainErrorOf(world.service.submitFeedback(interviewer('acme', 'int-x'), 'lim-2', stage.id, { rating: 3, recommendation: 'mixed' }));
    expect(error).toMatchObject({ code: 'APPLICATION.LIMIT_REACHED', details: { limit: 'feedbackPerStage', max: 20 } });
    expect(await world.raw('lim-2')).toEqual(before);
  });

  it('refuses any write whose stored JSON would pass 1.5 MB, whatever made it large', async () => {
    await world.service.createApplication(recruiter(), { id: 'lim-3', jobId: 'job-1', candidateId: 'cand-1' });
    const before = await world.raw('lim-3');
    const huge = 'x'.repeat(applicationLimits.documentBytes);
    const error = await domainErrorOf(
      world.deps.mutator.mutate(recruiter(), 'lim-3', (application) => ({ application: Object.assign({}, application, { padding: huge }) })),
    );
    expect(error).toMatchObject({ code: 'APPLICATION.LIMIT_REACHED', details: { limit: 'documentBytes', max: 1_500_000 } });
    expect((error.details as { actual: number }).actual).toBeGreaterThan(1_500_000);
    expect(await world.raw('lim-3')).toEqual(before);
  });

  it('refuses to write a document its own read schema would reject (a bug: 500, logged, nothing written)', async () => {
    await world.service.createApplication(recruiter(), { id: 'lim-4', jobId: 'job-1', candidateId: 'cand-1' });
    const before = await world.raw('lim-4');
    const attempt = world.deps.mutator.mutate(recruiter(), 'lim-4', (application) => ({ application: { ...application, candidateId: 123 as unknown as string } }));
    await expect(attempt).rejects.toMatchObject({ name: 'UnwritableDocumentError', container: 'applications', id: 'lim-4' });
    expect(await world.raw('lim-4')).toEqual(before);
  });

  it('serves the board past a document that does not fit the schema: skipped, counted and logged with its id', async () => {
    for (const id of ['board-ok-1', 'board-bad', 'board-ok-2']) await world.service.createApplication(recruiter('board-t'), { id, jobId: 'job-b', candidateId: 'cand-1' });
    const { resource } = await world.applications.item('board-bad', ['board-t', 'board-bad']).read();
    await world.applications.item('board-bad', ['board-t', 'board-bad']).replace({ ...resource, candidateId: ['not', 'a', 'string'] });
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const page = await world.service.listApplications(recruiter('board-t'), { limit: 50 });
      expect(page.items.map((item) => item.id).sort()).toEqual(['board-ok-1', 'board-ok-2']);
      expect(errors.mock.calls.map((call) => String(call[0]))).toEqual([expect.stringContaining('applications/board-bad')]);
    } finally {
      errors.mockRestore();
    }
    // A point read of that one document still says what is wrong with it (a 500 naming it), not a silent 404.
    await expect(world.service.getApplication(recruiter('board-t'), 'board-bad')).rejects.toMatchObject({ name: 'UnreadableDocumentError', id: 'board-bad' });
  });
});
