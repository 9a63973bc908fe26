import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applicationPageSchema } from '../../../shared/stages/api/application-views.schema.ts';
import { listApplicationsQuerySchema } from '../../../shared/stages/api/application-requests.schema.ts';
import { candidate, document, documentId, domainErrorOf, interviewer, recruiter, startStageServiceWorld, type StageServiceWorld } from '../../support/stage-service-fixtures.ts';

const query = (input: Record<string, unknown> = {}) => listApplicationsQuerySchema.parse(input);

describe('StageService board', () => {
  let world: StageServiceWorld;
  beforeAll(async () => {
    world = await startStageServiceWorld();
    const acme = recruiter('acme');
    for (let i = 0; i < 5; i += 1) {
      await world.service.createApplication(acme, { id: `board-${i}`, jobId: i % 2 === 0 ? 'job-even' : 'job-odd', candidateId: `cand-${i}` });
    }
    await world.service.createStage(acme, 'board-0', { type: 'offer', data: { offerLetter: documentId } });
    const offer = await world.service.createStage(acme, 'board-2', { type: 'offer', data: { offerLetter: documentId } });
    await world.service.applyAction(candidate('acme', 'cand-2'), 'board-2', offer.stage.id, 'accept', {});
    await world.service.createApplication(acme, { id: 'board-legacy', jobId: 'job-even', candidateId: 'cand-9', legacyStatus: 'hired' });
    await world.service.createApplication(recruiter('globex'), { id: 'board-globex', jobId: 'job-even', candidateId: 'cand-0' });
    await world.service.createStage(recruiter('globex'), 'board-globex', { type: 'offer', data: { offerLetter: documentId } });
  });
  afterAll(() => world.stop());
  beforeEach(() => world.gate.set('on'));

  const ids = (page: { items: readonly { id: string }[] }) => page.items.map((item) => item.id).sort();

  it('lists only the caller\'s tenant, newest first, and paginates with a continuation token', async () => {
    const all = await world.service.listApplications(interviewer(), query());
    expect(applicationPageSchema.parse(all).items.map((item) => item.id)).toEqual(['board-legacy', 'board-4', 'board-3', 'board-2', 'board-1', 'board-0']);

    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await world.service.listApplications(recruiter(), query({ limit: 4, ...(token ? { continuationToken: token } : {}) }));
      expect(page.items.length).toBeLessThanOrEqual(4);
      seen.push(...page.items.map((item) => item.id));
      token = page.continuationToken;
      pages += 1;
    } while (token !== undefined && pages < 10);
    expect(seen).toEqual(all.items.map((item) => item.id));
    expect(pages).toBeGreaterThan(1);
  });

  it('filters by job and by stage type/status, matching legacy stages of imported applications', async () => {
    expect(ids(await world.service.listApplications(recruiter(), query({ jobId: 'job-odd' })))).toEqual(['board-1', 'board-3']);
    expect(ids(await world.service.listApplications(recruiter(), query({ stageType: 'offer' })))).toEqual(['board-0', 'board-2', 'board-legacy']);
    expect(ids(await world.service.listApplications(recruiter(), query({ stageType: 'offer', stageStatus: 'accepted' })))).toEqual(['board-2', 'board-legacy']);
    expect(ids(await world.service.listApplications(recruiter(), query({ stageStatus: 'awaiting_candidate' })))).toEqual(['board-0']);
  });

  it('filters on legacy stages for every application while the flag is off', async () => {
    world.gate.set('off');
    const page = await world.service.listApplications(recruiter(), query({ stageType: 'offer' }));
    expect(ids(page)).toEqual(['board-legacy']);
    expect(page.items.every((item) => item.model === 'legacy')).toBe(true);
  });

  it('refuses a forged continuation token', async () => {
    const error = await domainErrorOf(world.service.listApplications(recruiter(), query({ continuationToken: 'bm90LWEtdG9rZW4' })));
    expect(error).toMatchObject({ code: 'REQUEST.INVALID', details: { issues: [{ path: 'continuationToken' }] } });
  });
});
