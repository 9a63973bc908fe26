import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevRole } from '../../local/dev-issuer.ts';
import type { RouteDefinition } from '../../functions/http/route-definition.ts';
import { routeTable } from '../../functions/http/routes/route-table.ts';
import { permits } from '../../shared/auth/domain/permissions.ts';
import { startApiStack, type ApiStack } from '../support/stage-api.ts';
import { connectCalendar, fastCalendarSettings } from '../support/calendar-api.ts';
import { scheduledCall } from '../shared/stages/stage-fixtures.ts';

/**
 * Every route of the route table × role × own/other tenant × own/other candidate. Whether a role
 * gets in comes from the one permission table (`permits`), never from this file; this file only
 * says how to call each route and what a caller who gets in sees. Another tenant's (or
 * candidate's) application is 404, never 403; a role the route's operation does not admit is 403
 * wherever the application lives, and nothing is written.
 */
interface Caller {
  readonly role: DevRole;
  readonly ownTenant: boolean;
  /** Candidates only: whether the application is theirs. */
  readonly ownCandidate?: boolean;
}

interface Fixture {
  readonly applicationId: string;
  readonly interviewStageId: string;
  /** An offer_accepted stage (the candidate's uploads go there) and an upload by its candidate. */
  readonly onboardingStageId?: string;
  readonly uploadId?: string;
  /** Notification routes: an inbox item of the caller, a webhook and a dead letter of tenant `acme`. */
  readonly notificationId?: string;
  readonly webhookId?: string;
  readonly deadLetterId?: string;
  /** A free slot of rec-1 (scheduling routes). */
  readonly slotId?: string;
}

interface Request {
  readonly path: string;
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  readonly json?: unknown;
}

/**
 * How to call one route, and what happens for a caller the table admits:
 * - `scope: 'application'`: about one application; callers who may not see it get 404;
 * - `scope: 'tenant'`: the caller's own tenant (create, board, batch); `public`: no token needed.
 * - `writes`: whether an admitted caller who sees the application changes its stored document.
 */
interface RouteCase {
  readonly scope: 'application' | 'tenant' | 'public';
  readonly status: number;
  readonly writes: boolean;
  /** The code of the 404 a caller who may not see the resource gets (default `APPLICATION.NOT_FOUND`). */
  readonly notFound?: string;
  /** A tenant resource (webhook, dead letter) of `acme`: what an admitted caller of another tenant gets. */
  readonly otherTenant?: { readonly status: number; readonly code: string };
  /** Runs before the request (and before the stored document is snapshotted). */
  prepare?(api: ApiStack, fixture: Fixture, caller: Caller): Promise<Partial<Fixture>>;
  request(fixture: Fixture, caller: Caller): Request;
}

const cases: Record<string, RouteCase> = {
  health: { scope: 'public', status: 200, writes: false, request: () => ({ path: '/health', method: 'GET' }) },
  openapi: { scope: 'public', status: 200, writes: false, request: () => ({ path: '/openapi.json', method: 'GET' }) },
  createApplication: {
    scope: 'tenant',
    status: 201,
    writes: false,
    request: () => ({ path: '/applications', method: 'POST', json: { jobId: 'job-m', candidateId: 'cand-x' } }),
  },
  listApplications: { scope: 'tenant', status: 200, writes: false, request: () => ({ path: '/applications?jobId=job-matrix', method: 'GET' }) },
  applicationsBatch: {
    scope: 'tenant',
    status: 200,
    writes: true,
    request: (f) => ({ path: '/applications/batch', method: 'POST', json: { operation: 'create_stage', applicationIds: [f.applicationId], stage: { type: 'offer_accepted', data: {} } } }),
  },
  getApplication: { scope: 'application', status: 200, writes: false, request: (f) => ({ path: `/applications/${f.applicationId}`, method: 'GET' }) },
  createStage: {
    scope: 'application',
    status: 201,
    writes: true,
    request: (f) => ({ path: `/applications/${f.applicationId}/stages`, method: 'POST', json: { type: 'offer_accepted', data: {} } }),
  },
  getStage: { scope: 'application', status: 200, writes: false, request: (f) => ({ path: `/applications/${f.applicationId}/stages/${f.interviewStageId}`, method: 'GET' }) },
  applyStageAction: {
    scope: 'application',
    status: 200,
    writes: true,
    // A fresh scheduled interview per call: the candidate asks to move it, staff cancel it.
    prepare: async (api, f) => ({ interviewStageId: await scheduledInterview(api, f.applicationId) }),
    request: (f, c) => ({
      path: `/applications/${f.applicationId}/stages/${f.interviewStageId}/actions/${c.role === 'candidate' ? 'request_reschedule' : 'cancel'}`,
      method: 'POST',
      json: c.role === 'candidate' ? { reason: 'A clash' } : {},
    }),
  },
  submitStageFeedback: {
    scope: 'application',
    status: 201,
    writes: true,
    request: (f) => ({ path: `/applications/${f.applicationId}/stages/${f.interviewStageId}/feedback`, method: 'POST', json: { rating: 3, recommendation: 'mixed' } }),
  },
  getTimeline: { scope: 'application', status: 200, writes: false, request: (f) => ({ path: `/applications/${f.applicationId}/timeline`, method: 'GET' }) },
  verifyTimeline: { scope: 'application', status: 200, writes: false, request: (f) => ({ path: `/applications/${f.applicationId}/timeline/verify`, method: 'GET' }) },
  getStageSla: { scope: 'application', status: 200, writes: false, request: (f) => ({ path: `/applications/${f.applicationId}/stage-sla`, method: 'GET' }) },
  createUploadIntent: {
    scope: 'application',
    status: 201,
    writes: false,
    prepare: async (api, f) => ({ onboardingStageId: await onboardingStage(api, f.applicationId) }),
    // The candidate uploads an onboarding document to their stage; staff upload an offer letter.
    request: (f, c) => ({
      path: '/uploads',
      method: 'POST',
      json: c.role === 'candidate'
        ? { purpose: 'onboarding_document', applicationId: f.applicationId, stageId: f.onboardingStageId, fileName: 'id.pdf', contentType: 'application/pdf', sizeBytes: 1000 }
        : { purpose: 'offer_letter', applicationId: f.applicationId, fileName: 'offer.pdf', contentType: 'application/pdf', sizeBytes: 1000 },
    }),
  },
  getUpload: {
    scope: 'application',
    status: 200,
    writes: false,
    notFound: 'UPLOAD.NOT_FOUND',
    // An upload by the application's candidate: they and the tenant's recruiters and admins see it.
    prepare: async (api, f) => ({ uploadId: await candidateUpload(api, f.applicationId) }),
    request: (f) => ({ path: `/uploads/${f.uploadId}`, method: 'GET' }),
  },
  listInbox: { scope: 'tenant', status: 200, writes: false, request: () => ({ path: '/me/notifications', method: 'GET' }) },
  markNotificationRead: {
    scope: 'tenant',
    status: 200,
    writes: false,
    prepare: async (api, _f, c) => ({ notificationId: await inboxItemOf(api, c) }),
    request: (f) => ({ path: `/me/notifications/${f.notificationId}/read`, method: 'POST' }),
  },
  markAllNotificationsRead: { scope: 'tenant', status: 200, writes: false, request: () => ({ path: '/me/notifications/read-all', method: 'POST' }) },
  createWebhook: { scope: 'tenant', status: 201, writes: false, request: () => ({ path: '/manage/webhooks', method: 'POST', json: { kind: 'generic', url: 'http://127.0.0.1:9/matrix' } }) },
  listWebhooks: { scope: 'tenant', status: 200, writes: false, request: () => ({ path: '/manage/webhooks', method: 'GET' }) },
  ...Object.fromEntries(
    (
      [
        ['getWebhook', 'GET', '', 200, undefined],
        ['updateWebhook', 'PATCH', '', 200, { events: ['offer.sent'] }],
        ['deleteWebhook', 'DELETE', '', 204, undefined],
        ['rotateWebhookSecret', 'POST', '/rotate-secret', 200, undefined],
        ['testWebhook', 'POST', '/test', 200, undefined],
      ] as const
    ).map(([name, method, suffix, status, json]): [string, RouteCase] => [
      name,
      {
        scope: 'tenant',
        status,
        writes: false,
        otherTenant: { status: 404, code: 'WEBHOOK.NOT_FOUND' },
        prepare: async (api) => ({ webhookId: await acmeWebhook(api) }),
        request: (f) => ({ path: `/manage/webhooks/${f.webhookId}${suffix}`, method, ...(json === undefined ? {} : { json }) }),
      },
    ]),
  ),
  listDeadLetters: { scope: 'tenant', status: 200, writes: false, request: () => ({ path: '/manage/dead-letters', method: 'GET' }) },
  replayDeadLetter: {
    scope: 'tenant',
    status: 202,
    writes: false,
    otherTenant: { status: 404, code: 'DEAD_LETTER.NOT_FOUND' },
    prepare: async (api) => ({ deadLetterId: await acmeDeadLetter(api) }),
    request: (f) => ({ path: `/manage/dead-letters/${f.deadLetterId}/replay`, method: 'POST' }),
  },
  replayDeadLetters: { scope: 'tenant', status: 202, writes: false, request: () => ({ path: '/manage/dead-letters/replay', method: 'POST', json: {} }) },
  connectCalendar: { scope: 'tenant', status: 200, writes: false, request: () => ({ path: '/calendar/connect', method: 'POST', json: {} }) },
  calendarOAuthCallback: { scope: 'public', status: 302, writes: false, request: () => ({ path: '/calendar/oauth-callback?code=x&state=forged', method: 'GET' }) },
  getCalendarConnection: { scope: 'tenant', status: 200, writes: false, request: () => ({ path: '/calendar/connection', method: 'GET' }) },
  disconnectCalendar: { scope: 'tenant', status: 200, writes: false, request: () => ({ path: '/calendar/connection', method: 'DELETE' }) },
  publishSlots: {
    scope: 'tenant',
    status: 201,
    writes: false,
    request: () => {
      matrixSlot += 1;
      return { path: '/calendar/slots', method: 'POST', json: { slots: [{ start: `2031-02-${String(matrixSlot).padStart(2, '0')}T09:00`, end: `2031-02-${String(matrixSlot).padStart(2, '0')}T10:00`, timeZone: 'UTC' }] } };
    },
  },
  listSlots: { scope: 'tenant', status: 200, writes: false, request: () => ({ path: '/calendar/slots', method: 'GET' }) },
  // No such slot: an admitted caller learns only that (success is the slot tests' business).
  deleteSlot: { scope: 'tenant', status: 404, writes: false, request: () => ({ path: '/calendar/slots/no-such-slot', method: 'DELETE' }) },
  calendarNotifications: { scope: 'public', status: 200, writes: false, request: () => ({ path: '/calendar/notifications', method: 'POST' }) },
  listStageSlots: { scope: 'application', status: 200, writes: false, request: (f) => ({ path: `/applications/${f.applicationId}/stages/${f.interviewStageId}/slots?timeZone=UTC`, method: 'GET' }) },
  scheduleInterview: {
    scope: 'application',
    status: 200,
    writes: true,
    // A fresh interview awaiting the candidate and a free slot of its recruiter (whose calendar is connected).
    prepare: async (api, f) => ({ interviewStageId: await newInterview(api, f.applicationId), slotId: await freeSlot(api) }),
    request: (f) => ({ path: `/applications/${f.applicationId}/stages/${f.interviewStageId}/schedule`, method: 'POST', json: { slotId: f.slotId } }),
  },
  rescheduleInterview: {
    scope: 'application',
    status: 200,
    writes: true,
    // A booked interview whose candidate asked to move it, and another free slot.
    prepare: async (api, f) => {
      const stageId = await newInterview(api, f.applicationId);
      const cand = await api.as('candidate', 'acme', 'cand-1');
      await api.call(`/applications/${f.applicationId}/stages/${stageId}/schedule`, { token: cand, json: { slotId: await freeSlot(api) } });
      await api.call(`/applications/${f.applicationId}/stages/${stageId}/actions/request_reschedule`, { token: cand, json: { reason: 'A clash' } });
      return { interviewStageId: stageId, slotId: await freeSlot(api) };
    },
    request: (f) => ({ path: `/applications/${f.applicationId}/stages/${f.interviewStageId}/reschedule`, method: 'POST', json: { slotId: f.slotId } }),
  },
};

let onboarding: Promise<string> | undefined;
/** One offer_accepted stage on the fixture application, made once. */
function onboardingStage(api: ApiStack, applicationId: string): Promise<string> {
  onboarding ??= api.host.services.stages.useCases
    .createStage({ tenantId: 'acme', actor: { role: 'recruiter', id: 'rec-1' } }, applicationId, { type: 'offer_accepted', data: {} })
    .then(({ stage }) => stage.id);
  return onboarding;
}

let upload: Promise<string> | undefined;
/** One upload intent by the application's candidate (cand-1), made once through the documents use case. */
function candidateUpload(api: ApiStack, applicationId: string): Promise<string> {
  upload ??= onboardingStage(api, applicationId).then(async (stageId) => {
    const intent = await api.host.services.documents.useCases.createUploadIntent(
      { tenantId: 'acme', actor: { role: 'candidate', id: 'cand-1' } },
      { purpose: 'onboarding_document', applicationId, stageId, fileName: 'id.pdf', contentType: 'application/pdf', sizeBytes: 1000 },
    );
    return intent.uploadId;
  });
  return upload;
}

/** Who a caller is: tenant `acme` or `globex`, and their subject. */
function identity(c: Caller): { tenant: string; sub: string } {
  return { tenant: c.ownTenant ? 'acme' : 'globex', sub: c.role === 'candidate' ? (c.ownCandidate ? 'cand-1' : 'cand-2') : `${c.role}-1` };
}

/** An unread inbox item of the caller (written as a delivery would). */
async function inboxItemOf(api: ApiStack, caller: Caller): Promise<string> {
  const { tenant, sub } = identity(caller);
  const id = `msg_${randomUUID().replaceAll('-', '')}`;
  const now = new Date().toISOString();
  await api.host.services.notifications.deps.inbox.add({
    id, recipient: `${tenant}/${sub}`, tenantId: tenant, userId: sub, eventId: `matrix:${id}`, event: 'stage.created',
    title: 'Matrix', body: 'A matrix notification', payload: { type: 'STAGE_EVENT' }, occurredAt: now, deliveredAt: now,
  });
  return id;
}

/** A fresh webhook of tenant `acme` (to a closed loopback port). */
async function acmeWebhook(api: ApiStack): Promise<string> {
  const created = await api.host.services.notifications.useCases.createWebhook({ tenantId: 'acme', actor: { role: 'admin', id: 'admin-1' } }, { kind: 'generic', url: 'http://127.0.0.1:9/matrix' });
  return created.id;
}

/** A fresh dead letter of tenant `acme` (its endpoint no longer exists: a replay is dropped). */
async function acmeDeadLetter(api: ApiStack): Promise<string> {
  const id = `msg_${randomUUID().replaceAll('-', '')}`;
  const now = new Date().toISOString();
  const message = {
    v: 1 as const, deliveryId: id, eventId: `matrix:${id}`, tenantId: 'acme', event: 'stage.created' as const, occurredAt: now,
    target: { channel: 'webhook' as const, webhookId: 'wh_gone' }, content: { title: 't', body: 'b', payload: {} }, attempt: 1, attempts: [], replay: 0,
  };
  await api.host.services.notifications.deps.deadLetters.put({
    id, tenantId: 'acme', deliveryId: id, eventId: message.eventId, event: 'stage.created', channel: 'webhook', webhookId: 'wh_gone', reason: 'HTTP 410',
    attempts: [{ attempt: 1, at: now, durationMs: 1, status: 410, outcome: 'permanent' }], deadLetteredAt: now, status: 'dead_lettered', replays: 0, message,
  });
  return id;
}


let matrixSlot = 0;
let recruiterSlot = 0;

async function newInterview(api: ApiStack, applicationId: string): Promise<string> {
  const { useCases } = api.host.services.stages;
  const { stage } = await useCases.createStage({ tenantId: 'acme', actor: { role: 'recruiter', id: 'rec-1' } }, applicationId, { type: 'live_interview', data: { recruiterId: 'rec-1' } });
  return stage.id;
}

/** A new free one-hour slot of rec-1 (acme). */
async function freeSlot(api: ApiStack): Promise<string> {
  recruiterSlot += 1;
  const day = new Date(Date.UTC(2031, 5, 1) + recruiterSlot * 86_400_000).toISOString().slice(0, 10);
  const answer = await api.call('/calendar/slots', { token: await api.as('recruiter', 'acme', 'rec-1'), json: { slots: [{ start: `${day}T09:00`, end: `${day}T10:00`, timeZone: 'UTC' }] } });
  return answer.body.slots[0].id;
}

/** A live interview stage on the application, scheduled through the scheduling path (code, as the capability does). */
async function scheduledInterview(api: ApiStack, applicationId: string): Promise<string> {
  const { useCases } = api.host.services.stages;
  const recruiter = { tenantId: 'acme', actor: { role: 'recruiter' as const, id: 'rec-1' } };
  const { stage } = await useCases.createStage(recruiter, applicationId, { type: 'live_interview', data: { recruiterId: 'rec-1' } });
  await useCases.applyOwnedAction({ tenantId: 'acme', actor: { role: 'candidate', id: 'cand-1' } }, applicationId, stage.id, 'schedule', { slotId: 's', scheduledCallId: 'c', call: scheduledCall });
  return stage.id;
}

const callers: Caller[] = [
  ...[true, false].flatMap((ownTenant) => [true, false].map((ownCandidate): Caller => ({ role: 'candidate', ownTenant, ownCandidate }))),
  ...(['recruiter', 'interviewer', 'admin'] as const).flatMap((role) => [true, false].map((ownTenant): Caller => ({ role, ownTenant }))),
];

const seesApplication = (c: Caller) => c.ownTenant && (c.role !== 'candidate' || c.ownCandidate === true);

function expected(definition: RouteDefinition, route: RouteCase, caller: Caller): { status: number; code?: string; writes: boolean } {
  if (definition.access === 'public') return { status: route.status, writes: false };
  if (!permits(caller.role, definition.access.operation)) return { status: 403, code: 'AUTH.FORBIDDEN', writes: false };
  if (route.scope === 'application' && !seesApplication(caller)) return { status: 404, code: route.notFound ?? 'APPLICATION.NOT_FOUND', writes: false };
  if (route.otherTenant !== undefined && !caller.ownTenant) return { ...route.otherTenant, writes: false };
  // A batch from another tenant answers 200 with the item failed as not found: nothing is written.
  return { status: route.status, writes: route.writes && caller.ownTenant };
}

const label = (c: Caller) =>
  `${c.role} of ${c.ownTenant ? 'the same' : 'another'} tenant${c.role === 'candidate' ? ` (${c.ownCandidate ? 'own' : 'another'} candidate)` : ''}`;

describe('authorisation matrix', () => {
  let api: ApiStack;
  let fixture: Fixture;
  beforeAll(async () => {
    api = await startApiStack(fastCalendarSettings);
    await connectCalendar(api, 'acme', 'rec-1', 'rec-1@acme.example');
    const rec = await api.as('recruiter', 'acme', 'rec-1');
    const app = (await api.call('/applications', { token: rec, json: { jobId: 'job-matrix', candidateId: 'cand-1' } })).body;
    fixture = { applicationId: app.id, interviewStageId: await scheduledInterview(api, app.id) };
  });
  afterAll(() => api.stop());

  const rows = routeTable.flatMap((definition) =>
    callers.map((caller) => {
      const route = cases[definition.name];
      return { definition, caller, route, outcome: route === undefined ? undefined : expected(definition, route, caller) };
    }),
  );

  it.each(rows.filter((row) => row.route !== undefined).map((row) => [`${row.definition.method} /api/${row.definition.route} as ${label(row.caller)} → ${row.outcome!.status}`, row] as const))(
    '%s',
    async (_name, { definition, caller, route, outcome }) => {
      const { tenant, sub } = identity(caller);
      const token = await api.as(caller.role, tenant, sub);
      const current = { ...fixture, ...(await route!.prepare?.(api, fixture, caller)) };
      const before = await api.settled(fixture.applicationId);
      const { path, method, json } = route!.request(current, caller);
      const response = await api.call(path, { token, method, ...(json === undefined ? {} : { json }) });
      expect(response.status).toBe(outcome!.status);
      if (outcome!.code !== undefined) expect(response.body.code).toBe(outcome!.code);
      const after = await api.raw(fixture.applicationId);
      if (outcome!.writes) expect(after?.['eventSeq']).toBe((before?.['eventSeq'] as number) + 1);
      else expect(after).toEqual(before);
      if (definition.name === 'listApplications' && outcome!.status === 200) {
        expect(response.body.items.map((item: { id: string }) => item.id)).toEqual(caller.ownTenant ? [fixture.applicationId] : []);
      }
      if (definition.name === 'applicationsBatch' && outcome!.status === 200) {
        expect(response.body.items[0]).toMatchObject(caller.ownTenant ? { status: 'succeeded' } : { status: 'failed', error: { code: 'APPLICATION.NOT_FOUND' } });
      }
      if ((definition.name === 'getApplication' || definition.name === 'getStage') && outcome!.status === 200) {
        expect(response.body.view ?? (response.body.stage.feedback === undefined ? 'candidate' : 'staff')).toBe(caller.role === 'candidate' ? 'candidate' : 'staff');
      }
    },
  );

  it('has a case for every route of the route table, each registered with the host', async () => {
    const { functionRegistry } = await import('../../local/host/function-registry.ts');
    const registered = new Set(functionRegistry().functions.filter((fn) => fn.trigger.type === 'httpTrigger').map((fn) => fn.name));
    expect(routeTable.filter((definition) => cases[definition.name] === undefined).map((definition) => definition.name)).toEqual([]);
    expect(Object.keys(cases).sort()).toEqual(routeTable.map((definition) => definition.name).sort());
    expect([...registered].sort()).toEqual(routeTable.map((definition) => definition.name).sort());
  });
});
