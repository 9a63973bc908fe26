import { beforeEach, describe, expect, it } from 'vitest';
import { applicationPageSchema, applicationViewSchema, stageResponseSchema } from '../../shared/stages/api/application-views.schema.ts';
import { startApiStack, type ApiStack } from '../support/stage-api.ts';
import { useResource } from '../support/use-resource.ts';

/**
 * Application ids are unique per tenant: storage is keyed `[tenantId, applicationId]`, so two
 * tenants can hold the same id, and neither can tell from any answer that the other does.
 */
describe('tenant-scoped storage through the local host', () => {
  const stack = useResource('all', () => startApiStack(), (api) => api.stop());
  let api: ApiStack;
  let acme: string;
  let globex: string;
  beforeEach(async () => {
    api = stack();
    [acme, globex] = await Promise.all([api.as('recruiter', 'acme', 'rec-1'), api.as('recruiter', 'globex', 'rec-1')]);
    await api.setFlag('on');
  });

  it('two tenants create the same application id, each gets 201 and its own document, stages, events and timeline', async () => {
    const first = await api.call('/applications', { token: acme, json: { id: 'shared-1', jobId: 'job-a', candidateId: 'cand-a' } });
    const second = await api.call('/applications', { token: globex, json: { id: 'shared-1', jobId: 'job-g', candidateId: 'cand-g' } });
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(applicationViewSchema.parse(first.body)).toMatchObject({ id: 'shared-1', jobId: 'job-a', candidateId: 'cand-a' });
    expect(applicationViewSchema.parse(second.body)).toMatchObject({ id: 'shared-1', jobId: 'job-g', candidateId: 'cand-g' });
    // Within one tenant the id stays unique.
    expect(await api.call('/applications', { token: acme, json: { id: 'shared-1', jobId: 'job-x', candidateId: 'cand-x' } })).toMatchObject({ status: 409, body: { code: 'APPLICATION.ALREADY_EXISTS' } });

    const acmeStage = await api.call('/applications/shared-1/stages', { token: acme, json: { type: 'assignment', data: { instructions: 'acme task' } } });
    expect(acmeStage.status).toBe(201);
    const acmeStageId = stageResponseSchema.parse(acmeStage.body).stage.id;

    expect(await api.raw('shared-1', 'acme')).toMatchObject({ tenantId: 'acme', jobId: 'job-a', eventSeq: 1, stages: [expect.objectContaining({ id: acmeStageId })] });
    expect(await api.raw('shared-1', 'globex')).toMatchObject({ tenantId: 'globex', jobId: 'job-g', eventSeq: 0, stages: [] });

    // Each reads its own; the other tenant's stage does not exist for globex.
    expect((await api.call('/applications/shared-1', { token: globex })).body).toMatchObject({ jobId: 'job-g', stages: [] });
    expect(await api.call(`/applications/shared-1/stages/${acmeStageId}`, { token: globex })).toMatchObject({ status: 404 });
    expect(await api.call(`/applications/shared-1/stages/${acmeStageId}/actions/pass`, { token: globex, json: {} })).toMatchObject({ status: 404 });

    // Events carry the tenant in their id: the same seq of the same application id in two tenants are two events.
    await api.call('/applications/shared-1/stages', { token: globex, json: { type: 'assignment', data: { instructions: 'globex task' } } });
    await api.settled('shared-1', 'acme');
    await api.settled('shared-1', 'globex');
    const eventIds = api.sent.filter((message) => message.entity === 'stage-events').map((message) => message.messageId);
    expect(eventIds).toEqual(expect.arrayContaining(['acme:shared-1:1', 'globex:shared-1:1']));

    const acmeTimeline = await api.call('/applications/shared-1/timeline', { token: acme });
    const globexTimeline = await api.call('/applications/shared-1/timeline', { token: globex });
    expect((acmeTimeline.body as { items: Array<{ id: string; event: { stageId: string } }> }).items.map((entry) => [entry.id, entry.event.stageId])).toEqual([['acme:shared-1:1', acmeStageId]]);
    expect((globexTimeline.body as { items: Array<{ id: string }> }).items.map((entry) => entry.id)).toEqual(['globex:shared-1:1']);
    expect((await api.call('/applications/shared-1/timeline/verify', { token: acme })).body).toEqual({ valid: true, anchored: true, entries: 1 });
    expect((await api.call('/applications/shared-1/timeline/verify', { token: globex })).body).toEqual({ valid: true, anchored: true, entries: 1 });
  });

  it('the board of a tenant lists its own applications only, however many other tenants hold', async () => {
    for (let n = 0; n < 3; n += 1) await api.call('/applications', { token: acme, json: { id: `board-${n}`, jobId: 'job-board', candidateId: `cand-${n}` } });
    for (let n = 0; n < 5; n += 1) await api.call('/applications', { token: globex, json: { id: `board-${n}`, jobId: 'job-board', candidateId: `other-${n}` } });
    const page = await api.call('/applications?jobId=job-board&limit=2', { token: acme });
    expect(page.status).toBe(200);
    const first = applicationPageSchema.parse(page.body);
    const all = [...first.items];
    let token = first.continuationToken;
    while (token !== undefined) {
      const next = applicationPageSchema.parse((await api.call(`/applications?jobId=job-board&limit=2&continuationToken=${encodeURIComponent(token)}`, { token: acme })).body);
      all.push(...next.items);
      token = next.continuationToken;
    }
    expect(all.map((item) => item.candidateId).sort()).toEqual(['cand-0', 'cand-1', 'cand-2']);
  });
});
