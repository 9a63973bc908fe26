import { describe, expect, it } from 'vitest';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { DnsUrlGuard } from '../../shared/notifications/adapters/dns-url-guard.adapter.ts';
import { createWebhook } from '../../shared/notifications/use-cases/create-webhook.ts';
import {
  addStage, assignment, deadLetters, eventually, newApplication, notificationStack, registerWebhook, tenantTokens,
} from '../support/notification-fixtures.ts';

/** The tenant admin's webhook routes, through the local host, asserting on the answers and on what was stored. */
const { api, receiver: openReceiver } = notificationStack();

const receiver = () => openReceiver();

const stored = async (tenant: string, id: string) => (await api().host.services.database.container('webhooks').item(id, tenant).read()).resource;

describe('webhook admin routes', () => {
  it('creates a generic webhook: the secret once, the URL never again, both sealed in the store', async () => {
    const t = await tenantTokens(api(), 'wh-1');
    const target = await receiver();
    const url = target.url('/in?token=very-secret-token');
    const created = await api().call('/manage/webhooks', { token: t.admin, json: { kind: 'generic', url, events: ['offer.sent', 'stage.created'], jobId: 'job-1' } });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^wh_[0-9a-f]{32}$/),
      kind: 'generic',
      urlHint: `127.0.0.1:${target.port}`,
      events: ['offer.sent', 'stage.created'],
      jobId: 'job-1',
      enabled: true,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
    });
    const { id, secret } = created.body;
    const got = await api().call(`/manage/webhooks/${id}`, { token: t.admin });
    expect(got.status).toBe(200);
    const { secret: _secret, ...withoutSecret } = created.body;
    expect(got.body).toEqual(withoutSecret);
    const list = await api().call('/manage/webhooks', { token: t.admin });
    expect(list.body.items).toEqual([withoutSecret]);
    const document = await stored('wh-1', id);
    expect(document).toMatchObject({ id, tenantId: 'wh-1', type: 'webhook', urlHint: `127.0.0.1:${target.port}`, url: { v: 1, kid: expect.any(String), iv: expect.any(String), tag: expect.any(String), ct: expect.any(String) } });
    expect(document!['secrets']).toEqual([{ value: expect.objectContaining({ v: 1 }), createdAt: created.body.createdAt }]);
    const text = JSON.stringify([document, got.body, list.body]);
    expect(text).not.toContain('very-secret-token');
    expect(text).not.toContain(secret.slice('whsec_'.length));
  });

  it('refuses URLs and bodies it may not take, writing nothing', async () => {
    const t = await tenantTokens(api(), 'wh-2');
    const refused = async (body: Record<string, unknown>, code: string, reason?: RegExp) => {
      const answer = await api().call('/manage/webhooks', { token: t.admin, json: body });
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.code).toBe(code);
      if (reason) expect(answer.body.details.reason).toMatch(reason);
    };
    await refused({ kind: 'generic', url: 'http://hooks.example.com/in' }, 'WEBHOOK.URL_NOT_ALLOWED', /loopback host/);
    await refused({ kind: 'generic', url: 'https://10.1.2.3/in' }, 'WEBHOOK.URL_NOT_ALLOWED', /private/);
    await refused({ kind: 'generic', url: 'https://169.254.169.254/latest/meta-data' }, 'WEBHOOK.URL_NOT_ALLOWED', /link-local/);
    await refused({ kind: 'generic', url: 'https://no-such-host.invalid/in' }, 'WEBHOOK.URL_NOT_ALLOWED', /does not resolve/);
    await refused({ kind: 'google_chat', url: 'http://127.0.0.1:9/not/chat' }, 'WEBHOOK.URL_NOT_ALLOWED', /Google Chat/);
    await refused({ kind: 'generic', url: 'http://127.0.0.1:9/in', events: ['upload.rejected'] }, 'REQUEST.INVALID');
    await refused({ kind: 'teams', url: 'http://127.0.0.1:9/in' }, 'REQUEST.INVALID');
    expect((await api().call('/manage/webhooks', { token: t.admin })).body.items).toEqual([]);
  });

  it('in Azure mode takes https to public hosts only (use case with the Azure URL policy)', async () => {
    const deps = { ...api().host.services.notifications.deps, settings: { ...api().host.services.notifications.deps.settings, urlMode: 'azure' as const }, urlGuard: new DnsUrlGuard('azure') };
    const access = { tenantId: 'wh-azure', actor: { role: 'admin' as const, id: 'adm-1' } };
    for (const url of ['http://127.0.0.1:9/in', 'https://127.0.0.1/in', 'https://localhost/in', 'https://10.0.0.1/in', 'https://[::1]/in', 'https://[fd00::1]/in', 'http://hooks.example.com/in']) {
      await expect(createWebhook(deps, access, { kind: 'generic', url }), url).rejects.toMatchObject({ code: 'WEBHOOK.URL_NOT_ALLOWED' });
    }
    await expect(createWebhook(deps, access, { kind: 'google_chat', url: 'https://chat.example.com/v1/spaces/A/messages?key=k' })).rejects.toMatchObject({ code: 'WEBHOOK.URL_NOT_ALLOWED' });
    expect(await api().host.services.notifications.deps.webhooks.list('wh-azure')).toEqual([]);
  });

  it('filters by event and job, disables and re-enables, deletes', async () => {
    const t = await tenantTokens(api(), 'wh-3');
    const target = await receiver();
    const webhook = await registerWebhook(api(), t.admin, { kind: 'generic', url: target.url(), events: ['candidate.disqualified'], jobId: 'job-2' });
    const onJob1 = await newApplication(api(), t.recruiter, 'job-1');
    const onJob2 = await newApplication(api(), t.recruiter, 'job-2');
    await addStage(api(), t.recruiter, onJob2, assignment()); // not a subscribed event
    await addStage(api(), t.recruiter, onJob1, { type: 'disqualified', data: { reason: 'x', notifyCandidate: false } }); // another job
    await addStage(api(), t.recruiter, onJob2, { type: 'disqualified', data: { reason: 'x', notifyCandidate: false } });
    await eventually('the one matching delivery', () => (target.requests.length > 0 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(target.requests.map((request) => JSON.parse(request.body))).toEqual([expect.objectContaining({ event: 'candidate.disqualified', applicationId: onJob2 })]);

    const patched = await api().call(`/manage/webhooks/${webhook.id}`, { token: t.admin, method: 'PATCH', json: { events: null, jobId: null, enabled: false } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ events: null, jobId: null, enabled: false, disabledReason: 'disabled by an admin' });
    expect(await stored('wh-3', webhook.id)).toMatchObject({ enabled: false });
    const third = await newApplication(api(), t.recruiter, 'job-3');
    await addStage(api(), t.recruiter, third, assignment());
    const [skipped] = await eventually('the dead letter of the disabled endpoint', async () => {
      const found = await deadLetters(api(), t.admin);
      return found.length > 0 ? found : undefined;
    });
    expect(skipped).toMatchObject({ reason: 'endpoint disabled', webhookId: webhook.id, attempts: [expect.objectContaining({ outcome: 'skipped' })] });
    expect(target.requests).toHaveLength(1);

    const enabled = await api().call(`/manage/webhooks/${webhook.id}`, { token: t.admin, method: 'PATCH', json: { enabled: true } });
    expect(enabled.body).toMatchObject({ enabled: true });
    expect(enabled.body.disabledAt).toBeUndefined();
    expect((await api().call('/manage/dead-letters/replay', { token: t.admin, json: { webhookId: webhook.id } })).body).toMatchObject({ replayed: 1 });
    await eventually('the replayed delivery', () => (target.requests.length === 2 ? true : undefined));
    expect(target.requests[1]!.headers['webhook-id']).toBe(skipped.id);

    expect((await api().call(`/manage/webhooks/${webhook.id}`, { token: t.admin, method: 'PATCH', json: {} })).status).toBe(400);
    const deleted = await api().call(`/manage/webhooks/${webhook.id}`, { token: t.admin, method: 'DELETE' });
    expect(deleted.status).toBe(204);
    expect(await stored('wh-3', webhook.id)).toBeUndefined();
    expect((await api().call(`/manage/webhooks/${webhook.id}`, { token: t.admin })).body.code).toBe('WEBHOOK.NOT_FOUND');
    expect((await api().call(`/manage/webhooks/${webhook.id}`, { token: t.admin, method: 'DELETE' })).status).toBe(404);
  });

  it('keeps every other tenant\'s webhooks out of reach (404)', async () => {
    const t = await tenantTokens(api(), 'wh-4');
    const target = await receiver();
    const webhook = await registerWebhook(api(), t.admin, { kind: 'generic', url: target.url() });
    const stranger = await api().as('admin', 'wh-4-other', 'adm-1');
    for (const [method, path, json] of [
      ['GET', '', undefined], ['PATCH', '', { enabled: false }], ['DELETE', '', undefined], ['POST', '/rotate-secret', undefined], ['POST', '/test', undefined],
    ] as const) {
      const answer = await api().call(`/manage/webhooks/${webhook.id}${path}`, { token: stranger, method, ...(json ? { json } : {}) });
      expect(answer, `${method} ${path}`).toMatchObject({ status: 404, body: { code: 'WEBHOOK.NOT_FOUND' } });
    }
    expect((await api().call('/manage/webhooks', { token: stranger })).body.items).toEqual([]);
    expect(target.requests).toEqual([]);
    expect(await stored('wh-4', webhook.id)).toMatchObject({ enabled: true });
  });

  it('rotates the secret: both signatures for 24 hours, each verifiable with the reference library', async () => {
    const t = await tenantTokens(api(), 'wh-5');
    const target = await receiver();
    const webhook = await registerWebhook(api(), t.admin, { kind: 'generic', url: target.url() });
    const rotated = await api().call(`/manage/webhooks/${webhook.id}/rotate-secret`, { token: t.admin, method: 'POST' });
    expect(rotated.status).toBe(200);
    expect(rotated.body).toEqual({ id: webhook.id, secret: expect.stringMatching(/^whsec_/), previousSecretExpiresAt: expect.any(String) });
    expect(rotated.body.secret).not.toBe(webhook.secret);
    const overlap = Date.parse(rotated.body.previousSecretExpiresAt) - Date.now();
    expect(overlap).toBeGreaterThan(24 * 3_600_000 - 60_000);
    expect(overlap).toBeLessThanOrEqual(24 * 3_600_000);
    expect((await api().call(`/manage/webhooks/${webhook.id}`, { token: t.admin })).body).toMatchObject({ previousSecretExpiresAt: rotated.body.previousSecretExpiresAt, secretRotatedAt: expect.any(String) });
    expect((await stored('wh-5', webhook.id))!['secrets']).toHaveLength(2);

    const applicationId = await newApplication(api(), t.recruiter);
    await addStage(api(), t.recruiter, applicationId, assignment());
    await eventually('the delivery', () => (target.requests.length > 0 ? true : undefined));
    const [request] = target.requests;
    expect(String(request!.headers['webhook-signature']).split(' ')).toHaveLength(2);
    const headers = request!.headers as Record<string, string>;
    expect(new StandardWebhook(rotated.body.secret).verify(request!.body, headers)).toMatchObject({ applicationId });
    expect(new StandardWebhook(webhook.secret!).verify(request!.body, headers)).toMatchObject({ applicationId });

    const chat = await registerWebhook(api(), t.admin, { kind: 'google_chat', url: target.url('/v1/spaces/S1/messages?key=k') });
    expect((await api().call(`/manage/webhooks/${chat.id}/rotate-secret`, { token: t.admin, method: 'POST' })).status).toBe(400);
  });

  it('sends a signed ping on demand and reports the answer, also when the endpoint is down', async () => {
    const t = await tenantTokens(api(), 'wh-6');
    const target = await receiver();
    const webhook = await registerWebhook(api(), t.admin, { kind: 'generic', url: target.url() });
    const ping = await api().call(`/manage/webhooks/${webhook.id}/test`, { token: t.admin, method: 'POST' });
    expect(ping).toMatchObject({ status: 200, body: { delivered: true, status: 200, webhookMessageId: expect.stringMatching(/^ping_/), durationMs: expect.any(Number) } });
    const [request] = target.requests;
    expect(request!.headers['webhook-id']).toBe(ping.body.webhookMessageId);
    expect(new StandardWebhook(webhook.secret!).verify(request!.body, request!.headers as Record<string, string>)).toMatchObject({ type: 'PING', event: 'webhook.ping', webhookId: webhook.id });
    await target.down();
    const down = await api().call(`/manage/webhooks/${webhook.id}/test`, { token: t.admin, method: 'POST' });
    expect(down).toMatchObject({ status: 200, body: { delivered: false, error: 'connection failed (ECONNREFUSED)' } });
    expect(await deadLetters(api(), t.admin)).toEqual([]);
    expect((await stored('wh-6', webhook.id))!['failingSince']).toBeUndefined();
  });
});

describe('Google Chat', () => {
  it('posts one thread per application, every message delivered (the rate limit queues, never drops: see notification-stores.test.ts)', { timeout: 60_000 }, async () => {
    const t = await tenantTokens(api(), 'chat-1');
    const target = await receiver();
    await registerWebhook(api(), t.admin, { kind: 'google_chat', url: target.url('/v1/spaces/SPACE1/messages?key=k&token=t') });
    const first = await newApplication(api(), t.recruiter);
    const second = await newApplication(api(), t.recruiter);
    await addStage(api(), t.recruiter, second, assignment());
    for (let n = 0; n < 11; n += 1) await addStage(api(), t.recruiter, first, assignment());
    const requests = await eventually('12 chat messages', () => (target.requests.length >= 12 ? target.requests : undefined), 40_000);
    const threads = requests.map((request) => new URL(request.path, 'http://x').searchParams.get('threadKey'));
    expect(new Set(threads)).toEqual(new Set([`stageline-application-${first}`, `stageline-application-${second}`]));
    for (const request of requests) {
      const url = new URL(request.path, 'http://x');
      expect(url.searchParams.get('messageReplyOption')).toBe('REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD');
      const body = JSON.parse(request.body);
      expect(body).toEqual({ text: expect.stringMatching(/^\*Stage added: Assignment\*\n.*\n<https:\/\/app\.stageline\.test\/applications\/.+\|Open in Stageline>$/), thread: { threadKey: url.searchParams.get('threadKey') } });
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(target.requests).toHaveLength(12);
  });
});
