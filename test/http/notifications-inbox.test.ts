import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offerLetter, startApiStack, type ApiStack } from '../support/stage-api.ts';
import { startReceiver } from '../support/webhook-receiver.ts';
import { addStage, assignment, eventually, metricValue, newApplication, registerWebhook, shortDeliverySettings, tenantTokens } from '../support/notification-fixtures.ts';
import { scheduledCall } from '../shared/stages/stage-fixtures.ts';
import { notificationMessage } from '../../shared/events/domain/outbox-messages.ts';
import { notificationMessageSchema } from '../../shared/events/api/notification-message.schema.ts';

/**
 * In-app inboxes through the local host: who gets what for each kind of event (candidate vs
 * staff, hidden stages, feedback, disqualification), the inbox routes, the notices other
 * capabilities publish straight to the queue, and messages nobody can read.
 */
let api: ApiStack;
beforeAll(async () => {
  api = await startApiStack({ ...shortDeliverySettings });
});
afterAll(() => api.stop());

async function inbox(token: string, query = ''): Promise<any> {
  const answer = await api.call(`/me/notifications${query}`, { token });
  expect(answer.status).toBe(200);
  return answer.body;
}

async function everything(token: string): Promise<any[]> {
  const items: any[] = [];
  let continuationToken: string | undefined;
  do {
    const page = await inbox(token, `?limit=2${continuationToken ? `&continuationToken=${encodeURIComponent(continuationToken)}` : ''}`);
    items.push(...page.items);
    continuationToken = page.continuationToken;
  } while (continuationToken);
  return items;
}

/** Waits until the user's inbox holds `count` items. */
async function inboxOf(token: string, count: number): Promise<any[]> {
  return eventually(`${count} inbox items`, async () => {
    const page = await inbox(token, '?limit=100');
    return page.items.length >= count ? page.items : undefined;
  });
}

describe('who is told what', () => {
  it('tells the candidate only about stages they see and may act on, never feedback; staff about everything', async () => {
    const t = await tenantTokens(api, 'who-1');
    const interviewer = await api.as('interviewer', 'who-1', 'int-1');
    const applicationId = await newApplication(api, t.recruiter);
    const staff = { tenantId: 'who-1', actor: { role: 'recruiter' as const, id: 'rec-1' } };
    const { useCases } = api.host.services.stages;

    await addStage(api, t.recruiter, applicationId, assignment(false)); // hidden: candidate not told
    const interviewId = await addStage(api, t.recruiter, applicationId, { type: 'live_interview', data: { recruiterId: 'rec-1', interviewerIds: ['int-1'] } });
    await useCases.applyOwnedAction({ tenantId: 'who-1', actor: { role: 'candidate', id: 'cand-1' } }, applicationId, interviewId, 'schedule', { slotId: 's1', scheduledCallId: 'c1', call: scheduledCall });
    const feedback = await api.call(`/applications/${applicationId}/stages/${interviewId}/feedback`, { token: interviewer, json: { rating: 2, recommendation: 'no', notes: 'CONFIDENTIAL-NOTES' } });
    expect(feedback.status).toBe(201);
    const hiddenOffer = await api.seedStage(applicationId, { type: 'offer', visibleToCandidate: false, data: { offerLetter } }, 'who-1');
    await useCases.applyAction(staff, applicationId, hiddenOffer, 'revoke', {});
    await useCases.createStage(staff, applicationId, { type: 'disqualified', data: { reason: 'INTERNAL-REASON', notifyCandidate: true, candidateMessage: 'Thank you for your time.' } });

    const recruiterItems = await inboxOf(t.recruiter, 7);
    expect(recruiterItems.map((item: any) => item.event).sort()).toEqual(
      ['stage.created', 'stage.created', 'interview.scheduled', 'feedback.submitted', 'offer.sent', 'offer.revoked', 'candidate.disqualified'].sort(),
    );
    const candidateItems = await inboxOf(t.candidate, 3);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const finalCandidate = (await inbox(t.candidate, '?limit=100')).items;
    expect(finalCandidate.map((item: any) => item.event)).toEqual(['candidate.disqualified', 'interview.scheduled', 'stage.created']);
    expect(candidateItems).toHaveLength(3);
    expect(finalCandidate[0]).toMatchObject({ title: 'Update on your application', body: 'Thank you for your time.', link: `https://app.stageline.test/applications/${applicationId}` });
    expect(finalCandidate[2].payload).toEqual({
      type: 'STAGE_EVENT', stageType: 'live_interview', stageStatus: 'awaiting_candidate', applicationId,
      actor: { role: 'recruiter' }, timestamp: expect.any(String), eventId: `who-1:${applicationId}:2`, event: 'stage.created',
    });
    const candidateText = JSON.stringify(finalCandidate);
    for (const secret of ['CONFIDENTIAL-NOTES', 'INTERNAL-REASON', 'rec-1', 'int-1', hiddenOffer, 'feedback', 'offer']) expect(candidateText).not.toContain(secret);

    const interviewerItems = await inboxOf(interviewer, 1);
    expect(interviewerItems.map((item: any) => item.event)).toEqual(['interview.scheduled']);
    const feedbackItem = recruiterItems.find((item: any) => item.event === 'feedback.submitted');
    expect(JSON.stringify(feedbackItem)).not.toMatch(/CONFIDENTIAL|"rating"|recommendation/);
    expect(feedbackItem.payload).toMatchObject({ actor: { role: 'interviewer', id: 'int-1' }, stageType: 'live_interview' });
  });

  it('does not tell the candidate about a disqualification when notifyCandidate is off', async () => {
    const t = await tenantTokens(api, 'who-2');
    const applicationId = await newApplication(api, t.recruiter);
    await addStage(api, t.recruiter, applicationId, { type: 'disqualified', data: { reason: 'Position filled', notifyCandidate: false } });
    await inboxOf(t.recruiter, 1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await inbox(t.candidate)).items).toEqual([]);
  });
});

describe('inbox routes', () => {
  it('lists newest first with the unread count, pages, marks one and all read, and stores the read time', async () => {
    const t = await tenantTokens(api, 'inbox-1');
    const applicationId = await newApplication(api, t.recruiter);
    for (let n = 0; n < 5; n += 1) await addStage(api, t.recruiter, applicationId, assignment());
    const first = await inboxOf(t.candidate, 5);
    const page = await inbox(t.candidate);
    expect(page.unreadCount).toBe(5);
    const times = first.map((item: any) => item.occurredAt);
    expect(times).toEqual([...times].sort().reverse());
    expect(first.map((item: any) => item.payload.eventId)).toEqual([5, 4, 3, 2, 1].map((seq) => `inbox-1:${applicationId}:${seq}`));

    const paged = await everything(t.candidate);
    expect(paged.map((item) => item.id)).toEqual(first.map((item: any) => item.id));

    const read = await api.call(`/me/notifications/${first[1].id}/read`, { token: t.candidate, method: 'POST' });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: first[1].id, read: true, readAt: expect.any(String) });
    const unread = await inbox(t.candidate, '?unread=true');
    expect(unread.unreadCount).toBe(4);
    expect(unread.items.map((item: any) => item.id)).toEqual(first.filter((_: unknown, index: number) => index !== 1).map((item: any) => item.id));
    const stored = await api.host.services.database.container('inbox').item(first[1].id, `inbox-1/cand-1`).read();
    expect(stored.resource).toMatchObject({ readAt: read.body.readAt, tenantId: 'inbox-1', userId: 'cand-1' });

    // Someone else's notification does not exist for the caller.
    const other = await api.call(`/me/notifications/${first[0].id}/read`, { token: t.recruiter, method: 'POST' });
    expect(other).toMatchObject({ status: 404, body: { code: 'NOTIFICATION.NOT_FOUND' } });
    const otherTenant = await api.call(`/me/notifications/${first[0].id}/read`, { token: await api.as('candidate', 'elsewhere', 'cand-1'), method: 'POST' });
    expect(otherTenant.status).toBe(404);
    expect((await inbox(t.candidate)).unreadCount).toBe(4);

    const all = await api.call('/me/notifications/read-all', { token: t.candidate, method: 'POST' });
    expect(all).toMatchObject({ status: 200, body: { marked: 4 } });
    expect(await inbox(t.candidate)).toMatchObject({ unreadCount: 0 });
    expect((await inbox(t.candidate, '?unread=true')).items).toEqual([]);
    expect((await api.call('/me/notifications?limit=0', { token: t.candidate })).status).toBe(400);
  });
});

describe("the application's facts", () => {
  it('travel in the message from the publisher, so the fan-out reads no application; a message without them (published before) has it read', async () => {
    const t = await tenantTokens(api, 'facts-1');
    const applicationId = await newApplication(api, t.recruiter);
    await api.host.requestCounts({ reset: true });
    const stageId = await addStage(api, t.recruiter, applicationId, { type: 'live_interview', title: 'Systems design', data: { recruiterId: 'rec-1', interviewerIds: ['int-7'] } });
    const [told] = await inboxOf(t.candidate, 1);
    await inboxOf(t.recruiter, 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The request path's read (add the stage: one read, one replace); no read by the fan-out (`events/…`).
    const counted = await api.host.requestCounts({ reset: true });
    expect([counted['applications:read'], counted['events/applications:read'] ?? 0]).toEqual([1, 0]);

    const stored = await api.host.services.stages.repository.get('facts-1', applicationId);
    const event = stored!.document.outbox.find((candidate) => candidate.stageId === stageId)!;
    const published = notificationMessage(event, undefined);
    const legacy = notificationMessageSchema.parse({ ...(published.body as object), eventId: `${event.id}-before-facts` });
    expect(legacy.application).toBeUndefined();
    await api.host.broker.send('notifications', [{ ...published, messageId: legacy.eventId, body: legacy }]);
    const items = await inboxOf(t.candidate, 2);
    const again = items.find((item: any) => item.id !== told.id);
    expect({ title: again.title, body: again.body, link: again.link }).toEqual({ title: told.title, body: told.body, link: told.link });
    // This test's own read of the application above, and the fan-out's.
    expect((await api.host.requestCounts())['events/applications:read']).toBe(2);
  });
});

describe('notices published straight to the queue', () => {
  it('tells the uploader about a rejected upload and the recruiter about an invalid calendar connection, in the inbox only', async () => {
    const t = await tenantTokens(api, 'notice-1');
    const receiver = await startReceiver();
    try {
      await registerWebhook(api, t.admin, { kind: 'generic', url: receiver.url() });
      const applicationId = await newApplication(api, t.recruiter);
      const at = new Date().toISOString();
      await api.host.broker.send('notifications', [
        {
          messageId: 'upload-rejected:up-1',
          body: { kind: 'upload.rejected', eventId: 'upload-rejected:up-1', tenantId: 'notice-1', applicationId, uploadId: 'up-1', purpose: 'submission', reason: 'not a PDF', uploader: { role: 'candidate', id: 'cand-1' }, timestamp: at },
        },
        { messageId: 'calendar:rec-1:1', body: { kind: 'calendar.connection_invalid', eventId: 'calendar:rec-1:1', tenantId: 'notice-1', recruiterId: 'rec-1', timestamp: at } },
      ]);
      const [upload] = await inboxOf(t.candidate, 1);
      expect(upload).toMatchObject({
        event: 'upload.rejected',
        title: 'Upload rejected',
        body: expect.stringContaining('not a PDF'),
        payload: { type: 'NOTICE', event: 'upload.rejected', applicationId, uploadId: 'up-1', reason: 'not a PDF', purpose: 'submission' },
      });
      const recruiterItems = await inboxOf(t.recruiter, 1);
      expect(recruiterItems.map((item: any) => item.event)).toEqual(['calendar.connection_invalid']);
      expect(recruiterItems[0].link).toBe('https://app.stageline.test/settings/calendar');
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(receiver.requests).toEqual([]);
    } finally {
      await receiver.close();
    }
  });
});

describe('messages nobody can read', () => {
  it('go to the queue\'s dead-letter sub-queue after its last delivery, counted, and are not retried again', async () => {
    const before = await metricValue(api.baseUrl, 'stageline_notifications_dead_letters_total', { channel: 'queue', reason: 'unreadable' });
    await api.host.broker.send('notifications', [{ messageId: 'garbage-1', body: { kind: 'stage.created', what: 'no' } }]);
    await api.host.broker.send('notification-deliveries', [{ messageId: 'garbage-2', body: 'not even json' }]);
    for (const queue of ['notifications', 'notification-deliveries']) {
      const [dead] = await eventually(`the ${queue} dead letter`, async () => {
        const found = await api.host.broker.peek(`${queue}/$deadletterqueue`, 10);
        const mine = found.filter((message) => message.messageId.startsWith('garbage-'));
        return mine.length > 0 ? mine : undefined;
      });
      expect(dead).toMatchObject({ deadLetterReason: 'MaxDeliveryCountExceeded', deliveryCount: 10 });
    }
    expect(await metricValue(api.baseUrl, 'stageline_notifications_dead_letters_total', { channel: 'queue', reason: 'unreadable' })).toBe(before + 2);
    expect(await metricValue(api.baseUrl, 'stageline_notifications_unreadable_messages_total', { queue: 'notifications' })).toBeGreaterThanOrEqual(10);
    expect(api.host.broker.counts('notifications')).toMatchObject({ active: 0, locked: 0 });
  });
});
