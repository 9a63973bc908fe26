import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  applicationPageSchema, applicationViewSchema, batchResultSchema, feedbackResponseSchema, stageResponseSchema,
} from '../../shared/stages/api/application-views.schema.ts';
import { offerLetter, startApiStack, type ApiStack } from '../support/stage-api.ts';
import { scheduledCall } from '../shared/stages/stage-fixtures.ts';

describe('stage API through the local host', () => {
  let api: ApiStack;
  let rec: string;
  let cand: string;
  let int: string;
  beforeAll(async () => {
    api = await startApiStack();
    rec = await api.as('recruiter', 'acme', 'rec-1');
    cand = await api.as('candidate', 'acme', 'cand-1');
    int = await api.as('interviewer', 'acme', 'int-1');
  });
  afterAll(() => api.stop());
  beforeEach(() => api.setFlag('on'));

  it('runs an application through every route and stores each change', async () => {
    const created = await api.call('/applications', { token: rec, json: { jobId: 'job-1', candidateId: 'cand-1' } });
    expect(created.status).toBe(201);
    const id = applicationViewSchema.parse(created.body).id;
    expect(created.headers.get('location')).toBe(`/api/applications/${id}`);
    expect(await api.raw(id)).toMatchObject({ tenantId: 'acme', candidateId: 'cand-1', recruiterIds: ['rec-1'], stages: [] });

    const interview = await api.call(`/applications/${id}/stages`, { token: rec, json: { type: 'live_interview', data: { recruiterId: 'rec-1', interviewerIds: ['int-1'] } } });
    expect(interview.status).toBe(201);
    const stageId = stageResponseSchema.parse(interview.body).stage.id;
    expect(interview.headers.get('location')).toBe(`/api/applications/${id}/stages/${stageId}`);
    expect((await api.raw(id))?.['stages']).toEqual([expect.objectContaining({ id: stageId, status: 'awaiting_candidate' })]);

    // Scheduling is the scheduling capability's: the generic route names the route to use and changes nothing.
    const before = await api.settled(id);
    const direct = await api.call(`/applications/${id}/stages/${stageId}/actions/schedule`, { token: cand, json: { slotId: 'slot-1', scheduledCallId: 'call-1' } });
    expect(direct).toMatchObject({
      status: 409,
      body: { code: 'STAGE.ACTION_NOT_DIRECT', details: { action: 'schedule', owner: 'scheduling', use: 'POST /api/applications/{applicationId}/stages/{stageId}/schedule' } },
    });
    expect(await api.raw(id)).toEqual(before);
    const scheduled = await api.host.services.stages.useCases.applyOwnedAction({ tenantId: 'acme', actor: { role: 'candidate', id: 'cand-1' } }, id, stageId, 'schedule', { slotId: 'slot-1', scheduledCallId: 'call-1', call: scheduledCall });
    expect(stageResponseSchema.parse(scheduled).stage).toMatchObject({ status: 'scheduled', allowedActions: ['request_reschedule'] });
    expect((await api.raw(id))?.['stages'][0]).toMatchObject({ status: 'scheduled', data: { slotId: 'slot-1', scheduledCallId: 'call-1' } });

    const feedback = await api.call(`/applications/${id}/stages/${stageId}/feedback`, { token: int, json: { rating: 4, recommendation: 'yes', notes: 'Good' } });
    expect(feedback.status).toBe(201);
    const feedbackId = feedbackResponseSchema.parse(feedback.body).feedback.id;
    expect((await api.raw(id))?.['stages'][0].feedback).toEqual([expect.objectContaining({ id: feedbackId, authorId: 'int-1', rating: 4 })]);

    const stage = await api.call(`/applications/${id}/stages/${stageId}`, { token: cand });
    expect(stage.status).toBe(200);
    expect(stageResponseSchema.parse(stage.body).stage).not.toHaveProperty('feedback');

    const asCandidate = await api.call(`/applications/${id}`, { token: cand });
    expect(applicationViewSchema.parse(asCandidate.body)).toMatchObject({ view: 'candidate', model: 'stages', stages: [{ id: stageId }] });
    expect(JSON.stringify(asCandidate.body)).not.toContain('int-1');

    const board = await api.call('/applications?jobId=job-1&stageType=live_interview&stageStatus=scheduled&limit=10', { token: int });
    expect(board.status).toBe(200);
    expect(applicationPageSchema.parse(board.body).items.map((item) => item.id)).toContain(id);

    const batch = await api.call('/applications/batch', { token: rec, json: { operation: 'disqualify', applicationIds: [id], disqualification: { reason: 'Filled', notifyCandidate: true } } });
    expect(batch.status).toBe(200);
    expect(batchResultSchema.parse(batch.body)).toMatchObject({ succeeded: 1, failed: 0, items: [{ applicationId: id, status: 'succeeded' }] });
    const stored = await api.raw(id);
    expect(stored?.['stages'].map((s: { type: string }) => s.type)).toEqual(['live_interview', 'disqualified']);
    expect(stored?.['eventSeq']).toBe(4);
  });

  it('answers 400 for malformed JSON and invalid input, writing nothing', async () => {
    const before = await api.applicationIds();
    const malformed = await api.call('/applications', { token: rec, body: '{"jobId":', headers: { 'content-type': 'application/json' } });
    expect(malformed).toMatchObject({ status: 400, body: { code: 'REQUEST.MALFORMED_JSON' } });
    const invalid = await api.call('/applications', { token: rec, json: { jobId: '', candidateId: 'c', extra: 1 } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.code).toBe('REQUEST.INVALID');
    // An unknown field is named at its own path.
    expect(invalid.body.details.issues.map((i: { path: string }) => i.path).sort()).toEqual(['extra', 'jobId']);
    const badQuery = await api.call('/applications?limit=500&stageType=offer&stageStatus=scheduled', { token: rec });
    expect(badQuery.body.details.issues.map((i: { path: string }) => i.path).sort()).toEqual(['limit', 'stageStatus']);
    // A filter the board does not have (or a misspelt one) is refused, not ignored: an unfiltered board would look like an answer.
    const unknownFilter = await api.call('/applications?candidateId=cand-1&stagetype=offer&jobId=job-1', { token: rec });
    expect(unknownFilter.status).toBe(400);
    expect(unknownFilter.body.code).toBe('REQUEST.INVALID');
    expect(unknownFilter.body.details.issues).toEqual([
      { path: 'candidateId', code: 'unrecognized_keys', message: "Unknown name 'candidateId': not one this request accepts." },
      { path: 'stagetype', code: 'unrecognized_keys', message: "Unknown name 'stagetype': not one this request accepts." },
    ]);
    expect(await api.applicationIds()).toEqual(before);

    const app = (await api.call('/applications', { token: rec, json: { jobId: 'job-1', candidateId: 'cand-1' } })).body;
    const snapshot = await api.settled(app.id);
    const badStage = await api.call(`/applications/${app.id}/stages`, { token: rec, json: { type: 'assignment', data: { instructions: 'x', dueAt: '2000-01-01T00:00:00Z' } } });
    expect(badStage).toMatchObject({ status: 400, body: { code: 'REQUEST.INVALID', details: { issues: [{ path: 'data.dueAt', code: 'not_in_future' }] } } });
    const badAction = await api.call(`/applications/${app.id}/stages/s/actions/fly`, { token: rec, json: {} });
    expect(badAction).toMatchObject({ status: 400, body: { details: { issues: [{ path: 'action' }] } } });
    expect(await api.raw(app.id)).toEqual(snapshot);
  });

  it('answers 401 without a valid token, with a WWW-Authenticate challenge', async () => {
    const expired = await api.call('/applications', {
      headers: { authorization: `Bearer ${await (await import('../../local/dev-issuer.ts')).signDevToken(api.dataDir, { role: 'recruiter', tenant: 'acme', sub: 'r', expiresInSeconds: -120 })}` },
    });
    for (const response of [await api.call('/applications'), await api.call('/applications', { headers: { authorization: 'Bearer nope' } }), expired]) {
      expect(response).toMatchObject({ status: 401, body: { code: 'AUTH.UNAUTHENTICATED' } });
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
    }
    expect((await api.call('/openapi.json')).status).toBe(200);
  });

  it('answers 404 for unknown applications, stages and routes, and 409 with allowed actions for an illegal transition', async () => {
    expect(await api.call('/applications/nope', { token: rec })).toMatchObject({ status: 404, body: { code: 'APPLICATION.NOT_FOUND' } });
    expect((await api.call('/applications/nope/stages/x/no-such-thing', { token: rec })).status).toBe(404);
    const app = (await api.call('/applications', { token: rec, json: { jobId: 'job-1', candidateId: 'cand-1' } })).body;
    expect(await api.call(`/applications/${app.id}/stages/nope`, { token: rec })).toMatchObject({ status: 404, body: { code: 'STAGE.NOT_FOUND' } });
    const stageId = await api.seedStage(app.id, { type: 'offer', data: { offerLetter } });
    const stage = { id: stageId };
    const before = await api.settled(app.id);
    const illegal = await api.call(`/applications/${app.id}/stages/${stage.id}/actions/complete`, { token: rec, method: 'POST' });
    expect(illegal).toMatchObject({ status: 409, body: { code: 'STAGE.TRANSITION_NOT_ALLOWED', details: { allowedActions: ['revoke', 'expire'] } } });
    expect(await api.raw(app.id)).toEqual(before);
  });

  it('refuses actions a capability owns on the generic route (409 naming the route), and document ids nobody verified', async () => {
    const app = (await api.call('/applications', { token: rec, json: { jobId: 'job-1', candidateId: 'cand-1' } })).body;
    const assignment = (await api.call(`/applications/${app.id}/stages`, { token: rec, json: { type: 'assignment', data: { instructions: 'Build it' } } })).body.stage;
    const onboarding = (await api.call(`/applications/${app.id}/stages`, { token: rec, json: { type: 'offer_accepted', data: {} } })).body.stage;
    const before = await api.settled(app.id);
    const submission = { documentId: 'doc-1', fileName: 'a.pdf', contentType: 'application/pdf', size: 10 };
    const submit = await api.call(`/applications/${app.id}/stages/${assignment.id}/actions/submit`, { token: cand, json: { submission } });
    expect(submit).toMatchObject({ status: 409, body: { code: 'STAGE.ACTION_NOT_DIRECT', details: { action: 'submit', owner: 'documents', use: expect.stringContaining('POST /api/uploads') } } });
    const onboard = await api.call(`/applications/${app.id}/stages/${onboarding.id}/actions/add_onboarding_document`, { token: cand, json: { document: submission } });
    expect(onboard).toMatchObject({ status: 409, body: { code: 'STAGE.ACTION_NOT_DIRECT', details: { owner: 'documents' } } });
    const approve = await api.call(`/applications/${app.id}/stages/${assignment.id}/actions/approve_reschedule`, { token: rec, json: { slotId: 's' } });
    expect(approve).toMatchObject({ status: 409, body: { code: 'STAGE.ACTION_NOT_DIRECT', details: { owner: 'scheduling', use: expect.stringContaining('/reschedule') } } });
    const documentArtifact = await api.call(`/applications/${app.id}/stages/${assignment.id}/actions/add_artifact`, { token: rec, json: { artifact: submission } });
    expect(documentArtifact).toMatchObject({ status: 400, body: { code: 'REQUEST.INVALID' } });
    for (const body of [
      { type: 'offer', data: { offerLetter: { documentId: 'doc-1' } } },
      { type: 'offer_accepted', data: { onboardingDocuments: [{ documentId: 'doc-2' }] } },
      { type: 'assignment', data: { instructions: 'x', artifacts: [{ url: 'https://example.com/a' }, { documentId: 'doc-3' }] } },
    ]) {
      const created = await api.call(`/applications/${app.id}/stages`, { token: rec, json: body });
      expect(created).toMatchObject({ status: 409, body: { code: 'DOCUMENT.NOT_FOUND' } });
    }
    const spoofed = await api.call(`/applications/${app.id}/stages`, { token: rec, json: { type: 'offer', data: { offerLetter: submission } } });
    expect(spoofed).toMatchObject({ status: 400, body: { code: 'REQUEST.INVALID' } });
    expect(await api.raw(app.id)).toEqual(before);
  });

  it('denies mutations while the flag is off (403) or unavailable (503, Retry-After), still reads, and imports', async () => {
    const app = (await api.call('/applications', { token: rec, json: { jobId: 'job-1', candidateId: 'cand-1' } })).body;
    const { stage } = (await api.call(`/applications/${app.id}/stages`, { token: rec, json: { type: 'offer_accepted', data: {} } })).body;
    const before = await api.settled(app.id);
    for (const [state, status, code] of [['off', 403, 'FEATURE.DISABLED'], ['unavailable', 503, 'FEATURE.UNAVAILABLE']] as const) {
      await api.setFlag(state);
      const denied = await api.call(`/applications/${app.id}/stages/${stage.id}/actions/complete`, { token: cand, method: 'POST' });
      expect(denied).toMatchObject({ status, body: { code } });
      if (state === 'unavailable') expect(denied.headers.get('retry-after')).toBe('5');
      expect(await api.raw(app.id)).toEqual(before);
      expect(await api.call(`/applications/${app.id}`, { token: cand })).toMatchObject({ status: 200, body: { model: 'legacy' } });
      const imported = await api.call('/applications', { token: rec, json: { jobId: 'job-9', candidateId: 'cand-1', legacyStatus: 'hired' } });
      expect(imported).toMatchObject({ status: 201, body: { model: 'legacy', stages: [{ id: 'legacy-offer' }, { id: 'legacy-offer-accepted', status: 'completed' }] } });
      expect(await api.raw(imported.body.id)).toMatchObject({ legacyStatus: 'hired', stages: [] });
    }
  });
});
