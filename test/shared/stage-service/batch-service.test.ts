import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mapBounded } from '../../../shared/platform/map-bounded.ts';
import { runBatch } from '../../../shared/stages/use-cases/run-batch.ts';
import type { BatchBody } from '../../../shared/stages/api/application-requests.schema.ts';
import { batchResultSchema } from '../../../shared/stages/api/application-views.schema.ts';
import { CosmosApplicationRepository } from '../../../shared/stages/adapters/cosmos-application-repository.adapter.ts';
import type { StoredApplication } from '../../../shared/stages/ports/application-repository.port.ts';
import { ApplicationMutator } from '../../../shared/stages/use-cases/application-mutator.ts';
import { systemClock } from '../../../shared/platform/clock.ts';
import { testChainSigner } from '../../support/test-chain-signer.ts';
import { domainErrorOf, recruiter, startStageServiceWorld, type StageServiceWorld } from '../../support/stage-service-fixtures.ts';

describe('runBatch', () => {
  let world: StageServiceWorld;
  beforeAll(async () => {
    world = await startStageServiceWorld();
    for (const id of ['b-1', 'b-2', 'b-3']) await world.service.createApplication(recruiter(), { id, jobId: 'job-1', candidateId: `cand-${id}` });
    await world.service.createApplication(recruiter('globex'), { id: 'b-globex', jobId: 'job-1', candidateId: 'cand-g' });
    await world.service.createStage(recruiter(), 'b-3', { type: 'disqualified', data: { reason: 'earlier', notifyCandidate: false } });
  });
  afterAll(() => world.stop());
  beforeEach(() => world.gate.set('on'));

  it('disqualifies each application in its own write and reports every outcome', async () => {
    const globexBefore = await world.raw('b-globex');
    const result = await world.service.runBatch(recruiter(), {
      operation: 'disqualify',
      applicationIds: ['b-1', 'b-globex', 'b-missing', 'b-3', 'b-2'],
      disqualification: { reason: 'Role closed', notifyCandidate: true, candidateMessage: 'Thank you' },
    });
    expect(batchResultSchema.parse(result)).toMatchObject({
      operation: 'disqualify',
      succeeded: 2,
      failed: 3,
      items: [
        { applicationId: 'b-1', status: 'succeeded', stageId: expect.any(String) },
        { applicationId: 'b-globex', status: 'failed', error: { code: 'APPLICATION.NOT_FOUND' } },
        { applicationId: 'b-missing', status: 'failed', error: { code: 'APPLICATION.NOT_FOUND' } },
        { applicationId: 'b-3', status: 'failed', error: { code: 'APPLICATION.CLOSED' } },
        { applicationId: 'b-2', status: 'succeeded', stageId: expect.any(String) },
      ],
    });
    for (const item of result.items.filter((i) => i.status === 'succeeded')) {
      const stored = await world.raw(item.applicationId);
      expect(stored?.['stages']).toEqual([expect.objectContaining({ id: item.stageId, type: 'disqualified', data: { reason: 'Role closed', notifyCandidate: true, candidateMessage: 'Thank you' } })]);
      expect(typeof stored?.['closedAt']).toBe('string');
    }
    expect(await world.raw('b-globex')).toEqual(globexBefore);
  });

  it('creates the same stage on each application', async () => {
    for (const id of ['c-1', 'c-2']) await world.service.createApplication(recruiter(), { id, jobId: 'job-2', candidateId: 'cand-c' });
    const result = await world.service.runBatch(recruiter(), { operation: 'create_stage', applicationIds: ['c-1', 'c-2'], stage: { type: 'assignment', data: { instructions: 'Take-home' } } });
    expect(result).toMatchObject({ succeeded: 2, failed: 0 });
    for (const id of ['c-1', 'c-2']) expect((await world.raw(id))?.['stages']).toEqual([expect.objectContaining({ type: 'assignment', status: 'awaiting_candidate' })]);
  });

  it('refuses a disabled flag before touching any application', async () => {
    await world.service.createApplication(recruiter(), { id: 'd-1', jobId: 'job-3', candidateId: 'cand-d' });
    const before = await world.raw('d-1');
    const body: BatchBody = { operation: 'disqualify', applicationIds: ['d-1'], disqualification: { reason: 'x', notifyCandidate: false } };
    world.gate.set('off');
    expect((await domainErrorOf(world.service.runBatch(recruiter(), body))).code).toBe('FEATURE.DISABLED');
    expect(await world.raw('d-1')).toEqual(before);
  });

  it('keeps at most `concurrency` items in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    class SlowReads extends CosmosApplicationRepository {
      override async get(tenantId: string, id: string): Promise<StoredApplication | undefined> {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        try {
          return await super.get(tenantId, id);
        } finally {
          inFlight -= 1;
        }
      }
    }
    const ids = Array.from({ length: 12 }, (_, i) => `e-${i}`);
    for (const id of ids) await world.service.createApplication(recruiter(), { id, jobId: 'job-4', candidateId: 'cand-e' });
    const repository = new SlowReads({ database: world.cosmos.database });
    const deps = { ...world.deps, applications: repository, mutator: new ApplicationMutator({ repository, flags: world.gate, clock: systemClock, signer: testChainSigner, published: { isPublished: async () => false } }) };
    const result = await runBatch(deps, recruiter(), { operation: 'create_stage', applicationIds: ids, stage: { type: 'offer_accepted', data: {} } }, { concurrency: 3 });
    expect(result.succeeded).toBe(12);
    expect(peak).toBe(3);
  });

  it('mapBounded keeps input order', async () => {
    expect(await mapBounded([30, 10, 20], 2, async (ms) => new Promise<number>((resolve) => setTimeout(() => resolve(ms), ms)))).toEqual([30, 10, 20]);
  });
});
