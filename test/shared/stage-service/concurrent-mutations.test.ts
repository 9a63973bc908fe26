import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApplicationDocument } from '../../../shared/stages/domain/application.schema.ts';
import type { StoredApplication } from '../../../shared/stages/ports/application-repository.port.ts';
import { CosmosApplicationRepository } from '../../../shared/stages/adapters/cosmos-application-repository.adapter.ts';
import { candidate, domainErrorOf, interviewer, recruiter, startStageServiceWorld, type StageServiceWorld } from '../../support/stage-service-fixtures.ts';
import { scheduledCall } from '../stages/stage-fixtures.ts';

/** Retries what the API tells clients to retry: CONCURRENT_UPDATE. */
async function untilCommitted<T>(run: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await run();
    } catch (error) {
      if ((error as { code?: string }).code !== 'APPLICATION.CONCURRENT_UPDATE') throw error;
    }
  }
}

/** A repository where another writer always commits between our read and our replace. */
class ContendedRepository extends CosmosApplicationRepository {
  replaces = 0;
  rival: ((document: ApplicationDocument) => Promise<void>) | undefined;

  override async replace(document: ApplicationDocument, etag: string): Promise<StoredApplication | 'conflict'> {
    this.replaces += 1;
    await this.rival?.(document);
    return super.replace(document, etag);
  }
}

describe('concurrent mutations on one application', () => {
  let world: StageServiceWorld;
  beforeAll(async () => {
    world = await startStageServiceWorld();
  });
  afterAll(() => world.stop());

  it('never loses an update: 20 parallel feedback submissions are all stored', async () => {
    await world.service.createApplication(recruiter(), { id: 'race-1', jobId: 'job-1', candidateId: 'cand-1' });
    const { stage } = await world.service.createStage(recruiter(), 'race-1', { type: 'live_interview', data: { recruiterId: 'rec-1' } });
    await world.service.applyOwnedAction(candidate(), 'race-1', stage.id, 'schedule', { slotId: 's-1', scheduledCallId: 'c-1', call: scheduledCall });

    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        untilCommitted(() => world.service.submitFeedback(interviewer('acme', `int-${i}`), 'race-1', stage.id, { rating: (i % 5) + 1, recommendation: 'mixed', notes: `n${i}` })),
      ),
    );
    const stored = await world.raw('race-1');
    const feedback = stored?.['stages'][0].feedback as { id: string; authorId: string }[];
    expect(feedback.map((f) => f.id).sort()).toEqual(results.map((r) => r.feedback.id).sort());
    expect(new Set(feedback.map((f) => f.authorId)).size).toBe(20);
    const events = stored?.['outbox'] as { seq: number; feedbackId?: string }[];
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 22 }, (_, i) => i + 1));
    expect(events.filter((e) => e.feedbackId !== undefined)).toHaveLength(20);
  });

  it('re-reads and re-applies after losing a conditional replace, keeping the rival\'s change', async () => {
    const repository = new ContendedRepository({ database: world.cosmos.database });
    const service = world.useCasesOn(repository);
    await world.service.createApplication(recruiter(), { id: 'race-2', jobId: 'job-1', candidateId: 'cand-1' });
    let rivalWrites = 0;
    repository.rival = async () => {
      if (rivalWrites >= 2) return;
      rivalWrites += 1;
      await world.service.createStage(recruiter(), 'race-2', { type: 'offer_accepted', title: `rival ${rivalWrites}`, data: {} });
    };
    const mine = await service.createStage(recruiter(), 'race-2', { type: 'offer_accepted', title: 'mine', data: {} });
    expect(repository.replaces).toBe(3);
    const stored = await world.raw('race-2');
    expect(stored?.['stages'].map((s: { title: string; order: number }) => [s.title, s.order])).toEqual([['rival 1', 1], ['rival 2', 2], ['mine', 3]]);
    expect(mine.stage.order).toBe(3);
  });

  it('gives up with APPLICATION.CONCURRENT_UPDATE after 5 retries, without writing its change', async () => {
    const repository = new ContendedRepository({ database: world.cosmos.database });
    const service = world.useCasesOn(repository);
    await world.service.createApplication(recruiter(), { id: 'race-3', jobId: 'job-1', candidateId: 'cand-1' });
    repository.rival = async () => {
      await world.service.createStage(recruiter(), 'race-3', { type: 'offer_accepted', title: 'rival', data: {} });
    };
    const error = await domainErrorOf(service.createStage(recruiter(), 'race-3', { type: 'offer_accepted', title: 'mine', data: {} }));
    expect(error).toMatchObject({ code: 'APPLICATION.CONCURRENT_UPDATE', details: { attempts: 6 } });
    expect(repository.replaces).toBe(6);
    const titles = (await world.raw('race-3'))?.['stages'].map((s: { title: string }) => s.title);
    expect(titles).toEqual(Array.from({ length: 6 }, () => 'rival'));
  });
});
