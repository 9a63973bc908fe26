import { describe, expect, it } from 'vitest';
import { CloudEvent } from 'cloudevents';
import { publishOutbox } from '../../../shared/events/use-cases/publish-outbox.ts';
import { rememberPublished } from '../../../shared/events/adapters/remembered-timeline.adapter.ts';
import { notificationMessageSchema } from '../../../shared/events/api/notification-message.schema.ts';
import { addStageFeedback } from '../../../shared/stages/domain/application.ts';
import { ApplicationMutator, OUTBOX_CHECK_AT } from '../../../shared/stages/use-cases/application-mutator.ts';
import { SwitchableGate } from '../../support/stage-service-fixtures.ts';
import { testChainSigner } from '../../support/test-chain-signer.ts';
import { verifyApplicationTimeline } from '../../../shared/timeline/use-cases/verify-timeline.ts';
import type { TimelineEntry } from '../../../shared/timeline/domain/timeline-entry.ts';
import { allDocuments } from '../../local/cosmos-support/cosmos-fixtures.ts';
import { candidate, recruiter, submission, TOPIC_SUBSCRIPTIONS, useEventFixture } from '../../e2e/support/event-fixtures.ts';

describe('publishOutbox against the embedded Cosmos DB server and the broker', () => {
  const fx = useEventFixture();

  async function timelineOf(applicationId: string): Promise<TimelineEntry[]> {
    const entries: TimelineEntry[] = [];
    for await (const entry of fx().timeline.store.all('acme', applicationId)) entries.push(entry);
    return entries;
  }

  it('sends each event to both topic subscriptions and the queue and appends it to the timeline, without writing the application', async () => {
    const stored = await fx().seed('app-1', { submitted: true });
    expect(stored.document.outbox.map((event) => event.id)).toEqual(['acme:app-1:1', 'acme:app-1:2']);

    const outcome = await publishOutbox(fx().deps(), stored.document);
    expect(outcome).toEqual({ published: 2, appendedToTimeline: 2 });

    for (const path of TOPIC_SUBSCRIPTIONS) {
      const messages = await fx().peekAll(path);
      expect(messages.map((message) => message.messageId)).toEqual(['acme:app-1:1', 'acme:app-1:2']);
      const second = messages[1]!;
      expect(second.contentType).toBe('application/cloudevents+json; charset=utf-8');
      expect(second.applicationProperties).toEqual({ kind: 'stage.transitioned', stageType: 'assignment', stageStatus: 'awaiting_recruiter', tenantId: 'acme', action: 'submit' });
      const cloudEvent = new CloudEvent(second.body as Record<string, unknown>);
      expect(cloudEvent).toMatchObject({
        specversion: '1.0',
        id: 'acme:app-1:2',
        source: '/stageline/tenants/acme/applications',
        type: 'stageline.stage.transitioned',
        subject: 'app-1',
        time: stored.document.outbox[1]!.timestamp,
        stageeventkind: 'stage.transitioned',
        stageaction: 'submit',
        previousstatus: 'awaiting_candidate',
        sequence: '2',
      });
      expect(cloudEvent.data).toStrictEqual({
        type: 'STAGE_EVENT',
        stageType: 'assignment',
        stageStatus: 'awaiting_recruiter',
        applicationId: 'app-1',
        actor: candidate,
        timestamp: stored.document.outbox[1]!.timestamp,
      });
    }

    const notifications = await fx().peekAll('notifications');
    expect(notifications.map((message) => message.messageId)).toEqual(['acme:app-1:1', 'acme:app-1:2']);
    const first = notificationMessageSchema.parse(notifications[0]!.body);
    expect(first).toMatchObject({ type: 'STAGE_EVENT', eventId: 'acme:app-1:1', kind: 'stage.created', stageStatus: 'awaiting_candidate', actor: recruiter, visibleToCandidate: true, actionableBy: 'candidate' });
    // The application's facts as the published document holds them: the fan-out reads no application.
    const stage = stored.document.stages.find((candidate) => candidate.id === first.stageId)!;
    expect(first.application).toEqual({
      jobId: stored.document.jobId,
      candidateId: stored.document.candidateId,
      recruiterIds: stored.document.recruiterIds,
      stage: { title: stage.title, visibleToCandidate: true },
    });

    const entries = await timelineOf('app-1');
    expect(entries.map((entry) => [entry.id, entry.seq, entry.event.kind])).toEqual([
      ['acme:app-1:1', 1, 'stage.created'],
      ['acme:app-1:2', 2, 'stage.transitioned'],
    ]);
    const { chain, ...committed } = stored.document.outbox[1]!;
    expect(entries[1]!.event).toEqual(committed);
    expect([entries[1]!.prevHash, entries[1]!.hash, entries[1]!.mac]).toEqual([chain!.prevHash, chain!.hash, chain!.mac]);

    // The publisher never writes the application: the timeline entry is what says an event left.
    const after = await fx().applications.get('acme', 'app-1');
    expect(after!.etag).toBe(stored.etag);
    expect(after!.document.outbox).toHaveLength(2);
    expect(after!.document.eventSeq).toBe(2);
    expect(await fx().timeline.published.isPublished('acme', 'app-1', 2)).toBe(true);
    expect(await fx().timeline.published.isPublished('acme', 'app-1', 3)).toBe(false);
    expect(await verifyApplicationTimeline({ timeline: fx().timeline.store, signer: testChainSigner }, after!.document)).toEqual({ valid: true, anchored: true, entries: 2 });
  });

  it('the next mutation after the outbox fills drops the events that left, and keeps those that have not', async () => {
    const stored = await fx().seed('app-2', { submitted: true });
    const mutator = new ApplicationMutator({ repository: fx().applications, flags: new SwitchableGate(), clock: fx().clock, signer: testChainSigner, published: fx().timeline.published });
    const access = { tenantId: 'acme', actor: recruiter };
    const addFeedback = () =>
      mutator.mutate(access, 'app-2', (document, now) => ({
        application: addStageFeedback(document, 'app-2-st-1', { rating: 3, recommendation: 'yes', notes: `note ${document.eventSeq}` }, recruiter, now, `fb-${document.eventSeq}`).application,
      }));
    // Below the check threshold the outbox only grows, published or not (no read of the timeline).
    await publishOutbox(fx().deps(), stored.document);
    let current = stored.document;
    while (current.outbox.length < OUTBOX_CHECK_AT) current = (await addFeedback()).application;
    expect(current.outbox.map((event) => event.seq)).toEqual(Array.from({ length: OUTBOX_CHECK_AT }, (_, index) => index + 1));

    // Not all of them left yet: the outbox keeps everything.
    await addFeedback();
    current = (await fx().applications.get('acme', 'app-2'))!.document;
    expect(current.outbox).toHaveLength(OUTBOX_CHECK_AT + 1);

    // Once the newest has left, the next mutation carries only its own event.
    await publishOutbox(fx().deps(), current);
    const result = await addFeedback();
    expect(result.application.outbox.map((event) => event.seq)).toEqual([OUTBOX_CHECK_AT + 2]);
    const stored2 = (await fx().applications.get('acme', 'app-2'))!.document;
    expect(stored2.outbox.map((event) => event.seq)).toEqual([OUTBOX_CHECK_AT + 2]);
    // The chain goes on across the drop.
    await publishOutbox(fx().deps(), stored2);
    expect(await verifyApplicationTimeline({ timeline: fx().timeline.store, signer: testChainSigner }, stored2)).toEqual({ valid: true, anchored: true, entries: OUTBOX_CHECK_AT + 2 });
  });

  it('after a mutation sends only the new event: the outbox keeps what left, the timeline says so', async () => {
    const stored = await fx().seed('app-6', { submitted: true });
    expect(await publishOutbox(fx().deps(), stored.document)).toEqual({ published: 2, appendedToTimeline: 2 });
    const next = await fx().mutate('app-6', (document) =>
      addStageFeedback(document, 'app-6-st-1', { rating: 4, recommendation: 'yes', notes: 'ok' }, recruiter, fx().clock.now(), 'fb-6').application,
    );
    expect(next.document.outbox.map((event) => event.seq)).toEqual([1, 2, 3]);
    const looked: number[] = [];
    const timeline = { ...fx().events.timeline, isPublished: async (tenantId: string, applicationId: string, seq: number) => (looked.push(seq), fx().events.timeline.isPublished(tenantId, applicationId, seq)) };
    expect(await publishOutbox(fx().deps({ timeline }), next.document)).toEqual({ published: 1, appendedToTimeline: 1 });
    expect(looked).toEqual([2]);
    expect((await fx().peekAll('notifications')).map((message) => message.messageId)).toEqual(['acme:app-6:1', 'acme:app-6:2', 'acme:app-6:3']);
    expect((await timelineOf('app-6')).map((entry) => entry.seq)).toEqual([1, 2, 3]);
  });

  it('answers the look-up from memory once this instance put the previous event on the timeline; another instance asks the timeline, then remembers', async () => {
    const stored = await fx().seed('app-7', { submitted: true });
    expect(await publishOutbox(fx().deps(), stored.document)).toEqual({ published: 2, appendedToTimeline: 2 });
    const next = await fx().mutate('app-7', (document) =>
      addStageFeedback(document, 'app-7-st-1', { rating: 4, recommendation: 'yes', notes: 'ok' }, recruiter, fx().clock.now(), 'fb-7').application,
    );
    const timelineReads = fx().cosmos.server.faults.inject({ status: 503, container: 'timeline', operation: 'read' });
    try {
      // This instance appended seq 2: no read, so the outage of timeline reads does not matter.
      expect(await publishOutbox(fx().deps(), next.document)).toEqual({ published: 1, appendedToTimeline: 1 });
      expect(timelineReads.hits).toBe(0);
      // A fresh instance (restart, lease moved) knows nothing and asks the store.
      const fresh = rememberPublished(fx().timeline.appender);
      await expect(fresh.isPublished('acme', 'app-7', 3)).rejects.toThrow();
      expect(timelineReads.hits).toBeGreaterThan(0);
      timelineReads.remove();
      expect(await fresh.isPublished('acme', 'app-7', 3)).toBe(true);
      const hits = timelineReads.hits;
      const again = fx().cosmos.server.faults.inject({ status: 503, container: 'timeline', operation: 'read' });
      expect(await fresh.isPublished('acme', 'app-7', 2)).toBe(true);
      expect(await fresh.isPublished('acme', 'app-7', 3)).toBe(true);
      expect(again.hits).toBe(0);
      again.remove();
      expect(hits).toBe(timelineReads.hits);
      // Not on the timeline: never remembered as published.
      expect(await fresh.isPublished('acme', 'app-7', 4)).toBe(false);
    } finally {
      fx().cosmos.server.faults.clear();
    }
  });

  it('after a crash between sending and the timeline, a second run delivers no duplicate message and appends each entry once', async () => {
    const stored = await fx().seed('app-3', { submitted: true });
    const crashing = { ...fx().events.timeline, append: async () => Promise.reject(new Error('process killed before the timeline')) };
    await expect(publishOutbox(fx().deps({ timeline: crashing }), stored.document)).rejects.toThrow('process killed before the timeline');
    expect(await timelineOf('app-3')).toHaveLength(0);
    expect(await fx().timeline.published.isPublished('acme', 'app-3', 2)).toBe(false);

    const second = await publishOutbox(fx().deps(), stored.document);
    expect(second).toEqual({ published: 2, appendedToTimeline: 2 });
    // Run again on the same version (a redelivered batch): what left is not sent again but the newest, absorbed as a duplicate.
    expect(await publishOutbox(fx().deps(), stored.document)).toEqual({ published: 1, appendedToTimeline: 0 });

    for (const path of [...TOPIC_SUBSCRIPTIONS, 'notifications']) {
      const received = await fx().broker.receive(path, { maxMessages: 100 });
      expect(received.map((message) => message.messageId)).toEqual(['acme:app-3:1', 'acme:app-3:2']);
      expect(fx().broker.counts(path)).toMatchObject({ active: 0, scheduled: 0 });
    }
    const timelineDocuments = await allDocuments(fx().cosmos.container('timeline'));
    expect([...timelineDocuments.keys()].sort()).toEqual(['acme:app-3:1', 'acme:app-3:2']);
  });

  it('two publishers racing on the same outbox store one entry per event and one valid chain', async () => {
    const stored = await fx().seed('app-4', { submitted: true });
    const results = await Promise.all([publishOutbox(fx().deps(), stored.document), publishOutbox(fx().deps(), stored.document)]);
    expect(results.map((result) => result.appendedToTimeline).reduce((a, b) => a + b)).toBe(2);
    const after = (await fx().applications.get('acme', 'app-4'))!.document;
    expect(await verifyApplicationTimeline({ timeline: fx().timeline.store, signer: testChainSigner }, after)).toEqual({ valid: true, anchored: true, entries: 2 });
    expect((await fx().peekAll('notifications')).map((message) => message.messageId)).toEqual(['acme:app-4:1', 'acme:app-4:2']);
  });

  it('does nothing for an empty outbox', async () => {
    const stored = await fx().seed('app-5');
    expect(await publishOutbox(fx().deps(), { ...stored.document, outbox: [] })).toEqual({ published: 0, appendedToTimeline: 0 });
    expect((await fx().applications.get('acme', 'app-5'))!.etag).toBe(stored.etag);
    expect(await fx().peekAll('notifications')).toHaveLength(0);
    expect(await timelineOf('app-5')).toHaveLength(0);
  });
});
