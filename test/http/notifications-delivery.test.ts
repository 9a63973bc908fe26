import { describe, expect, it } from 'vitest';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { type Answer, type WebhookReceiver } from '../support/webhook-receiver.ts';
import {
  addStage, assignment, deadLetters, eventually, metricValue, newApplication, notificationStack, registerWebhook, SHORT_SCHEDULE_MS, tenantTokens,
} from '../support/notification-fixtures.ts';

/**
 * Generic webhook delivery through the local host: a stage change → the outbox → the
 * `notifications` queue → fan-out → `notification-deliveries` → a scripted loopback receiver.
 * Retry schedule 200 ms, 400 ms, 800 ms (4 attempts), timeout 500 ms. Each test has its own
 * tenant, so only its own webhook receives its events.
 */
const { api, receiver: openReceiver } = notificationStack();

let tenantCount = 0;
/** A tenant with a webhook to a receiver answering `answer`; a stage added → one event to deliver. */
async function scenario(answer: (index: number) => Answer, options: { events?: number; receiverDown?: boolean } = {}) {
  const receiver = await openReceiver((_request, index) => answer(index));
  const tokens = await tenantTokens(api(), `dlv-${(tenantCount += 1)}`);
  const webhook = await registerWebhook(api(), tokens.admin, { kind: 'generic', url: receiver.url('/hooks/stageline?token=s3cr3t-path') });
  if (options.receiverDown) await receiver.down();
  const applicationId = await newApplication(api(), tokens.recruiter);
  for (let n = 0; n < (options.events ?? 1); n += 1) await addStage(api(), tokens.recruiter, applicationId, assignment());
  return { receiver, tokens, webhook, applicationId };
}

const ids = (receiver: WebhookReceiver) => receiver.requests.map((request) => String(request.headers['webhook-id']));
const gaps = (receiver: WebhookReceiver) => receiver.requests.slice(1).map((request, index) => request.at - receiver.requests[index]!.at);

describe('generic webhook delivery', () => {
  it('delivers a 200 once, signed per Standard Webhooks, with the seed payload', async () => {
    const before = await metricValue(api().baseUrl, 'stageline_notifications_deliveries_total', { channel: 'webhook', outcome: 'delivered' });
    const { receiver, webhook, applicationId } = await scenario(() => ({ status: 200 }));
    await eventually('the delivery', () => (receiver.requests.length > 0 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(receiver.requests).toHaveLength(1);
    const [request] = receiver.requests;
    const payload = new StandardWebhook(webhook.secret!).verify(request!.body, request!.headers as Record<string, string>) as Record<string, unknown>;
    expect(payload).toEqual({
      type: 'STAGE_EVENT',
      stageType: 'assignment',
      stageStatus: 'awaiting_candidate',
      applicationId,
      actor: { role: 'recruiter', id: 'rec-1' },
      timestamp: expect.any(String),
      eventId: expect.stringMatching(new RegExp(`^dlv-\\d+:${applicationId}:1$`)),
      event: 'stage.created',
    });
    expect(request!.headers['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(() => new StandardWebhook(`whsec_${Buffer.alloc(32, 9).toString('base64')}`).verify(request!.body, request!.headers as Record<string, string>)).toThrow();
    expect(await metricValue(api().baseUrl, 'stageline_notifications_deliveries_total', { channel: 'webhook', outcome: 'delivered' })).toBe(before + 1);
    const view = await api().call(`/manage/webhooks/${webhook.id}`, { token: (await tenantTokens(api(), `dlv-${tenantCount}`)).admin });
    expect(view.body).toMatchObject({ enabled: true });
    expect(view.body.failingSince).toBeUndefined();
  });

  it('retries a 500 on the schedule (full jitter under each ceiling), then dead-letters it with every attempt', async () => {
    const { receiver, tokens, webhook } = await scenario(() => ({ status: 500 }));
    const [entry] = await eventually('the dead letter', async () => {
      const found = await deadLetters(api(), tokens.admin);
      return found.length > 0 ? found : undefined;
    });
    expect(receiver.requests).toHaveLength(SHORT_SCHEDULE_MS.length + 1);
    expect(new Set(ids(receiver)).size).toBe(1);
    gaps(receiver).forEach((gap, index) => expect(gap, `wait before attempt ${index + 2}`).toBeLessThan(SHORT_SCHEDULE_MS[index]! + 400));
    expect(entry).toMatchObject({
      id: ids(receiver)[0],
      channel: 'webhook',
      webhookId: webhook.id,
      event: 'stage.created',
      status: 'dead_lettered',
      reason: 'gave up after 4 attempts (last: HTTP 500)',
    });
    expect(entry.attempts.map((attempt: { attempt: number; status: number; outcome: string }) => [attempt.attempt, attempt.status, attempt.outcome])).toEqual([
      [1, 500, 'retry'], [2, 500, 'retry'], [3, 500, 'retry'], [4, 500, 'retry'],
    ]);
    for (const attempt of entry.attempts) expect(attempt.durationMs).toBeGreaterThanOrEqual(0);
    // The endpoint's failure record started with the first failure.
    const view = await api().call(`/manage/webhooks/${webhook.id}`, { token: tokens.admin });
    expect(view.body.failingSince).toBe(entry.attempts[0].at);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(receiver.requests).toHaveLength(4);
  });

  it('waits for Retry-After on a 429, then delivers', async () => {
    const { receiver, tokens } = await scenario((index) => (index === 0 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 }));
    await eventually('the second attempt', () => (receiver.requests.length >= 2 ? true : undefined));
    expect(gaps(receiver)[0]).toBeGreaterThanOrEqual(950);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(receiver.requests).toHaveLength(2);
    expect(new Set(ids(receiver)).size).toBe(1);
    expect(await deadLetters(api(), tokens.admin)).toEqual([]);
  });

  it.each([
    [410, {}],
    [301, { location: '/moved' }],
    [404, {}],
  ])('dead-letters a %i at once, without retrying or following it', async (status, headers) => {
    const { receiver, tokens } = await scenario(() => ({ status, headers }));
    const [entry] = await eventually('the dead letter', async () => {
      const found = await deadLetters(api(), tokens.admin);
      return found.length > 0 ? found : undefined;
    });
    expect(entry).toMatchObject({ reason: `HTTP ${status}`, status: 'dead_lettered' });
    expect(entry.attempts).toEqual([expect.objectContaining({ attempt: 1, status, outcome: 'permanent' })]);
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(receiver.requests.map((request) => request.path)).toEqual(['/hooks/stageline?token=s3cr3t-path']);
  });

  it('gives up on an attempt at the timeout and retries it', async () => {
    const { receiver, tokens } = await scenario((index) => (index < 1 ? 'hang' : { status: 200 }));
    await eventually('the second attempt', () => (receiver.requests.length >= 2 ? true : undefined));
    expect(gaps(receiver)[0]).toBeGreaterThanOrEqual(480);
    expect(gaps(receiver)[0]).toBeLessThan(500 + SHORT_SCHEDULE_MS[0] + 500);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(receiver.requests).toHaveLength(2);
    expect(await deadLetters(api(), tokens.admin)).toEqual([]);
  });

  it('records a receiver that hangs every time as timeouts in the dead letter', async () => {
    const { tokens } = await scenario(() => 'hang');
    const [entry] = await eventually('the dead letter', async () => {
      const found = await deadLetters(api(), tokens.admin);
      return found.length > 0 ? found : undefined;
    }, 30_000);
    expect(entry.attempts.map((attempt: { error: string }) => attempt.error)).toEqual(Array(4).fill('no answer within 500 ms'));
  });

  it('replays a dead letter once, with the same webhook-id, after the receiver is back', async () => {
    const { receiver, tokens } = await scenario(() => ({ status: 200 }), { receiverDown: true });
    const [entry] = await eventually('the dead letter', async () => {
      const found = await deadLetters(api(), tokens.admin);
      return found.length > 0 ? found : undefined;
    });
    expect(entry.attempts.map((attempt: { error: string }) => attempt.error)).toEqual(Array(4).fill('connection failed (ECONNREFUSED)'));
    await receiver.up();
    const replayed = await api().call(`/manage/dead-letters/${entry.id}/replay`, { token: tokens.admin, method: 'POST' });
    expect(replayed.status).toBe(202);
    expect(replayed.body).toMatchObject({ id: entry.id, status: 'replayed', replays: 1 });
    const again = await api().call(`/manage/dead-letters/${entry.id}/replay`, { token: tokens.admin, method: 'POST' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('DEAD_LETTER.ALREADY_REPLAYED');
    await eventually('the replayed delivery', () => (receiver.requests.length > 0 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(ids(receiver)).toEqual([entry.id]);
    const stored = (await deadLetters(api(), tokens.admin))[0];
    expect(stored).toMatchObject({ id: entry.id, status: 'replayed', replays: 1 });
  });

  it('puts an event back on the queue (a scheduled message) while its store is unavailable, then delivers it once', async () => {
    const receiver = await openReceiver();
    const tenant = `dlv-${(tenantCount += 1)}`;
    const tokens = await tenantTokens(api(), tenant);
    await registerWebhook(api(), tokens.admin, { kind: 'generic', url: receiver.url() });
    const fault = api().host.cosmosFaults.inject({ status: 503, container: 'webhooks', operation: 'query' });
    try {
      const applicationId = await newApplication(api(), tokens.recruiter);
      await addStage(api(), tokens.recruiter, applicationId, assignment());
      const requeued = await eventually('the fan-out to be postponed', async () => {
        const waiting = (await api().host.broker.peek('notifications', 100)).filter((message) => message.messageId.startsWith(`${tenant}:${applicationId}:1~fanout`));
        return waiting.length > 0 ? waiting : undefined;
      });
      // Put back as a scheduled message (its delay is full jitter, so it may be due already when peeked).
      expect(requeued[0]).toMatchObject({ scheduledEnqueueTimeUtc: expect.any(Date), applicationProperties: { fanOutAttempt: expect.any(Number) } });
      expect(receiver.requests).toEqual([]);
    } finally {
      fault.remove();
    }
    expect(fault.hits).toBeGreaterThan(0);
    await eventually('the delivery', () => (receiver.requests.length > 0 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(receiver.requests).toHaveLength(1);
    expect(await deadLetters(api(), tokens.admin)).toEqual([]);
    expect(api().host.broker.counts('notifications')).toMatchObject({ deadLetter: 0 });
  });

  it('stores inbox items in the fan-out itself: while the inbox store is unavailable the event waits on the queue and no endpoint is called; then each item is stored once', async () => {
    const receiver = await openReceiver();
    const tenant = `dlv-${(tenantCount += 1)}`;
    const tokens = await tenantTokens(api(), tenant);
    await registerWebhook(api(), tokens.admin, { kind: 'generic', url: receiver.url() });
    const deliveriesBefore = api().host.broker.counts('notification-deliveries');
    const fault = api().host.cosmosFaults.inject({ status: 503, container: 'inbox', operation: 'create' });
    let applicationId = '';
    try {
      applicationId = await newApplication(api(), tokens.recruiter);
      await addStage(api(), tokens.recruiter, applicationId, assignment());
      await eventually('the fan-out to be postponed', async () => {
        const waiting = (await api().host.broker.peek('notifications', 100)).filter((message) => message.messageId.startsWith(`${tenant}:${applicationId}:1~fanout`));
        return waiting.length > 0 ? waiting : undefined;
      });
      expect(receiver.requests).toEqual([]);
    } finally {
      fault.remove();
    }
    expect(fault.hits).toBeGreaterThan(0);
    await eventually('the delivery', () => (receiver.requests.length > 0 ? true : undefined));
    const inbox = await eventually('the recruiter\'s inbox item', async () => {
      const page = await api().call('/me/notifications', { token: tokens.recruiter });
      return page.body.items.length > 0 ? page.body.items : undefined;
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(receiver.requests).toHaveLength(1);
    expect(inbox.map((item: { payload: { eventId: string } }) => item.payload.eventId)).toEqual([`${tenant}:${applicationId}:1`]);
    expect((await api().call('/me/notifications', { token: tokens.recruiter })).body.items).toHaveLength(1);
    expect(api().host.broker.counts('notification-deliveries').deadLetter).toBe(deliveriesBefore.deadLetter);
  });

  it('loses nothing when the receiver is down for the whole retry window: replaying the log delivers every event once', async () => {
    const { receiver, tokens, webhook } = await scenario(() => ({ status: 200 }), { events: 5, receiverDown: true });
    const entries = await eventually('five dead letters', async () => {
      const found = await deadLetters(api(), tokens.admin, `?webhookId=${webhook.id}`);
      return found.length === 5 ? found : undefined;
    }, 30_000);
    await receiver.up();
    const replayed = await api().call('/manage/dead-letters/replay', { token: tokens.admin, json: { webhookId: webhook.id } });
    expect(replayed.status).toBe(202);
    expect(replayed.body).toMatchObject({ replayed: 5, more: false });
    await eventually('five deliveries', () => (receiver.requests.length >= 5 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(ids(receiver).sort()).toEqual(entries.map((entry) => entry.id).sort());
    const events = receiver.requests.map((request) => (JSON.parse(request.body) as { eventId: string }).eventId).sort();
    expect(new Set(events).size).toBe(5);
    const second = await api().call('/manage/dead-letters/replay', { token: tokens.admin, json: {} });
    expect(second.body).toMatchObject({ replayed: 0 });
  });
});
