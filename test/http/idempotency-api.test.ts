import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idempotencyRecordKey } from '../../shared/platform/idempotency/idempotency.ts';
import { startApiStack, type ApiStack } from '../support/stage-api.ts';

describe('Idempotency-Key on POST routes', () => {
  let api: ApiStack;
  let rec: string;
  beforeAll(async () => {
    api = await startApiStack();
    rec = await api.as('recruiter', 'acme', 'rec-1');
  });
  afterAll(() => api.stop());

  const record = async (key: string, sub = 'rec-1', role = 'recruiter') => {
    const id = idempotencyRecordKey('acme', sub, role, key);
    return (await api.host.services.database.container('idempotency').item(id, id).read()).resource;
  };

  it('replays the first response with idempotent-replayed: true and creates one application', async () => {
    const before = await api.applicationIds();
    const headers = { 'idempotency-key': 'create-1' };
    const first = await api.call('/applications', { token: rec, json: { jobId: 'job-1', candidateId: 'cand-1' }, headers });
    const replay = await api.call('/applications', { token: rec, json: { candidateId: 'cand-1', jobId: 'job-1' }, headers });
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(replay).toMatchObject({ status: 201, body: first.body });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.headers.get('location')).toBe(first.headers.get('location'));
    expect(await api.applicationIds()).toEqual([...before, first.body.id].sort());
    expect(await record('create-1')).toMatchObject({ state: 'completed', ttl: 86_400, response: { status: 201 } });
  });

  it('answers 422 IDEMPOTENCY.KEY_REUSED for the same key with another body or path, writing nothing', async () => {
    const app = (await api.call('/applications', { token: rec, json: { jobId: 'job-1', candidateId: 'cand-1' } })).body;
    const headers = { 'idempotency-key': 'stage-1' };
    const created = await api.call(`/applications/${app.id}/stages`, { token: rec, json: { type: 'offer_accepted', data: {} }, headers });
    expect(created.status).toBe(201);
    const before = await api.settled(app.id);
    const ids = (await api.applicationIds()).length;
    const otherBody = await api.call(`/applications/${app.id}/stages`, { token: rec, json: { type: 'offer_accepted', title: 'Other', data: {} }, headers });
    expect(otherBody).toMatchObject({ status: 422, body: { code: 'IDEMPOTENCY.KEY_REUSED' } });
    const otherPath = await api.call('/applications', { token: rec, json: { jobId: 'job-1', candidateId: 'cand-1' }, headers });
    expect(otherPath.status).toBe(422);
    expect(await api.raw(app.id)).toEqual(before);
    expect((await api.applicationIds()).length).toBe(ids);
  });

  it('does not pin errors: after a refused request the same key runs again', async () => {
    const app = (await api.call('/applications', { token: rec, json: { jobId: 'job-1', candidateId: 'cand-1' } })).body;
    const { stage } = (await api.call(`/applications/${app.id}/stages`, { token: rec, json: { type: 'offer_accepted', data: {} } })).body;
    const headers = { 'idempotency-key': 'complete-1' };
    const cand = await api.as('candidate', 'acme', 'cand-1');
    await api.setFlag('off');
    const refused = await api.call(`/applications/${app.id}/stages/${stage.id}/actions/complete`, { token: cand, method: 'POST', headers });
    expect(refused.status).toBe(403);
    expect(await record('complete-1', 'cand-1')).toBeUndefined();
    await api.setFlag('on');
    const done = await api.call(`/applications/${app.id}/stages/${stage.id}/actions/complete`, { token: cand, method: 'POST', headers });
    expect(done).toMatchObject({ status: 200, body: { stage: { status: 'completed' } } });
    expect((await api.raw(app.id))?.['stages'][0].status).toBe('completed');
    const replay = await api.call(`/applications/${app.id}/stages/${stage.id}/actions/complete`, { token: cand, method: 'POST', headers });
    expect(replay).toMatchObject({ status: 200, body: done.body });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
  });

  it('answers 503 DEPENDENCY.UNAVAILABLE with Retry-After when Cosmos DB throttles the idempotency store, creating nothing', async () => {
    const before = await api.applicationIds();
    const headers = { 'idempotency-key': 'throttled-1' };
    const throttled = api.host.cosmosFaults.inject({ status: 429, container: 'idempotency', retryAfterMs: 5 });
    try {
      const refused = await api.call('/applications', { token: rec, json: { jobId: 'job-1', candidateId: 'cand-9' }, headers });
      expect(refused).toMatchObject({ status: 503, body: { code: 'DEPENDENCY.UNAVAILABLE', retry: { after: 1 } } });
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(throttled.hits).toBe(10); // the SDK's own 9 retries first
    } finally {
      throttled.remove();
    }
    expect(await api.applicationIds()).toEqual(before);
    expect(await record('throttled-1')).toBeUndefined();
    const retried = await api.call('/applications', { token: rec, json: { jobId: 'job-1', candidateId: 'cand-9' }, headers });
    expect(retried.status).toBe(201);
    expect(await api.applicationIds()).toEqual([...before, retried.body.id].sort());
  });

  it('answers 503 DEPENDENCY.UNAVAILABLE when Cosmos DB is unavailable for the application create, and releases the key', async () => {
    const before = await api.applicationIds();
    const headers = { 'idempotency-key': 'outage-1' };
    const outage = api.host.cosmosFaults.inject({ status: 503, container: 'applications', operation: 'create' });
    try {
      const refused = await api.call('/applications', { token: rec, json: { jobId: 'job-1', candidateId: 'cand-8' }, headers });
      expect(refused).toMatchObject({ status: 503, body: { code: 'DEPENDENCY.UNAVAILABLE', retry: { after: 1 } } });
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(outage.hits).toBe(1); // a write on a single-region account is not retried by the SDK
    } finally {
      outage.remove();
    }
    expect(await api.applicationIds()).toEqual(before);
    expect(await record('outage-1')).toBeUndefined();
  });

  it('scopes keys per caller and rejects malformed keys', async () => {
    const headers = { 'idempotency-key': 'shared-key' };
    const one = await api.call('/applications', { token: rec, json: { jobId: 'job-1', candidateId: 'c' }, headers });
    const other = await api.call('/applications', { token: await api.as('recruiter', 'acme', 'rec-2'), json: { jobId: 'job-1', candidateId: 'c' }, headers });
    expect([one.status, other.status]).toEqual([201, 201]);
    expect(other.body.id).not.toBe(one.body.id);
    const bad = await api.call('/applications', { token: rec, json: { jobId: 'job-1', candidateId: 'c' }, headers: { 'idempotency-key': 'has space' } });
    expect(bad).toMatchObject({ status: 400, body: { code: 'REQUEST.INVALID', details: { issues: [{ path: 'Idempotency-Key' }] } } });
  });

  it('never replays a response to the same subject acting in another role, and authorises the replay like any request', async () => {
    // One person holds a recruiter token and a candidate token with the same subject.
    const asRecruiter = await api.as('recruiter', 'acme', 'dual-1');
    const asCandidate = await api.as('candidate', 'acme', 'dual-1');
    const app = (await api.call('/applications', { token: asRecruiter, json: { jobId: 'job-1', candidateId: 'dual-1' } })).body;
    const stage = (
      await api.call(`/applications/${app.id}/stages`, { token: asRecruiter, json: { type: 'assignment', internalNotes: 'Staff only: weak referee', data: { instructions: 'Build it' } } })
    ).body.stage;
    const headers = { 'idempotency-key': 'cancel-1' };
    const path = `/applications/${app.id}/stages/${stage.id}/actions/cancel`;
    const staffAnswer = await api.call(path, { token: asRecruiter, json: {}, headers });
    expect(staffAnswer.status).toBe(200);
    expect(JSON.stringify(staffAnswer.body)).toContain('weak referee');
    const before = await api.settled(app.id);

    // The same request, the same key, as the candidate: run as the candidate's own request (the lifecycle refuses it), never the staff answer replayed.
    const replayAttempt = await api.call(path, { token: asCandidate, json: {}, headers });
    expect(replayAttempt).toMatchObject({ status: 403, body: { code: 'AUTH.FORBIDDEN' } });
    expect(replayAttempt.headers.get('idempotent-replayed')).toBeNull();
    expect(JSON.stringify(replayAttempt.body)).not.toContain('weak referee');
    // A route the candidate's role may not call at all: refused before the key is looked at.
    const create = await api.call(`/applications/${app.id}/stages`, { token: asCandidate, json: { type: 'offer_accepted', data: {} }, headers });
    expect(create).toMatchObject({ status: 403, body: { code: 'AUTH.FORBIDDEN', details: { operation: 'stages.createStage' } } });
    // The staff record is keyed by the role it was made in; the candidate's failed attempt pinned nothing.
    expect(await record('cancel-1', 'dual-1', 'recruiter')).toMatchObject({ state: 'completed' });
    expect(await record('cancel-1', 'dual-1', 'candidate')).toBeUndefined();
    // The recruiter's own retry still replays.
    const retry = await api.call(path, { token: asRecruiter, json: {}, headers });
    expect(retry).toMatchObject({ status: 200, body: staffAnswer.body });
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await api.raw(app.id)).toEqual(before);
  });
});
