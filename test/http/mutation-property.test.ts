import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevRole } from '../../local/dev-issuer.ts';
import { stageActions } from '../../shared/stages/domain/stage-action.schema.ts';
import { stageTypes } from '../../shared/stages/domain/stage.model.ts';
import { offerLetter, startApiStack, type ApiStack } from '../support/stage-api.ts';

/**
 * Random bodies and actions on every mutation route: never a 5xx, and a 4xx never writes
 * (the stored documents are compared before and after each request).
 */
describe('mutation routes under random input', () => {
  let api: ApiStack;
  let applicationId: string;
  let stageIds: string[];
  const roles: DevRole[] = ['candidate', 'recruiter', 'interviewer', 'admin'];

  beforeAll(async () => {
    api = await startApiStack();
    const rec = await api.as('recruiter', 'acme', 'rec-1');
    applicationId = (await api.call('/applications', { token: rec, json: { jobId: 'job-prop', candidateId: 'cand-1' } })).body.id;
    const bodies = [
      { type: 'live_interview', data: { recruiterId: 'rec-1' } },
      { type: 'assignment', data: { instructions: 'Solve it' } },
      { type: 'offer_accepted', data: {} },
    ];
    stageIds = [];
    for (const body of bodies) stageIds.push((await api.call(`/applications/${applicationId}/stages`, { token: rec, json: body })).body.stage.id);
    // An offer needs a verified letter: seeded through code, as the documents capability would.
    stageIds.push(await api.seedStage(applicationId, { type: 'offer', data: { offerLetter } }));
  });
  afterAll(() => api.stop());

  const role = fc.constantFrom(...roles);
  const tenant = fc.constantFrom('acme', 'acme', 'globex');
  const jsonText = fc.oneof(
    fc.json({ maxDepth: 3 }),
    fc.string({ maxLength: 40 }),
    fc.constantFrom('', '{', 'null', '[]', '{"__proto__":{"polluted":1}}', '{"rating":1e400}'),
  );
  const nearStage = fc.record(
    { type: fc.constantFrom(...stageTypes, 'unknown'), title: fc.option(fc.string({ maxLength: 220 })), visibleToCandidate: fc.anything(), data: fc.dictionary(fc.constantFrom('recruiterId', 'instructions', 'offerLetter', 'reason', 'notifyCandidate', 'dueAt', 'expiresAt', 'mode'), fc.oneof(fc.string(), fc.boolean(), fc.integer(), fc.constant(offerLetter))) },
    { requiredKeys: ['type'] },
  );
  const nearFeedback = fc.record({ rating: fc.oneof(fc.integer({ min: -2, max: 8 }), fc.double(), fc.string()), recommendation: fc.constantFrom('yes', 'no', 'strong_yes', 'maybe', ''), notes: fc.option(fc.string({ maxLength: 50 })) }, { requiredKeys: [] });
  const nearPayload = fc.dictionary(
    fc.constantFrom('slotId', 'scheduledCallId', 'reason', 'submission', 'document', 'artifact', 'note', 'preferredSlotIds'),
    fc.oneof(fc.string({ maxLength: 20 }), fc.constant(offerLetter), fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }), fc.integer()),
  );
  const body = (structured: fc.Arbitrary<unknown>) => fc.oneof(jsonText, structured.map((value) => JSON.stringify(value)));

  async function check(path: string, text: string, who: { role: DevRole; tenant: string }): Promise<void> {
    const token = await api.as(who.role, who.tenant, who.role === 'candidate' ? 'cand-1' : `${who.role}-1`);
    const before = await api.settled(applicationId);
    const ids = await api.applicationIds();
    const response = await api.call(path, { token, method: 'POST', body: text, headers: { 'content-type': 'application/json' } });
    expect(response.status, `${path} ${text} → ${JSON.stringify(response.body)}`).toBeLessThan(500);
    if (response.status >= 400) {
      expect(await api.raw(applicationId)).toEqual(before);
      expect(await api.applicationIds()).toEqual(ids);
      if (response.body !== undefined) expect(typeof response.body.code).toBe('string');
    }
  }

  const stageId = () => fc.oneof(fc.constantFrom(...stageIds), fc.string({ minLength: 1, maxLength: 12 }));
  const runs = { numRuns: 40 };

  it('POST /applications', async () => {
    const nearApplication = fc.record({ jobId: fc.string({ maxLength: 3 }), candidateId: fc.string({ maxLength: 3 }), id: fc.string({ maxLength: 6 }), legacyStatus: fc.constantFrom('hired', 'applied', 'bogus'), legacyScheduledCallId: fc.string() }, { requiredKeys: [] });
    await fc.assert(fc.asyncProperty(body(nearApplication), role, tenant, async (text, r, t) => check('/applications', text, { role: r, tenant: t })), runs);
  });

  it('POST /applications/{id}/stages', async () => {
    await fc.assert(fc.asyncProperty(body(nearStage), role, tenant, async (text, r, t) => check(`/applications/${applicationId}/stages`, text, { role: r, tenant: t })), runs);
  });

  it('POST /applications/{id}/stages/{stageId}/actions/{action}', async () => {
    const action = fc.oneof(fc.constantFrom(...stageActions), fc.string({ minLength: 1, maxLength: 10 }));
    await fc.assert(
      fc.asyncProperty(body(nearPayload), stageId(), action, role, tenant, async (text, stage, act, r, t) =>
        check(`/applications/${applicationId}/stages/${encodeURIComponent(stage)}/actions/${encodeURIComponent(act)}`, text, { role: r, tenant: t }),
      ),
      { numRuns: 80 },
    );
  });

  it('POST /applications/{id}/stages/{stageId}/feedback', async () => {
    await fc.assert(
      fc.asyncProperty(body(nearFeedback), stageId(), role, tenant, async (text, stage, r, t) =>
        check(`/applications/${applicationId}/stages/${encodeURIComponent(stage)}/feedback`, text, { role: r, tenant: t }),
      ),
      runs,
    );
  });

  it('POST /applications/batch', async () => {
    const nearBatch = fc.record({
      operation: fc.constantFrom('disqualify', 'create_stage', 'delete'),
      applicationIds: fc.array(fc.oneof(fc.constant('missing-app'), fc.string({ maxLength: 5 })), { maxLength: 4 }),
      disqualification: fc.record({ reason: fc.string({ maxLength: 5 }), notifyCandidate: fc.anything() }, { requiredKeys: [] }),
      stage: nearStage,
    }, { requiredKeys: [] });
    await fc.assert(fc.asyncProperty(body(nearBatch), role, tenant, async (text, r, t) => check('/applications/batch', text, { role: r, tenant: t })), runs);
  });
});
