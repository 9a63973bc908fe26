import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDevClaims } from '../../local/dev-issuer.ts';
import { startApiStack, type ApiStack } from '../support/stage-api.ts';

/**
 * Tokens signed with the development key (so the signature is valid) whose claims are hostile:
 * wrong types, lengths, characters, missing or extra roles, odd times. Every answer is 401 or
 * 403 (or the success a well-formed token earns), never a 5xx, and a refused token writes nothing.
 */
describe('hostile token claims', () => {
  let api: ApiStack;
  let applicationId: string;
  beforeAll(async () => {
    api = await startApiStack();
    const rec = await api.as('recruiter', 'acme', 'rec-1');
    applicationId = (await api.call('/applications', { token: rec, json: { jobId: 'job-t', candidateId: 'cand-1' } })).body.id;
  });
  afterAll(() => api.stop());

  const now = () => Math.floor(Date.now() / 1000);
  const hostileString = fc.oneof(
    fc.string({ maxLength: 20 }),
    fc.string({ minLength: 129, maxLength: 400 }),
    fc.constantFrom('', ' ', 'a\u0000b', 'x\u202Ey', '\uD800', 'acme|other', 'acme/../x', '名前', 'a'.repeat(65), 'acme'),
  );
  const claimValue = fc.oneof(hostileString, fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }), fc.object({ maxDepth: 1 }));
  const roles = fc.oneof(
    fc.constant(undefined),
    fc.array(fc.constantFrom('recruiter', 'candidate', 'admin', 'interviewer', 'superuser', 'Recruiter', ''), { maxLength: 10 }),
    claimValue,
  );
  const claims = fc.record(
    {
      sub: fc.oneof(claimValue, fc.constant('rec-1')),
      tid: fc.oneof(claimValue, fc.constant('acme')),
      roles,
      exp: fc.oneof(fc.constant('later'), fc.integer({ min: -3600, max: 3600 }).map((delta) => now() + delta), fc.constant(undefined)),
      iat: fc.oneof(fc.integer({ min: -90_000, max: 3_600 }).map((delta) => now() + delta), fc.constant(undefined), fc.constant('now')),
      name: fc.oneof(fc.constant(undefined), claimValue),
    },
    { requiredKeys: [] },
  );

  it('never answers a 5xx and never writes on a refused token, on reads and mutations', { timeout: 120_000 }, async () => {
    const before = await api.settled(applicationId);
    const ids = await api.applicationIds();
    await fc.assert(
      fc.asyncProperty(claims, fc.constantFrom('read', 'create', 'stage', 'board'), async (claimSet, route) => {
        const defined = Object.fromEntries(Object.entries(claimSet).filter(([, value]) => value !== undefined));
        const token = await signDevClaims(api.dataDir, defined);
        const request =
          route === 'read'
            ? api.call(`/applications/${applicationId}`, { token })
            : route === 'board'
              ? api.call('/applications', { token })
              : route === 'create'
                ? api.call('/applications', { token, json: { jobId: 'job-t', candidateId: 'cand-x' } })
                : api.call(`/applications/${applicationId}/stages`, { token, json: { type: 'offer_accepted', data: {} } });
        const answer = await request;
        expect(answer.status, JSON.stringify({ defined, body: answer.body })).toBeLessThan(500);
        if (answer.status >= 400) expect(['AUTH.UNAUTHENTICATED', 'AUTH.FORBIDDEN', 'APPLICATION.NOT_FOUND']).toContain(answer.body.code);
        if (answer.status === 401) expect(answer.headers.get('www-authenticate')).toBe('Bearer');
      }),
      { numRuns: 120 },
    );
    // Only well-formed tokens can have written: the fixture's application is untouched unless a valid recruiter of acme came up.
    const after = await api.raw(applicationId);
    for (const stage of (after?.['stages'] as { createdBy: { id: string } }[]) ?? []) expect(stage.createdBy.id).toBe('rec-1');
    for (const id of await api.applicationIds()) {
      if (ids.includes(id)) continue;
      const created = await api.raw(id);
      expect(created?.['tenantId']).toBe('acme');
      // Created by rec-1 of acme: as its recruiter (listed), or as an admin (an admin's application lists no recruiter).
      expect([['rec-1'], []]).toContainEqual(created?.['recruiterIds']);
    }
    expect((before?.['stages'] as unknown[]).length).toBeLessThanOrEqual((after?.['stages'] as unknown[]).length);
  });

  it('refuses each claim that does not fit with 401 and stores nothing (the attacks that once corrupted an application)', async () => {
    const before = await api.settled(applicationId);
    const ids = await api.applicationIds();
    const valid = { sub: 'rec-1', tid: 'acme', roles: ['recruiter'], exp: now() + 600, iat: now() };
    for (const bad of [
      { sub: 123 },
      { sub: ['x'] },
      { sub: 'r'.repeat(300) },
      { sub: 'rec\u0000-1' },
      { tid: 't'.repeat(200) },
      { tid: 'acme|globex' },
      { roles: 'recruiter' },
      { roles: ['recruiter', 'superuser'] },
      { exp: undefined },
      { iat: undefined },
      { iat: now() + 3600 },
      { iat: now() - 3 * 86_400, exp: now() + 600 },
      { name: 'x\u202Ey' },
    ]) {
      const token = await signDevClaims(api.dataDir, Object.fromEntries(Object.entries({ ...valid, ...bad }).filter(([, v]) => v !== undefined)));
      for (const answer of [
        await api.call(`/applications/${applicationId}/stages`, { token, json: { type: 'offer_accepted', data: {} } }),
        await api.call(`/applications/${applicationId}`, { token }),
        await api.call('/applications', { token }),
      ]) {
        expect(answer, JSON.stringify(bad)).toMatchObject({ status: 401, body: { code: 'AUTH.UNAUTHENTICATED' } });
      }
    }
    expect(await api.raw(applicationId)).toEqual(before);
    expect(await api.applicationIds()).toEqual(ids);
    // The well-formed token still works, and the scheme is case-insensitive (RFC 7235).
    const token = await signDevClaims(api.dataDir, valid);
    expect((await api.call(`/applications/${applicationId}`, { headers: { authorization: `bearer ${token}` } })).status).toBe(200);
    expect((await api.call(`/applications/${applicationId}`, { headers: { authorization: `BEARER  ${token}` } })).status).toBe(200);
  });
});
