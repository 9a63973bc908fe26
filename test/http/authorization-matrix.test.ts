import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevRole } from '../../local/dev-issuer.ts';
import type { RouteDefinition } from '../../functions/http/route-definition.ts';
import { routeList, routes } from '../../functions/http/routes.ts';
import { offerLetter, startApiStack, type ApiStack } from '../support/stage-api.ts';

/**
 * Every route × role × own/other tenant × own/other candidate, with the exact status and whether
 * the application's stored document changes. Another tenant's (or candidate's) application is
 * 404, never 403; a role the route does not admit is 403 wherever the application lives.
 */
interface Caller {
  readonly role: DevRole;
  readonly ownTenant: boolean;
  /** Candidates only: whether the application is theirs. */
  readonly ownCandidate?: boolean;
}

interface Expectation {
  readonly status: number;
  readonly writes: boolean;
}

const callers: Caller[] = [
  ...[true, false].flatMap((ownTenant) => [true, false].map((ownCandidate): Caller => ({ role: 'candidate', ownTenant, ownCandidate }))),
  ...(['recruiter', 'interviewer', 'admin'] as const).flatMap((role) => [true, false].map((ownTenant): Caller => ({ role, ownTenant }))),
];

const isStaffManager = (c: Caller) => c.role === 'recruiter' || c.role === 'admin';
const sees = (c: Caller) => c.ownTenant && (c.role !== 'candidate' || c.ownCandidate === true);
const denied: Expectation = { status: 403, writes: false };
const hidden: Expectation = { status: 404, writes: false };

interface RouteCase {
  readonly name: string;
  readonly definition: RouteDefinition;
  request(ids: Fixture): { path: string; method: 'GET' | 'POST'; json?: unknown };
  expect(caller: Caller): Expectation;
}

interface Fixture {
  readonly applicationId: string;
  readonly onboardingStageId: string;
  readonly interviewStageId: string;
}

const routeCases: RouteCase[] = [
  {
    name: 'POST /applications',
    definition: routes.createApplication,
    request: () => ({ path: '/applications', method: 'POST', json: { jobId: 'job-m', candidateId: 'cand-x' } }),
    expect: (c) => (isStaffManager(c) ? { status: 201, writes: false } : denied),
  },
  {
    name: 'GET /applications',
    definition: routes.listApplications,
    request: () => ({ path: '/applications?jobId=job-matrix', method: 'GET' }),
    expect: (c) => (c.role === 'candidate' ? denied : { status: 200, writes: false }),
  },
  {
    name: 'GET /applications/{id}',
    definition: routes.getApplication,
    request: (f) => ({ path: `/applications/${f.applicationId}`, method: 'GET' }),
    expect: (c) => (sees(c) ? { status: 200, writes: false } : hidden),
  },
  {
    name: 'POST /applications/{id}/stages',
    definition: routes.createStage,
    request: (f) => ({ path: `/applications/${f.applicationId}/stages`, method: 'POST', json: { type: 'offer', data: { offerLetter } } }),
    expect: (c) => (!isStaffManager(c) ? denied : c.ownTenant ? { status: 201, writes: true } : hidden),
  },
  {
    name: 'GET /applications/{id}/stages/{stageId}',
    definition: routes.getStage,
    request: (f) => ({ path: `/applications/${f.applicationId}/stages/${f.onboardingStageId}`, method: 'GET' }),
    expect: (c) => (sees(c) ? { status: 200, writes: false } : hidden),
  },
  {
    name: 'POST /applications/{id}/stages/{stageId}/actions/{action}',
    definition: routes.applyAction,
    request: (f) => ({ path: `/applications/${f.applicationId}/stages/${f.onboardingStageId}/actions/add_onboarding_document`, method: 'POST', json: { document: offerLetter } }),
    expect: (c) => (c.role === 'interviewer' ? denied : sees(c) ? { status: 200, writes: true } : hidden),
  },
  {
    name: 'POST /applications/{id}/stages/{stageId}/feedback',
    definition: routes.submitFeedback,
    request: (f) => ({ path: `/applications/${f.applicationId}/stages/${f.interviewStageId}/feedback`, method: 'POST', json: { rating: 3, recommendation: 'mixed' } }),
    expect: (c) => (c.role === 'candidate' ? denied : c.ownTenant ? { status: 201, writes: true } : hidden),
  },
  {
    name: 'POST /applications/batch',
    definition: routes.batch,
    request: (f) => ({ path: '/applications/batch', method: 'POST', json: { operation: 'create_stage', applicationIds: [f.applicationId], stage: { type: 'offer_accepted', data: {} } } }),
    expect: (c) => (!isStaffManager(c) ? denied : { status: 200, writes: c.ownTenant }),
  },
  {
    name: 'GET /openapi.json',
    definition: routes.openapi,
    request: () => ({ path: '/openapi.json', method: 'GET' }),
    expect: () => ({ status: 200, writes: false }),
  },
];

const label = (c: Caller) =>
  `${c.role} of ${c.ownTenant ? 'the same' : 'another'} tenant${c.role === 'candidate' ? ` (${c.ownCandidate ? 'own' : 'another'} candidate)` : ''}`;

describe('authorisation matrix', () => {
  let api: ApiStack;
  let fixture: Fixture;
  beforeAll(async () => {
    api = await startApiStack();
    const rec = await api.as('recruiter', 'acme', 'rec-1');
    const app = (await api.call('/applications', { token: rec, json: { jobId: 'job-matrix', candidateId: 'cand-1' } })).body;
    const onboarding = (await api.call(`/applications/${app.id}/stages`, { token: rec, json: { type: 'offer_accepted', data: {} } })).body.stage;
    const interview = (await api.call(`/applications/${app.id}/stages`, { token: rec, json: { type: 'live_interview', data: { recruiterId: 'rec-1' } } })).body.stage;
    const cand = await api.as('candidate', 'acme', 'cand-1');
    await api.call(`/applications/${app.id}/stages/${interview.id}/actions/schedule`, { token: cand, json: { slotId: 's', scheduledCallId: 'c' } });
    fixture = { applicationId: app.id, onboardingStageId: onboarding.id, interviewStageId: interview.id };
  });
  afterAll(() => api.stop());

  const rows = routeCases.flatMap((route) => callers.map((caller) => ({ route, caller, expected: route.expect(caller) })));

  it.each(rows.map((row) => [`${row.route.name} as ${label(row.caller)} → ${row.expected.status}`, row] as const))('%s', async (_name, { route, caller, expected }) => {
    const token = await api.as(caller.role, caller.ownTenant ? 'acme' : 'globex', caller.role === 'candidate' ? (caller.ownCandidate ? 'cand-1' : 'cand-2') : `${caller.role}-1`);
    const before = await api.settled(fixture.applicationId);
    const { path, method, json } = route.request(fixture);
    const response = await api.call(path, { token, method, ...(json === undefined ? {} : { json }) });
    expect(response.status).toBe(expected.status);
    if (expected.status >= 400) expect(response.body.code).toBe(expected.status === 403 ? 'AUTH.FORBIDDEN' : 'APPLICATION.NOT_FOUND');
    const after = await api.raw(fixture.applicationId);
    if (expected.writes) expect(after?.['eventSeq']).toBe((before?.['eventSeq'] as number) + 1);
    else expect(after).toEqual(before);
    if (route.name === 'GET /applications' && expected.status === 200) {
      expect(response.body.items.map((item: { id: string }) => item.id)).toEqual(caller.ownTenant ? [fixture.applicationId] : []);
    }
    if (route.name === 'POST /applications/batch' && expected.status === 200) {
      expect(response.body.items[0]).toMatchObject(caller.ownTenant ? { status: 'succeeded' } : { status: 'failed', error: { code: 'APPLICATION.NOT_FOUND' } });
    }
    if (route.name === 'GET /applications/{id}' && expected.status === 200) {
      expect(response.body.view).toBe(caller.role === 'candidate' ? 'candidate' : 'staff');
    }
  });

  it('covers every route of the route table, each registered with the host', async () => {
    const { functionRegistry } = await import('../../local/host/function-registry.ts');
    const registered = new Set(functionRegistry().functions.filter((fn) => fn.trigger.type === 'httpTrigger').map((fn) => fn.name));
    const served = routeList.filter((definition) => !definition.registeredElsewhere);
    expect(routeCases.map((c) => c.definition.name).sort()).toEqual(served.map((definition) => definition.name).sort());
    for (const definition of served) expect(registered.has(definition.name)).toBe(true);
  });
});
